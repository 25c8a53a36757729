import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Dataset, ErrorBody, SessionView } from "@assay/contracts";
import { storageKeys } from "@assay/runtime";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";

let fx: ApiFixture;
const UPLOAD_LIMIT = 64 * 1024;

beforeAll(async () => {
  fx = await startApi({ MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) });
});
afterAll(async () => {
  await fx.close();
});

const call = (route: string, init?: RequestInit) => fx.call(route, init);
const postJson = (route: string, body: unknown) =>
  call(route, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = ErrorBody.parse(await response.json());
  expect(body.error.code).toBe(code);
  return body;
}

async function newSession(): Promise<string> {
  const response = await call("/v1/sessions", { method: "POST" });
  expect(response.status).toBe(201);
  return SessionView.parse(await response.json()).id;
}

async function upload(sessionId: string, body: BodyInit, contentType: string, name = "people.csv") {
  return call(`/v1/sessions/${sessionId}/datasets?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body,
  });
}

const CSV = "name,age,score\nada,36,9.5\nbob,41,7.25\ncy,29,8\n";

async function uploadCsv(sessionId: string): Promise<Dataset> {
  const response = await upload(sessionId, CSV, "text/csv");
  expect(response.status).toBe(201);
  return Dataset.parse(await response.json());
}

async function storedFiles(sessionId: string): Promise<string[]> {
  return readdir(path.join(fx.env.DATA_DIR, storageKeys.datasetsDir(sessionId))).catch(() => []);
}

describe("sessions", () => {
  it("creates, reads and deletes a session", async () => {
    const sessionId = await newSession();
    const view = SessionView.parse(await (await call(`/v1/sessions/${sessionId}`)).json());
    expect(view).toMatchObject({
      id: sessionId,
      status: "starting",
      queuePosition: 1,
      datasets: [],
      worker: null,
    });
    expect(await fx.redis.zscore(fx.api.services.keys.pendingSessions, sessionId)).not.toBeNull();

    expect((await call(`/v1/sessions/${sessionId}`, { method: "DELETE" })).status).toBe(204);
    const after = SessionView.parse(await (await call(`/v1/sessions/${sessionId}`)).json());
    expect(after.status).toBe("stopping");
    expect(await fx.redis.zscore(fx.api.services.keys.pendingSessions, sessionId)).toBeNull();
  });

  it("derives busy and idle from the worker heartbeat", async () => {
    const sessionId = await newSession();
    await fx.api.services.sessions.setStatus(sessionId, "ready");
    const heartbeat = (state: string, lastJobAt?: string) =>
      fx.redis.set(
        fx.api.services.keys.sessionHeartbeat(sessionId),
        JSON.stringify({
          workerId: "w1",
          state,
          lastJobAt,
          startedAt: new Date().toISOString(),
          at: new Date().toISOString(),
        }),
      );
    await heartbeat("busy");
    expect((await (await call(`/v1/sessions/${sessionId}`)).json()).status).toBe("busy");
    const later = new Date(Date.now() + 60_000).toISOString();
    await heartbeat("idle", later);
    const idle = SessionView.parse(await (await call(`/v1/sessions/${sessionId}`)).json());
    expect(idle).toMatchObject({ status: "idle", lastActiveAt: later });
  });

  it("answers 404 for unknown and malformed ids, and for unknown routes; 405 for a wrong method", async () => {
    await expectError(await call("/v1/sessions/ses_000000000000000000000000"), 404, "SESSION_NOT_FOUND");
    await expectError(await call("/v1/sessions/not-an-id"), 404, "SESSION_NOT_FOUND");
    await expectError(await call("/v1/sessions/x", { method: "DELETE" }), 404, "SESSION_NOT_FOUND");
    await expectError(await call("/v1/nothing-here"), 404, "NOT_FOUND");
    await expectError(await call("/v1/sessions", { method: "PUT" }), 405, "METHOD_NOT_ALLOWED");
  });
});

describe("dataset uploads", () => {
  it("stores a raw CSV upload and lists it on the session", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    expect(dataset).toMatchObject({ name: "people.csv", format: "csv", rows: 3, bytes: CSV.length });
    expect(dataset.columns.map((column) => column.type)).toEqual(["string", "integer", "float"]);
    const view = SessionView.parse(await (await call(`/v1/sessions/${sessionId}`)).json());
    expect(view.datasets.map((d) => d.id)).toEqual([dataset.id]);
    expect(await storedFiles(sessionId)).toEqual([`${dataset.id}.csv`]);
  });

  it("accepts multipart with the format from the file name, and the name stripped of any path", async () => {
    const sessionId = await newSession();
    const form = new FormData();
    form.append("note", "ignored");
    form.append("file", new Blob(['{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n']), "../../etc/rows.jsonl");
    const response = await call(`/v1/sessions/${sessionId}/datasets`, { method: "POST", body: form });
    expect(response.status).toBe(201);
    expect(Dataset.parse(await response.json())).toMatchObject({
      name: "rows.jsonl",
      format: "ndjson",
      rows: 2,
    });
  });

  it("rejects bad uploads with their codes and leaves nothing behind", async () => {
    const sessionId = await newSession();
    await expectError(await upload(sessionId, CSV, "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    await expectError(
      await upload(sessionId, Buffer.from("PAR1\0\0\0binary"), "text/csv"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    await expectError(await upload(sessionId, "", "text/csv"), 400, "EMPTY_DATASET");
    await expectError(await upload(sessionId, "a,b\n", "text/csv"), 400, "EMPTY_DATASET");
    await expectError(
      await upload(sessionId, 'a,b\n"1,2\n3,4,5\n"open', "text/csv"),
      400,
      "DATASET_UNPARSEABLE",
    );
    const big = `a,b\n${"1,2\n".repeat(UPLOAD_LIMIT / 4 + 10)}`;
    await expectError(await upload(sessionId, big, "text/csv"), 413, "PAYLOAD_TOO_LARGE");
    // Without Content-Length the limit is enforced while streaming.
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++)
          controller.enqueue(new TextEncoder().encode(big.slice(i * 5000, (i + 1) * 5000)));
        controller.close();
      },
    });
    const streamed = await call(`/v1/sessions/${sessionId}/datasets`, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    await expectError(streamed, 413, "PAYLOAD_TOO_LARGE");
    const form = new FormData();
    form.append("other", "no file here");
    await expectError(
      await call(`/v1/sessions/${sessionId}/datasets`, { method: "POST", body: form }),
      400,
      "BAD_REQUEST",
    );
    expect(await storedFiles(sessionId)).toEqual([]);
    await expectError(
      await upload("ses_000000000000000000000000", CSV, "text/csv"),
      404,
      "SESSION_NOT_FOUND",
    );
  });
});

describe("analyses and jobs", () => {
  it("queues an analysis on the session's BullMQ queue and reports the job", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    const response = await postJson(`/v1/sessions/${sessionId}/analyses`, {
      datasetId: dataset.id,
      query: "what drives score?",
    });
    expect(response.status).toBe(202);
    const accepted = await response.json();
    expect(accepted).toMatchObject({ status: "queued", links: { self: `/v1/jobs/${accepted.jobId}` } });

    const job = await (await call(`/v1/jobs/${accepted.jobId}`)).json();
    expect(job).toMatchObject({ id: accepted.jobId, sessionId, datasetId: dataset.id, status: "queued" });
    const queue = new Queue("analyses", {
      connection: fx.redis,
      prefix: fx.api.services.keys.queuePrefix(sessionId),
    });
    const queued = await queue.getJob(accepted.jobId);
    expect(queued?.data).toMatchObject({ jobId: accepted.jobId, sessionId, query: "what drives score?" });
    expect(queued?.opts.attempts).toBe(fx.env.JOB_ATTEMPTS);

    const cancel = await call(`/v1/jobs/${accepted.jobId}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(202);
    expect((await cancel.json()).status).toBe("cancelled");
    expect(await queue.getJob(accepted.jobId)).toBeUndefined();
    await queue.close();
    await expectError(
      await call(`/v1/jobs/${accepted.jobId}/cancel`, { method: "POST" }),
      409,
      "JOB_ALREADY_FINISHED",
    );
  });

  it("asks a running job to cancel instead of removing it", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    const { jobId } = await (
      await postJson(`/v1/sessions/${sessionId}/analyses`, { datasetId: dataset.id, query: "q" })
    ).json();
    await fx.api.services.jobs.update(sessionId, jobId, { status: "running" });
    expect((await call(`/v1/jobs/${jobId}/cancel`, { method: "POST" })).status).toBe(202);
    expect(await fx.api.services.jobs.isCancelRequested(sessionId, jobId)).toBe(true);
  });

  it("wakes an idle-reaped session", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    await fx.redis.zrem(fx.api.services.keys.pendingSessions, sessionId);
    await fx.api.services.sessions.setStatus(sessionId, "stopped", "idle");
    expect(
      (await postJson(`/v1/sessions/${sessionId}/analyses`, { datasetId: dataset.id, query: "q" })).status,
    ).toBe(202);
    expect(SessionView.parse(await (await call(`/v1/sessions/${sessionId}`)).json())).toMatchObject({
      status: "starting",
      queuePosition: expect.any(Number),
    });
  });

  it("rejects bad analysis requests with their codes", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    const route = `/v1/sessions/${sessionId}/analyses`;
    const malformed = await call(route, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{nope",
    });
    await expectError(malformed, 400, "INVALID_JSON");
    const unknownField = await expectError(
      await postJson(route, { datasetId: dataset.id, query: "q", extra: 1 }),
      400,
      "VALIDATION_FAILED",
    );
    expect(unknownField.error.message).toContain("extra");
    await expectError(await postJson(route, { datasetId: dataset.id, query: "" }), 400, "VALIDATION_FAILED");
    await expectError(await postJson(route, { datasetId: "ds_bad", query: "q" }), 400, "VALIDATION_FAILED");
    const text = await call(route, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hi" });
    await expectError(text, 415, "UNSUPPORTED_MEDIA_TYPE");
    const tooBig = await postJson(route, { datasetId: dataset.id, query: "x".repeat(2 * 1024 * 1024) });
    await expectError(tooBig, 413, "PAYLOAD_TOO_LARGE");

    const otherSession = await newSession();
    const othersDataset = await uploadCsv(otherSession);
    await expectError(
      await postJson(route, { datasetId: othersDataset.id, query: "q" }),
      404,
      "DATASET_NOT_FOUND",
    );
    await expectError(
      await postJson("/v1/sessions/ses_000000000000000000000000/analyses", {
        datasetId: dataset.id,
        query: "q",
      }),
      404,
      "SESSION_NOT_FOUND",
    );
    await call(`/v1/sessions/${sessionId}`, { method: "DELETE" });
    await expectError(
      await postJson(route, { datasetId: dataset.id, query: "q" }),
      409,
      "SESSION_NOT_ACTIVE",
    );
    await expectError(await call("/v1/jobs/job_000000000000000000000000"), 404, "JOB_NOT_FOUND");
    await expectError(await call("/v1/jobs/nope"), 404, "JOB_NOT_FOUND");
  });
});

