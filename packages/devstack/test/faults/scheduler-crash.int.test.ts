import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../../src/index.js";
import { syntheticCsv } from "../datasets.js";
import { eventually } from "../stack-fixture.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, retrying, waitFinal } from "./fault-kit.js";

describe("the scheduler SIGKILLed while workers run jobs", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("workers keep working; the new scheduler adopts them: one worker per session, no orphan", async () => {
    const client = stack.client();
    const sessions = await Promise.all([client.createSession(), client.createSession()]);
    await Promise.all(sessions.map((session) => client.waitForSession(session.id)));
    const jobIds: string[] = [];
    for (const session of sessions) {
      const dataset = await client.uploadDataset(session.id, syntheticCsv(100_000), {
        name: "s.csv",
        contentType: "text/csv",
      });
      jobIds.push(
        (await client.submitAnalysis(session.id, { datasetId: dataset.id, query: "during" })).jobId,
      );
    }
    await eventually(
      async () => ((await client.getJob(jobIds[0]!)).status === "running" ? true : undefined),
      20_000,
      "a job to run",
    );
    const workersBefore = await stack.workerPids();
    expect(workersBefore.size).toBe(2);

    await stack.scheduler.kill();
    // Without a scheduler the workers go on: the running jobs finish.
    for (const jobId of jobIds) expect((await waitFinal(client, jobId)).status).toBe("succeeded");
    for (const pid of workersBefore.values()) expect(isAlive(pid)).toBe(true);

    stack.scheduler.start();
    await stack.waitReady();
    // Give the new scheduler a few reconcile rounds, then count: the same two workers, no new one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const workersAfter = await stack.workerPids();
    expect([...workersAfter.values()].sort()).toEqual([...workersBefore.values()].sort());
    for (const session of sessions) {
      const view = await retrying(() => client.getSession(session.id));
      expect(workersAfter.has(view.worker!.id)).toBe(true);
      const [dataset] = view.datasets;
      const next = await client.submitAnalysis(session.id, { datasetId: dataset!.id, query: "after" });
      expect((await waitFinal(client, next.jobId)).status).toBe("succeeded");
    }

    // Deleting a session stops its adopted worker: nothing is left running that nobody owns.
    await client.deleteSession(sessions[0]!.id);
    const kept = (await client.getSession(sessions[1]!.id)).worker!.id;
    await eventually(
      async () => {
        const left = await stack.workerPids();
        return left.size === 1 && left.has(kept) ? true : undefined;
      },
      20_000,
      "the deleted session's worker to stop",
    );
  });
});
