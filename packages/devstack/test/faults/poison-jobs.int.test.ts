import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCsv } from "../datasets.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, waitFinal } from "./fault-kit.js";

describe("a poison job", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start({ env: { JOB_ATTEMPTS: "3" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("whose dataset the parser cannot read fails once with a reason and does not block the queue", async () => {
    const client = stack.client();
    const session = await client.createSession();
    await client.waitForSession(session.id);
    const csv = syntheticCsv(5_000);
    const poison = await client.uploadDataset(session.id, csv, {
      name: "poison.csv",
      contentType: "text/csv",
    });
    const good = await client.uploadDataset(session.id, csv, { name: "good.csv", contentType: "text/csv" });
    // The stored file goes bad after it was accepted (disk corruption, a bad restore): binary noise
    // with ragged quoting, which the CSV reader rejects.
    const stored = path.join(stack.dataDir, "sessions", session.id, "datasets", `${poison.id}.csv`);
    await writeFile(stored, Buffer.concat([Buffer.from('a,b\n"1,2\n'), Buffer.alloc(4096, 0xff)]));

    const bad = await client.submitAnalysis(session.id, { datasetId: poison.id, query: "poison" });
    const after = await client.submitAnalysis(session.id, { datasetId: good.id, query: "good" });
    const failed = await waitFinal(client, bad.jobId);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("DATASET_LOAD_FAILED");
    // A load failure is final: no retry despite JOB_ATTEMPTS=3.
    expect(failed.attempts).toBe(1);
    expect((await waitFinal(client, after.jobId)).status).toBe("succeeded");
  });
});

describe("a job that exhausts the pipeline heap (PIPELINE_HEAP_LIMIT_MB)", {
  timeout: FAULT_TEST_TIMEOUT_MS,
}, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    // 16 MB (the least allowed) is far below what any analysis needs (96 MB runs 400k rows), so every job
    // is a poison job: what matters is that each one ends, once, and the worker goes on.
    stack = await FaultStack.start({ env: { JOB_ATTEMPTS: "3", PIPELINE_HEAP_LIMIT_MB: "16" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("fails with WORKER_OUT_OF_MEMORY without retry, and the same worker takes the next job", async () => {
    const client = stack.client();
    const session = await client.createSession();
    const ready = await client.waitForSession(session.id);
    const dataset = await client.uploadDataset(session.id, syntheticCsv(2_000), {
      name: "heap.csv",
      contentType: "text/csv",
    });
    const first = await client.submitAnalysis(session.id, { datasetId: dataset.id, query: "heap" });
    const second = await client.submitAnalysis(session.id, { datasetId: dataset.id, query: "next" });
    for (const { jobId } of [first, second]) {
      const job = await waitFinal(client, jobId);
      expect(job).toMatchObject({ status: "failed", attempts: 1, error: { code: "WORKER_OUT_OF_MEMORY" } });
    }
    // Only the pipeline thread died: the session's worker is the one it started with.
    expect((await client.getSession(session.id)).worker?.id).toBe(ready.worker!.id);
  });
});
