import type { StoredEvent } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../src/index.js";
import { syntheticCsv } from "./datasets.js";
import { eventually, startTestStack, type TestStack } from "./stack-fixture.js";

describe("a worker killed mid-job", () => {
  let t: TestStack;
  beforeAll(async () => {
    // Short locks so BullMQ's stalled-job check hands the job to the restarted worker quickly.
    t = await startTestStack({ WORKER_LOCK_DURATION_MS: "2000", RESTART_BACKOFF_MS: "200" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is restarted by the scheduler and the job completes, once", async () => {
    const session = await t.client.createSession();
    const ready = await t.client.waitForSession(session.id);
    const csv = syntheticCsv(400_000);
    const dataset = await t.client.uploadDataset(session.id, csv, {
      name: "big.csv",
      contentType: "text/csv",
    });
    const accepted = await t.client.submitAnalysis(session.id, {
      datasetId: dataset.id,
      query: "value by group",
    });

    const events: StoredEvent[] = [];
    let killed = false;
    for await (const stored of t.client.jobEvents(accepted.jobId)) {
      events.push(stored);
      if (!killed && stored.event.type === "job:progress" && stored.event.stage !== "queued") {
        const pid = (await t.workerPids()).get(ready.worker!.id)!;
        process.kill(pid, "SIGKILL");
        killed = true;
        await eventually(async () => (isAlive(pid) ? undefined : true));
      }
    }
    expect(killed).toBe(true);
    const types = events.map(({ event }) => event.type);
    expect(types.filter((type) => type === "job:started").length).toBeGreaterThanOrEqual(2);
    expect(types.filter((type) => type === "job:succeeded")).toHaveLength(1);
    expect((await t.client.getJob(accepted.jobId)).status).toBe("succeeded");

    const sessionEvents: StoredEvent[] = [];
    const controller = new AbortController();
    for await (const stored of t.client.sessionEvents(session.id, { signal: controller.signal })) {
      sessionEvents.push(stored);
      if (stored.id === events.at(-1)!.id) controller.abort();
    }
    const exited = sessionEvents.find(({ event }) => event.type === "session:worker-exited");
    expect(exited).toBeDefined();
    const after = await t.client.getSession(session.id);
    expect(after.worker?.id).not.toBe(ready.worker!.id);
    expect(["ready", "idle", "busy"]).toContain(after.status);
  });
});
