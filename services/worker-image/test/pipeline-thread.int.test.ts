import type { AssayEvent } from "@assay/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { numericCsv, WorkerHarness, waitFor } from "./worker-harness.js";

// Slow enough beats that a loaded CI machine does not starve them; the point is the 5-beat block.
const HEARTBEAT_MS = 500;
const isFinal = (event: AssayEvent) =>
  event.type === "job:succeeded" ||
  event.type === "job:cancelled" ||
  (event.type === "job:failed" && !event.willRetry);
const count = (events: AssayEvent[], type: AssayEvent["type"]) =>
  events.filter((event) => event.type === type).length;

describe("pipeline thread", () => {
  let harness: WorkerHarness;

  beforeEach(async () => {
    harness = await new WorkerHarness().setUp();
  });
  afterEach(async () => {
    await harness.tearDown();
  });

  /**
   * Reads the heartbeat key every few milliseconds until `done` settles; returns each read
   * (undefined where the key had expired).
   */
  async function sampleHeartbeat(done: Promise<unknown>): Promise<(string | undefined)[]> {
    const key = harness.keys.sessionHeartbeat(harness.sessionId);
    const samples: (string | undefined)[] = [];
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      samples.push((await harness.redis.get(key)) ?? undefined);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await done;
    return samples;
  }

  it("keeps heartbeats and the job lock alive while the pipeline blocks its thread for 5 beats", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    // A lock shorter than the block and no stalled allowance: a blocked main thread would lose the job.
    harness.startWorker({
      HEARTBEAT_MS: String(HEARTBEAT_MS),
      LOCK_DURATION_MS: "1000",
      STALLED_INTERVAL_MS: "500",
      MAX_STALLED_COUNT: "0",
    });
    await waitFor(() => harness.sessions.heartbeat(harness.sessionId), "first heartbeat");

    const jobId = await harness.submit(dataset.id, "block");
    await harness.waitForEvent(jobId, (event) => event.type === "job:started");
    const samples = await sampleHeartbeat(harness.waitForEvent(jobId, isFinal));

    expect(samples.filter((sample) => sample === undefined)).toEqual([]);
    const busyBeats = new Set(samples.filter((sample) => sample?.includes('"busy"')));
    // The block lasts 5 intervals: the main thread kept beating while it ran.
    expect(busyBeats.size).toBeGreaterThanOrEqual(3);
    const events = await harness.jobEvents(jobId);
    expect(events.at(-1)).toMatchObject({ type: "job:succeeded" });
    expect(count(events, "job:started")).toBe(1);
    expect(count(events, "job:succeeded")).toBe(1);
    expect(await harness.jobs.get(harness.sessionId, jobId)).toMatchObject({
      status: "succeeded",
      attempts: 1,
    });
  });

  it("cancels a job while its pipeline blocks synchronously, by terminating the thread", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    const worker = harness.startWorker({ HEARTBEAT_MS: String(HEARTBEAT_MS) });
    const jobId = await harness.submit(dataset.id, "spin", { attempts: 3 });
    await harness.waitForEvent(jobId, (event) => event.type === "job:progress" && event.detail === "spin");

    await harness.jobs.requestCancel(harness.sessionId, jobId);
    // The stub spins for a minute; only a terminated thread lets the job end well before that.
    const cancelled = harness.waitForEvent(jobId, isFinal);
    const samples = await sampleHeartbeat(cancelled);
    const events = await cancelled;
    expect(events.at(-1)?.type).toBe("job:cancelled");
    expect(count(events, "job:started")).toBe(1);
    expect(samples.filter((sample) => sample === undefined)).toEqual([]);
    await waitFor(
      async () => (worker.output().includes("pipeline thread stopped") ? true : undefined),
      "the spinning thread to stop",
      10_000,
    );

    // The next job gets a fresh thread.
    const next = await harness.submit(dataset.id, "describe");
    expect((await harness.waitForEvent(next, isFinal)).at(-1)?.type).toBe("job:succeeded");
  });

  it("fails a job whose thread exhausts its heap limit with WORKER_OUT_OF_MEMORY, without retry", async () => {
    const dataset = await harness.addCsvDataset(numericCsv(20), 20);
    harness.startWorker({ PIPELINE_HEAP_LIMIT_MB: "32" });
    const jobId = await harness.submit(dataset.id, "oom", { attempts: 3 });
    const events = await harness.waitForEvent(jobId, isFinal);
    expect(events.at(-1)).toMatchObject({
      type: "job:failed",
      willRetry: false,
      error: { code: "WORKER_OUT_OF_MEMORY" },
    });
    expect(count(events, "job:started")).toBe(1);
    expect(await harness.jobs.get(harness.sessionId, jobId)).toMatchObject({
      status: "failed",
      error: { code: "WORKER_OUT_OF_MEMORY" },
    });

    const next = await harness.submit(dataset.id, "describe");
    expect((await harness.waitForEvent(next, isFinal)).at(-1)?.type).toBe("job:succeeded");
  });
});
