import { readFile } from "node:fs/promises";
import { type AssayEvent, Report, type WorkerHeartbeat } from "@assay/contracts";
import { storageKeys } from "@assay/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { numericCsv, WorkerHarness, waitFor } from "./worker-harness.js";

const types = (events: AssayEvent[]) => events.map((event) => event.type);
const isFinal = (event: AssayEvent) =>
  event.type === "job:succeeded" ||
  event.type === "job:cancelled" ||
  (event.type === "job:failed" && !event.willRetry);

describe("worker process", () => {
  let harness: WorkerHarness;

  beforeEach(async () => {
    harness = await new WorkerHarness().setUp();
  });
  afterEach(async () => {
    await harness.tearDown();
  });

  async function heartbeat(): Promise<WorkerHeartbeat | undefined> {
    return harness.sessions.heartbeat(harness.sessionId);
  }

  it("runs a job to success: events in order, artifacts, report.json, heartbeat idle after", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(50), 50);
    harness.startWorker();
    const ready = await waitFor(heartbeat, "first heartbeat");
    expect(ready).toMatchObject({ state: "idle", workerId: "test-worker-1" });
    expect(ready.lastJobAt).toBeUndefined();

    const jobId = await harness.submit(dataset.id, "describe the data");
    const events = await harness.waitForEvent(jobId, isFinal);
    const sequence = types(events).filter((type) => type !== "job:log");
    const first = (type: (typeof sequence)[number]) => sequence.indexOf(type);
    expect(sequence[0]).toBe("job:queued");
    expect(first("job:started")).toBeGreaterThan(0);
    expect(first("job:progress")).toBeGreaterThan(first("job:started"));
    expect(first("job:artifact")).toBeGreaterThan(sequence.lastIndexOf("job:progress"));
    expect(sequence.at(-1)).toBe("job:succeeded");
    expect(sequence.filter((type) => type === "job:succeeded")).toHaveLength(1);

    const artifacts = events.flatMap((event) => (event.type === "job:artifact" ? [event.name] : []));
    expect(artifacts).toEqual(["report.md", "report.html", "chart-rows.svg", "report.json"]);
    const reportPath = await harness.storage.localPath(
      storageKeys.artifact(harness.sessionId, jobId, "report.json"),
    );
    const report = Report.parse(JSON.parse(await readFile(reportPath, "utf8")));
    expect(report).toMatchObject({ jobId, datasetId: dataset.id, datasetName: "test.csv" });

    const view = await harness.jobs.get(harness.sessionId, jobId);
    expect(view).toMatchObject({ status: "succeeded", attempts: 1, progress: { stage: "done", pct: 100 } });
    expect(view?.result).toMatchObject({ rows: 50, columns: 3, findings: ["The dataset has 50 rows."] });
    expect(view?.result?.artifacts.map((artifact) => artifact.name)).toEqual(artifacts);

    const after = await waitFor(async () => {
      const beat = await heartbeat();
      return beat?.state === "idle" && beat.lastJobAt ? beat : undefined;
    }, "idle heartbeat with lastJobAt");
    expect(after.jobId).toBeUndefined();
  });

  it("runs the real analysis pipeline end to end", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(500), 500);
    harness.startWorker({}, { stub: false });
    const jobId = await harness.submit(dataset.id, "how does x relate to y by group?");
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(events.at(-1)?.type).toBe("job:succeeded");
    const stages = events.flatMap((event) => (event.type === "job:progress" ? [event.stage] : []));
    expect(stages).toContain("profiling");

    const artifacts = events.flatMap((event) => (event.type === "job:artifact" ? [event.name] : []));
    expect(artifacts.slice(0, 2)).toEqual(["report.md", "report.html"]);
    expect(artifacts.at(-1)).toBe("report.json");
    const reportPath = await harness.storage.localPath(
      storageKeys.artifact(harness.sessionId, jobId, "report.json"),
    );
    const report = Report.parse(JSON.parse(await readFile(reportPath, "utf8")));
    expect(report.profile).toMatchObject({ rows: 500, columns: 3 });
    const markdownPath = await harness.storage.localPath(
      storageKeys.artifact(harness.sessionId, jobId, "report.md"),
    );
    const markdown = await readFile(markdownPath, "utf8");
    // Every chart report.md links (a PNG, or the SVG where rasterising failed) was written.
    const linked = [...markdown.matchAll(/\]\((chart-[^)]+)\)/g)].map((match) => match[1]);
    expect(linked.length).toBeGreaterThan(0);
    for (const chart of linked) expect(artifacts).toContain(chart);
    expect((await harness.jobs.get(harness.sessionId, jobId))?.result?.findings).toEqual(
      report.summary.map((finding) => finding.text),
    );
  });

  it("cancels a running job without retrying it", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    harness.startWorker();
    const jobId = await harness.submit(dataset.id, "hold", { attempts: 3 });
    await harness.waitForEvent(jobId, (event) => event.type === "job:progress" && event.stage === "testing");
    expect(await heartbeat()).toMatchObject({ state: "busy", jobId });

    await harness.jobs.requestCancel(harness.sessionId, jobId);
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(events.at(-1)?.type).toBe("job:cancelled");
    expect((await harness.jobs.get(harness.sessionId, jobId))?.status).toBe("cancelled");
    expect(
      await waitFor(
        async () => ((await harness.queue.getJobState(jobId)) === "failed" ? true : undefined),
        "failed in BullMQ",
      ),
    ).toBe(true);
    expect(types(await harness.jobEvents(jobId)).filter((type) => type === "job:started")).toHaveLength(1);
  });

  it("fails a job whose dataset is missing with DATASET_LOAD_FAILED, without retry", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(5), 5);
    await harness.storage.delete(storageKeys.dataset(harness.sessionId, dataset.id, "csv"));
    harness.startWorker();
    const jobId = await harness.submit(dataset.id, "describe", { attempts: 3 });
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(events.at(-1)).toMatchObject({
      type: "job:failed",
      willRetry: false,
      error: { code: "DATASET_LOAD_FAILED" },
    });
    expect(types(events).filter((type) => type === "job:started")).toHaveLength(1);
    expect(await harness.jobs.get(harness.sessionId, jobId)).toMatchObject({
      status: "failed",
      error: { code: "DATASET_LOAD_FAILED" },
    });
  });

  it("retries a failing analysis and records the final failure once", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(5), 5);
    harness.startWorker();
    const jobId = await harness.submit(dataset.id, "fail", { attempts: 2 });
    const events = await harness.waitForEvent(jobId, isFinal);
    const failures = events.filter((event) => event.type === "job:failed");
    expect(failures).toMatchObject([
      { willRetry: true, error: { code: "ANALYSIS_FAILED" } },
      { willRetry: false, error: { code: "ANALYSIS_FAILED" } },
    ]);
    expect(types(events).filter((type) => type === "job:started")).toHaveLength(2);
    expect(await harness.jobs.get(harness.sessionId, jobId)).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("fails a job that outlives its time limit with JOB_TIMEOUT, without retry", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(5), 5);
    harness.startWorker();
    const jobId = await harness.submit(dataset.id, "hold", { attempts: 3, options: { timeoutMs: 1_000 } });
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(events.at(-1)).toMatchObject({
      type: "job:failed",
      willRetry: false,
      error: { code: "JOB_TIMEOUT" },
    });
    expect(types(events).filter((type) => type === "job:started")).toHaveLength(1);
  });

  it("exits 0 on SIGTERM while idle and removes its heartbeat", async () => {
    const worker = harness.startWorker();
    await waitFor(heartbeat, "first heartbeat");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(await harness.redis.exists(harness.keys.sessionHeartbeat(harness.sessionId))).toBe(0);
  });

  it("records WORKER_LOST once when a killed worker's job has stalled too often", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    const env = { LOCK_DURATION_MS: "1000", STALLED_INTERVAL_MS: "500", MAX_STALLED_COUNT: "0" };
    const first = harness.startWorker(env);
    const jobId = await harness.submit(dataset.id, "hold-first", { attempts: 3 });
    await harness.waitForEvent(jobId, (event) => event.type === "job:progress" && event.stage === "testing");
    first.child.kill("SIGKILL");
    await first.exited;

    harness.startWorker(env);
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(events.at(-1)).toMatchObject({
      type: "job:failed",
      willRetry: false,
      error: { code: "WORKER_LOST" },
    });
    expect(types(events).filter((type) => type === "job:failed")).toHaveLength(1);
    expect(await harness.jobs.get(harness.sessionId, jobId)).toMatchObject({ status: "failed" });
  });

  it("skips a redelivered job whose record is already final", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(5), 5);
    const jobId = await harness.submit(dataset.id, "describe");
    await harness.jobs.update(harness.sessionId, jobId, { status: "succeeded" });
    harness.startWorker();
    await waitFor(
      async () => ((await harness.queue.getJobState(jobId)) === "completed" ? true : undefined),
      "completed in BullMQ",
    );
    expect(types(await harness.jobEvents(jobId))).toEqual(["job:queued"]);
  });

  it("on SIGTERM past the grace period exits 0 and leaves the job to the next worker", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    const env = { LOCK_DURATION_MS: "1000", STALLED_INTERVAL_MS: "500", SHUTDOWN_GRACE_MS: "300" };
    const first = harness.startWorker(env);
    const jobId = await harness.submit(dataset.id, "hold-first");
    await harness.waitForEvent(jobId, (event) => event.type === "job:progress" && event.stage === "testing");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect((await harness.jobs.get(harness.sessionId, jobId))?.status).toBe("running");

    harness.startWorker(env);
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(types(events).filter((type) => type === "job:succeeded")).toHaveLength(1);
    expect(events.at(-1)?.type).toBe("job:succeeded");
  });

  it("exits non-zero with a readable message on bad env", async () => {
    const worker = harness.startWorker({ SESSION_ID: "not-a-session", HEARTBEAT_MS: "soon" });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain("invalid configuration");
    expect(worker.output()).toContain("SESSION_ID");
    expect(worker.output()).toContain("HEARTBEAT_MS");
  });

  it("hands a killed worker's job to the next worker, which completes it exactly once", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    const fastRecovery = { LOCK_DURATION_MS: "1000", STALLED_INTERVAL_MS: "500" };
    const first = harness.startWorker(fastRecovery);
    const jobId = await harness.submit(dataset.id, "hold-first");
    await harness.waitForEvent(jobId, (event) => event.type === "job:progress" && event.stage === "testing");
    first.child.kill("SIGKILL");
    await first.exited;

    harness.startWorker(fastRecovery);
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(types(events).filter((type) => type === "job:started")).toHaveLength(2);
    expect(types(events).filter((type) => type === "job:succeeded")).toHaveLength(1);
    expect(await harness.jobs.get(harness.sessionId, jobId)).toMatchObject({
      status: "succeeded",
      attempts: 2,
    });
  });
});
