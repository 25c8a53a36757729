// The worker's entry. A new session waits for this process's first heartbeat, so only what that
// beat needs (ioredis and key names) is loaded before it; the rest of the worker loads right after.
import { redisKeys } from "@assay/contracts/keys";
import { createRedis } from "@assay/runtime/redis";
import { Heartbeat } from "./heartbeat.js";
import { holdSignals } from "./held-signals.js";
import type { AssignedWorker } from "./pool-assignment.js";
import { isPooled, readHeartbeatEnv } from "./start-env.js";
import type { StartedWorker } from "./worker.js";

/**
 * As started, or, for a pooled container, once the scheduler assigns it a session. A pooled
 * container loads the whole worker while it waits: its assignment is the start a session waits for.
 */
async function assignment(source: NodeJS.ProcessEnv): Promise<AssignedWorker> {
  if (!isPooled(source)) return { env: source };
  const [{ waitForAssignment }, { exitOnBadEnv }] = await Promise.all([
    import("./pool-assignment.js"),
    import("./worker.js"),
    import("./queue-consumer.js"),
  ]);
  return waitForAssignment(source).catch(exitOnBadEnv);
}

/**
 * Writes the first heartbeat (with its worker-started notice) when the environment allows it: a
 * pooled worker over the connection that waited for its session, a new one over its own.
 */
async function beatFirst({ env, redis }: AssignedWorker, releaseSignals: () => void): Promise<StartedWorker> {
  const settings = readHeartbeatEnv(env);
  if (!settings) return { redis, releaseSignals };
  const connection = redis ?? createRedis(settings.REDIS_URL, `assay-worker:${settings.WORKER_ID}`);
  const heartbeat = new Heartbeat(
    connection,
    redisKeys(settings.KEY_PREFIX),
    settings.SESSION_ID,
    settings.WORKER_ID,
    settings.HEARTBEAT_MS,
  );
  await heartbeat.announce();
  return { redis: connection, heartbeat, releaseSignals };
}

const assigned = await assignment(process.env);
// Held from here: a worker stopped while it starts still closes cleanly (a pooled one waiting for
// its session simply dies, as it holds nothing yet).
const started = await beatFirst(assigned, holdSignals());
const { runWorker } = await import("./worker.js");
await runWorker(assigned.env, started);
