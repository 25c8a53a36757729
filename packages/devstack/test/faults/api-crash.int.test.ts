import { readdir } from "node:fs/promises";
import path from "node:path";
import type { StoredEvent } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCsv } from "../datasets.js";
import { eventually } from "../stack-fixture.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, retrying, waitFinal } from "./fault-kit.js";

describe("the api SIGKILLed and replaced on the same port", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    // A short upload timeout so the sweeper's age bound (UPLOAD_TIMEOUT_MS) passes quickly.
    stack = await FaultStack.start({ env: { UPLOAD_TIMEOUT_MS: "2000" } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("mid-upload: the half-written dataset is never visible and its temp file is swept", async () => {
    const client = stack.client();
    const session = await client.createSession();
    const datasetsDir = path.join(stack.dataDir, "sessions", session.id, "datasets");
    const head = new TextEncoder().encode(syntheticCsv(20_000));
    // An upload that sends its first part and then stalls, as a client cut off by the crash.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
    });
    const upload = client.uploadDataset(session.id, body, { name: "half.csv", contentType: "text/csv" }).then(
      () => "stored",
      (error: Error) => error.message,
    );
    const temp = await eventually(
      async () =>
        (await readdir(datasetsDir).catch(() => [] as string[])).find((name) => name.includes(".tmp-")),
      10_000,
      "the upload's temp file",
    );
    expect(temp).toBeDefined();
    await stack.apis[0]!.kill();
    expect(await upload).not.toBe("stored");
    await stack.restartApi();

    expect((await retrying(() => client.getSession(session.id))).datasets).toEqual([]);
    await eventually(
      async () => ((await readdir(datasetsDir)).length === 0 ? true : undefined),
      15_000,
      "the abandoned temp file to be swept",
    );
  });

  it("mid-stream: a client reconnecting to the new api resumes with Last-Event-ID, no gap", async () => {
    const client = stack.client();
    const session = await client.createSession();
    await client.waitForSession(session.id);
    const dataset = await client.uploadDataset(session.id, syntheticCsv(100_000), {
      name: "stream.csv",
      contentType: "text/csv",
    });
    const { jobId } = await client.submitAnalysis(session.id, { datasetId: dataset.id, query: "stream" });
    const seen: StoredEvent[] = [];
    let killed = false;
    for await (const stored of client.jobEvents(jobId)) {
      seen.push(stored);
      if (!killed && stored.event.type === "job:progress" && stored.event.stage === "profiling") {
        killed = true;
        await stack.apis[0]!.kill();
        await stack.restartApi();
      }
    }
    expect(killed).toBe(true);
    expect((await waitFinal(client, jobId)).status).toBe("succeeded");
    // The whole stored stream of the job, read afresh, is exactly what the reconnecting reader saw.
    const stored: string[] = [];
    for await (const event of client.jobEvents(jobId, { follow: false })) stored.push(event.id);
    expect(seen.map((event) => event.id)).toEqual(stored);
    expect(new Set(stored).size).toBe(stored.length);
  });
});
