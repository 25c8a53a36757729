import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { JobStage, StoredEvent } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../../src/index.js";
import { syntheticCsv } from "../datasets.js";
import { eventually } from "../stack-fixture.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, waitFinal } from "./fault-kit.js";

describe("a worker SIGKILLed at each stage of a job", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  let sessionId: string;
  let datasetId: string;
  beforeAll(async () => {
    // MAX_STALLED_COUNT=1 (the default): a job may stall once; the second stall fails it.
    stack = await FaultStack.start({ env: { MAX_STALLED_COUNT: "1", MAX_RESTARTS: "50" } });
    const client = stack.client();
    sessionId = (await client.createSession()).id;
    await client.waitForSession(sessionId);
    const dataset = await client.uploadDataset(sessionId, syntheticCsv(150_000), {
      name: "crash.csv",
      contentType: "text/csv",
    });
    datasetId = dataset.id;
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Kills the session's worker each time `shouldKill` says so; returns the job's events. */
  async function runKilling(jobId: string, shouldKill: (event: StoredEvent, kills: number) => boolean) {
    const events: StoredEvent[] = [];
    let kills = 0;
    for await (const stored of stack.client().jobEvents(jobId)) {
      events.push(stored);
      if (!shouldKill(stored, kills)) continue;
      const pids = [...(await stack.workerPids()).values()];
      for (const pid of pids) process.kill(pid, "SIGKILL");
      kills++;
      await eventually(async () => (pids.some(isAlive) ? undefined : true), 10_000, "the worker to die");
    }
    return { events, kills };
  }

  /** The job dir holds one attempt's complete set: no temp file, and every report names the same run. */
  async function expectOneAttempt(jobId: string) {
    const dir = path.join(stack.dataDir, "sessions", sessionId, "jobs", jobId);
    const files = await readdir(dir);
    expect(files.filter((name) => name.includes(".tmp-"))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["report.json", "report.md", "report.html"]));
    const report = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as {
      generatedAt: string;
    };
    expect(await readFile(path.join(dir, "report.md"), "utf8")).toContain(`generated ${report.generatedAt}`);
    expect(await readFile(path.join(dir, "report.html"), "utf8")).toContain(
      `generated ${report.generatedAt}`,
    );
    const job = await stack.client().getJob(jobId);
    const listed = (job.result?.artifacts ?? []).map((artifact) => artifact.name).sort();
    expect(listed).toEqual([...files].sort());
  }

  const stages: JobStage[] = ["loading", "profiling", "testing", "writing"];
  for (const stage of stages) {
    it(`killed at ${stage}: the job is retried and succeeds once, with one attempt's artifacts`, async () => {
      const { jobId } = await stack
        .client()
        .submitAnalysis(sessionId, { datasetId, query: `crash at ${stage}` });
      const { events, kills } = await runKilling(
        jobId,
        ({ event }, killed) => killed === 0 && event.type === "job:progress" && event.stage === stage,
      );
      expect(kills).toBe(1);
      const types = events.map(({ event }) => event.type);
      expect(types.filter((type) => type === "job:started").length).toBe(2);
      expect(types.filter((type) => type === "job:succeeded")).toHaveLength(1);
      expect((await waitFinal(stack.client(), jobId)).status).toBe("succeeded");
      await expectOneAttempt(jobId);
    });
  }

  it("killed at every attempt: fails with WORKER_LOST after bounded attempts, and the next job runs", async () => {
    const client = stack.client();
    const { jobId } = await client.submitAnalysis(sessionId, { datasetId, query: "always dies" });
    const { events, kills } = await runKilling(jobId, ({ event }) => event.type === "job:started");
    const final = await waitFinal(client, jobId);
    expect(final.status).toBe("failed");
    expect(final.error?.code).toBe("WORKER_LOST");
    // One stall is allowed (MAX_STALLED_COUNT=1): two attempts start, both die, then it fails.
    expect(kills).toBe(2);
    expect(events.filter(({ event }) => event.type === "job:started")).toHaveLength(2);

    const next = await client.submitAnalysis(sessionId, { datasetId, query: "after the poison" });
    expect((await waitFinal(client, next.jobId)).status).toBe("succeeded");
  });
});
