import { newSessionId } from "@assay/runtime";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Stack, waitFor } from "./harness.js";
import { RedisServer } from "./redis-server.js";

let redis: RedisServer;
let stack: Stack;
beforeEach(async () => {
  redis = await RedisServer.start();
  stack = await Stack.create(redis.url);
});
afterEach(async () => {
  await stack.cleanup();
  await redis.stop();
});

async function readyWorker(sessionId: string): Promise<string | undefined> {
  const record = await stack.sessions.get(sessionId);
  return record?.status === "ready" ? record.worker?.id : undefined;
}

it("keeps scheduling across a Redis restart without duplicating workers", async () => {
  await stack.startScheduler();
  const before = newSessionId();
  await stack.sessions.create(before, "tenant-test");
  const worker = await waitFor("first session ready", () => readyWorker(before));

  await redis.restart(500);

  const after = newSessionId();
  await stack.sessions.create(after, "tenant-test");
  await waitFor("session created after the restart ready", () => readyWorker(after));
  expect(await readyWorker(before)).toBe(worker);
  expect(await stack.workerPids(before)).toHaveLength(1);
  expect(await stack.workerPids(after)).toHaveLength(1);
});