describe("reports and artifacts", () => {
  it("serves a succeeded job's report by format and Accept, and artifacts by name", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    const { jobId } = await (
      await postJson(`/v1/sessions/${sessionId}/analyses`, { datasetId: dataset.id, query: "q" })
    ).json();
    await expectError(await call(`/v1/jobs/${jobId}/report`), 409, "REPORT_NOT_READY");

    const jobDir = path.join(fx.env.DATA_DIR, storageKeys.jobDir(sessionId, jobId));
    await mkdir(jobDir, { recursive: true });
    await writeFile(path.join(jobDir, "report.json"), '{"version":1}');
    await writeFile(path.join(jobDir, "report.md"), "# Report");
    await writeFile(path.join(jobDir, "chart-1.svg"), "<svg/>");
    await fx.api.services.jobs.update(sessionId, jobId, { status: "succeeded" });

    const json = await call(`/v1/jobs/${jobId}/report`);
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(await json.json()).toEqual({ version: 1 });
    const markdown = await call(`/v1/jobs/${jobId}/report`, { headers: { Accept: "text/markdown" } });
    expect(await markdown.text()).toBe("# Report");
    expect((await call(`/v1/jobs/${jobId}/report?format=markdown`)).headers.get("content-type")).toContain(
      "text/markdown",
    );
    await expectError(await call(`/v1/jobs/${jobId}/report?format=pdf`), 406, "NOT_ACCEPTABLE");
    await expectError(
      await call(`/v1/jobs/${jobId}/report`, { headers: { Accept: "application/pdf" } }),
      406,
      "NOT_ACCEPTABLE",
    );
    await expectError(await call(`/v1/jobs/${jobId}/report?format=html`), 404, "ARTIFACT_NOT_FOUND");

    const svg = await call(`/v1/jobs/${jobId}/artifacts/chart-1.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toBe("<svg/>");
    await expectError(await call(`/v1/jobs/${jobId}/artifacts/..%2Freport.json`), 404, "ARTIFACT_NOT_FOUND");
    await expectError(await call(`/v1/jobs/${jobId}/artifacts/missing.png`), 404, "ARTIFACT_NOT_FOUND");
  });
});

describe("health", () => {
  it("is live, and ready only with a live scheduler", async () => {
    expect(await (await call("/healthz")).json()).toEqual({ status: "ok" });
    await expectError(await call("/readyz"), 503, "SCHEDULER_UNAVAILABLE");
    await fx.redis.zadd(fx.api.services.keys.schedulers, Date.now() + 60_000, "sched-1");
    expect((await call("/readyz")).status).toBe(200);
    await fx.redis.zrem(fx.api.services.keys.schedulers, "sched-1");
  });
});

describe("seed-compatible routes", () => {
  it("answer like the seed project over the same operations", async () => {
    expect(await (await call("/hello")).json()).toEqual({ message: "Hello from Assay" });
    const { session_id: sessionId } = await (await call("/session_id")).json();
    expect(await (await call(`/validate_session/${sessionId}`)).json()).toEqual({
      session_id: sessionId,
      valid: true,
    });
    expect(await (await call("/validate_session/bogus")).json()).toEqual({
      session_id: "bogus",
      valid: false,
    });
    expect(await (await call(`/session_status/${sessionId}`)).json()).toEqual({
      session_id: sessionId,
      status: "starting",
    });

    await expectError(await postJson("/analyze", { session_id: sessionId, query: "q" }), 400, "BAD_REQUEST");
    const dataset = await uploadCsv(sessionId);
    const analyze = await postJson("/analyze", { session_id: sessionId, query: "q" });
    expect(analyze.status).toBe(202);
    const { job_id: jobId, status } = await analyze.json();
    expect(status).toBe("queued");
    expect((await (await call(`/v1/jobs/${jobId}`)).json()).datasetId).toBe(dataset.id);

    expect(await (await call(`/cleanup_session/${sessionId}`, { method: "POST" })).json()).toEqual({
      session_id: sessionId,
      status: "stopping",
    });
    expect((await (await call(`/validate_session/${sessionId}`)).json()).valid).toBe(false);
  });
});
