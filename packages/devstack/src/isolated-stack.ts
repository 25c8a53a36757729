import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AssayClient } from "@assay/client";
import { unlinkMatching } from "@assay/runtime";
import { Redis } from "ioredis";
import { nanoid } from "nanoid";
import { freePort } from "./free-port.js";
import { type Stack, startStack } from "./stack.js";
import { processWorkerPids } from "./worker-pids.js";

export interface IsolatedStackOptions {
  /** Starts the key prefix and the data dir's name ("test", "bench"), so leftovers say whose they are. */
  name: string;
  /** Extra service env; REDIS_URL defaults to $REDIS_URL, else the local Redis. */
  env?: Record<string, string>;
  onLine?: (service: string, line: string) => void;
}

/** A whole stack (api + scheduler + process workers) on 127.0.0.1, isolated by key prefix and data dir. */
export interface IsolatedStack {
  stack: Stack;
  client: AssayClient;
  /** A connection to the stack's Redis, for looking at (and cleaning up) its keys. */
  redis: Redis;
  keyPrefix: string;
  dataDir: string;
  /** Pids of the session workers the process runtime has running now, by worker id. */
  workerPids(): Promise<Map<string, number>>;
  /** Stops the services, deletes the stack's keys and its data dir; safe to call twice. */
  close(): Promise<void>;
}

export async function startIsolatedStack(options: IsolatedStackOptions): Promise<IsolatedStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `assay-${options.name}-`));
  const keyPrefix = `${options.name}-${nanoid(10)}`;
  const env = {
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    KEY_PREFIX: keyPrefix,
    DATA_DIR: dataDir,
    SCHEDULER_ID: `sched-${keyPrefix}`,
    ...options.env,
  };
  // Lazy: the stack may start a private Redis at this URL first.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
  const cleanUp = async () => {
    // A private Redis stops with the stack and takes the keys with it.
    await unlinkMatching(redis, `${keyPrefix}:*`).catch(() => {});
    redis.disconnect();
    await rm(dataDir, { recursive: true, force: true });
  };
  let stack: Stack;
  try {
    stack = await startStack({ env, port: await freePort(), host: "127.0.0.1", onLine: options.onLine });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    stack,
    client: new AssayClient({ baseUrl: stack.apiUrl, reconnectDelayMs: 100 }),
    redis,
    keyPrefix,
    dataDir,
    workerPids: () => processWorkerPids(dataDir),
    close() {
      closed ??= stack.close().then(cleanUp);
      return closed;
    },
  };
}
