import { Writable } from "node:stream";
import { type AssayEvent, ErrorBody, SessionView } from "@assay/contracts";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";

const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

let fx: ApiFixture;
beforeAll(async () => {
  fx = await startApi({ ADMIN_TOKEN, METRICS_CACHE_MS: "0" }, { logger: pino({ level: "debug" }, logSink) });
});
afterAll(async () => {
  await fx.close();
});

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const basic = { Authorization: `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString("base64")}` };
const scrape = async () => {
  const response = await fetch(`${fx.url}/metrics`, { headers: admin });
  expect(response.status).toBe(200);
  return response.text();
};
/** The value of one sample line, e.g. `assay_jobs_finished_total{outcome="succeeded"}`. */
const sample = (text: string, series: string) => {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const newSession = async () =>
  SessionView.parse(await (await fx.call("/v1/sessions", { method: "POST" })).json()).id;

describe("/metrics", () => {
  it("answers the admin token only (Bearer or Basic), never a tenant key", async () => {
    expect((await fetch(`${fx.url}/metrics`)).status).toBe(401);
    const tenant = await fx.call("/metrics");
    expect(tenant.status).toBe(401);
    expect(ErrorBody.parse(await tenant.json()).error.code).toBe("UNAUTHORIZED");
    expect((await fetch(`${fx.url}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(
      401,
    );
    expect((await fetch(`${fx.url}/metrics`, { headers: basic })).status).toBe(200);
  });

  it("labels request latency with the route pattern, never the raw URL", async () => {
    const sessionId = await newSession();
    await fx.call(`/v1/sessions/${sessionId}`);
    await fx.call("/v1/sessions/ses_000000000000000000000000");
    const text = await scrape();
    expect(
      sample(
        text,
        'assay_http_request_duration_seconds_count{method="GET",route="/v1/sessions/:id",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        'assay_http_request_duration_seconds_count{method="GET",route="/v1/sessions/:id",status="404"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(sessionId);
  });

  it("reports sessions, queue depth, job outcomes and stage durations, worker exits and SSE clients", async () => {
    const sessionId = await newSession();
    const upload = await fx.call(`/v1/sessions/${sessionId}/datasets?name=a.csv`, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "x,y\n1,2\n3,4\n",
    });
    const datasetId = (await upload.json()).id as string;
    await fx.call(`/v1/sessions/${sessionId}/analyses`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ datasetId, query: "is y larger than x?" }),
    });

    // A job as a worker reports it: started, two stages ten seconds apart, succeeded. Written with
    // chosen times (EventLog.append stamps "now"), in the stream's wire format.
    const jobId = "job_MMMMMMMMMMMMMMMMMMMMMMMM";
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
    const write = (event: AssayEvent) =>
      fx.redis.xadd(
        fx.api.services.keys.sessionEvents(sessionId),
        "*",
        "type",
        event.type,
        "data",
        JSON.stringify(event),
      );
    const base = { v: 1 as const, sessionId, jobId };
    await write({ ...base, type: "job:started", attempt: 1, at: at(0) });
    await write({ ...base, type: "job:progress", stage: "loading", pct: 10, at: at(0) });
    await write({ ...base, type: "job:progress", stage: "profiling", pct: 50, at: at(10) });
    const result = { rows: 2, columns: 2, findings: [], artifacts: [], durationMs: 30_000 };
    await write({ ...base, type: "job:succeeded", result, at: at(30) });
    await fx.api.services.events.append({
      type: "session:worker-exited",
      sessionId,
      worker: { runtime: "process", id: "w1" },
      reason: "killed",
      exitCode: 137,
      restartInMs: 1000,
    });
    const stream = await fx.call(`/v1/sessions/${sessionId}/events`);

    const text = await scrape();
    expect(sample(text, "assay_sessions_live")).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'assay_sessions{status="starting"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'assay_queue_jobs{state="waiting"}')).toBe(1);
    expect(sample(text, 'assay_jobs_finished_total{outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'assay_job_duration_seconds_sum{outcome="succeeded"}')).toBe(30);
    expect(sample(text, 'assay_job_stage_duration_seconds_sum{stage="loading",outcome="succeeded"}')).toBe(
      10,
    );
    expect(sample(text, 'assay_job_stage_duration_seconds_sum{stage="profiling",outcome="succeeded"}')).toBe(
      20,
    );
    expect(sample(text, 'assay_worker_exits_total{runtime="process",restarted="true"}')).toBe(1);
    expect(sample(text, "assay_sse_clients")).toBe(1);
    expect(text).toContain("# TYPE assay_redis_errors_total counter");
    expect(text).toContain("# TYPE assay_llm_tokens_total counter");
    await stream.body?.cancel();

    // The next scrape reads only new events: nothing is counted twice.
    expect(sample(await scrape(), 'assay_jobs_finished_total{outcome="succeeded"}')).toBe(1);
  });
});

describe("/admin/queues", () => {
  it("shows the live sessions' queues behind the admin token", async () => {
    const sessionId = await newSession();
    const refused = await fetch(`${fx.url}/admin/queues`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("Basic");
    const page = await fetch(`${fx.url}/admin/queues`, { headers: basic });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Assay queues");
    const queues = await fetch(`${fx.url}/admin/queues/api/queues`, { headers: basic });
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name);
    expect(names).toContain(`${sessionId}/analyses`);
  });
});

describe("request ids", () => {
  it("keeps a sane X-Request-Id, replaces an odd one, and puts it in error bodies and every log line", async () => {
    const kept = await fx.call("/v1/sessions/ses_000000000000000000000000", {
      headers: { "X-Request-Id": "trace-abc.123" },
    });
    expect(kept.headers.get("x-request-id")).toBe("trace-abc.123");
    expect(ErrorBody.parse(await kept.json()).error.requestId).toBe("trace-abc.123");

    const odd = await fx.call("/v1/sessions", { headers: { "X-Request-Id": "no spaces <allowed>" } });
    const replaced = odd.headers.get("x-request-id") ?? "";
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);

    const created = await fx.call("/v1/sessions", {
      method: "POST",
      headers: { "X-Request-Id": "create-1" },
    });
    expect(created.headers.get("x-request-id")).toBe("create-1");
    const lines = logLines.filter((line) => line.requestId === "create-1");
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(["session.created", "key.used", "request"]),
    );
    // Every line logged while serving a request names its request.
    const requestLines = logLines.filter((line) => line.msg === "request" || line.audit);
    expect(requestLines.every((line) => typeof line.requestId === "string")).toBe(true);
  });
});
