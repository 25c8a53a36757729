import { AssayApiError } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCsv } from "../datasets.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, isRetryable, retrying, waitFinal } from "./fault-kit.js";

describe("a graceful deploy: SIGTERM to each service in turn under load", {
  timeout: FAULT_TEST_TIMEOUT_MS,
}, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start({ apis: 2 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("every request succeeds or fails retryably, and every accepted job ends succeeded", async () => {
    const clients = [stack.client(0), stack.client(1)];
    const session = await clients[0]!.createSession();
    await clients[0]!.waitForSession(session.id);
    const dataset = await clients[0]!.uploadDataset(session.id, syntheticCsv(20_000), {
      name: "deploy.csv",
      contentType: "text/csv",
    });

    // The load: alternate between the two apis, submitting and polling, until told to stop.
    const accepted: string[] = [];
    const unclean: string[] = [];
    let retryable = 0;
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const client = clients[i % 2]!;
        try {
          if (i % 6 === 0) {
            accepted.push(
              (await client.submitAnalysis(session.id, { datasetId: dataset.id, query: `d${i}` })).jobId,
            );
          } else if (accepted.length > 0) {
            await client.getJob(accepted[accepted.length - 1]!);
          }
        } catch (error) {
          if (isRetryable(error)) retryable++;
          else unclean.push(error instanceof AssayApiError ? `${error.status} ${error.code}` : String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // Rolling restart of the apis, one at a time, then the scheduler.
    for (let index = 0; index < 2; index++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await stack.apis[index]!.stop("SIGTERM");
      await stack.restartApi(index);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stack.scheduler.stop("SIGTERM");
    stack.scheduler.start();
    await stack.waitReady(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    stop = true;
    await load;

    expect(unclean).toEqual([]);
    expect(accepted.length).toBeGreaterThan(5);
    const finals = await Promise.all(accepted.map((jobId) => waitFinal(clients[0]!, jobId, 150_000)));
    expect(finals.map((job) => job.status)).toEqual(accepted.map(() => "succeeded"));
    // The session survived the scheduler's restart with a worker.
    expect((await retrying(() => clients[1]!.getSession(session.id))).status).not.toBe("failed");
    console.log(`graceful deploy: ${accepted.length} jobs accepted, ${retryable} retryable refusals`);
  }, 240_000);
});
