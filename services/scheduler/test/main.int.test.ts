import { spawn } from "node:child_process";
import { once } from "node:events";
import { access } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { newSessionId } from "@assay/runtime";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Stack, WORKER_ENTRY, waitFor } from "./harness.js";

/** The built service, as `pnpm start` runs it (the root `pnpm test` builds first). */
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/main.js");

let stack: Stack;
beforeEach(async () => {
  await access(MAIN).catch(() => {
    throw new Error(`${MAIN} is missing: build with tsc -b services/scheduler first`);
  });
  stack = await Stack.create();
});
afterEach(async () => {
  await stack.cleanup();
});

it("runs from env, and on SIGTERM stops its workers and puts their sessions back in line when asked to", async () => {
  const service = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: stack.redisUrl,
      KEY_PREFIX: stack.prefix,
      DATA_DIR: stack.dataDir,
      LOG_LEVEL: "warn",
      SCHEDULER_ID: "sched-main",
      WORKER_ENTRY,
      HEARTBEAT_MS: "200",
      POLL_MS: "50",
      SCHEDULER_STOP_WORKERS_ON_EXIT: "true",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = once(service, "exit");
  try {
    await waitFor(
      "scheduler registered",
      async () => (await stack.redis.zscore(stack.keys.schedulers, "sched-main")) !== null,
    );
    const sessionId = newSessionId();
    await stack.sessions.create(sessionId, "tenant-test");
    await waitFor("session ready", async () => (await stack.sessions.get(sessionId))?.status === "ready");

    service.kill("SIGTERM");
    const [code] = await exited;

    expect(code).toBe(0);
    expect(await stack.workerPids(sessionId)).toEqual([]);
    expect(await stack.sessions.get(sessionId)).toMatchObject({
      status: "starting",
      statusReason: "scheduler stopped",
    });
    expect(await stack.sessions.queuePosition(sessionId)).toBe(1);
    expect(await stack.redis.zscore(stack.keys.schedulers, "sched-main")).toBeNull();
  } finally {
    if (service.exitCode === null) {
      service.kill("SIGKILL");
      await exited;
    }
  }
});
