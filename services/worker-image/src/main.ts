import { LlmConfigError } from "@assay/agents/llm-config";
import { redisKeys } from "@assay/contracts";
import {
  closeRedis,
  createLogger,
  createRedis,
  EnvError,
  EventLog,
  JobStore,
  type Redis,
  ShutdownRegistry,
} from "@assay/runtime";
import { loadEnv, type WorkerSettings } from "./env.js";
import { Heartbeat } from "./heartbeat.js";
import { assignWorker } from "./pool-assignment.js";
import { exitWhenRedisUserIsLost } from "./redis-user-lost.js";

/** Time the shutdown registry allows beyond the job grace for closing the rest. */
const SHUTDOWN_MARGIN_MS = 5_000;

/** `assignedRedis`: a pooled worker's connection that waited for its session, kept to save a login. */
async function main(env: WorkerSettings, assignedRedis?: Redis): Promise<void> {
  const logger = createLogger("worker", env.LOG_LEVEL).child({
    sessionId: env.SESSION_ID,
    workerId: env.WORKER_ID,
  });
  const shutdown = new ShutdownRegistry(logger, env.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS);
  shutdown.installSignalHandlers();

  const keys = redisKeys(env.KEY_PREFIX);
  const redis = assignedRedis ?? createRedis(env.REDIS_URL, `assay-worker:${env.WORKER_ID}`);
  shutdown.add("redis", { close: () => closeRedis(redis) });
  const queueRedis = createRedis(env.REDIS_URL, `assay-worker-queue:${env.WORKER_ID}`);
  shutdown.add("queue redis", { close: () => closeRedis(queueRedis) });
  exitWhenRedisUserIsLost([redis, queueRedis], logger);

  const events = new EventLog(redis, keys, env.EVENTS_MAX_LEN);
  const jobs = new JobStore(redis, keys, events);
  const heartbeat = shutdown.add(
    "heartbeat",
    new Heartbeat(redis, keys, env.SESSION_ID, env.WORKER_ID, env.HEARTBEAT_MS, logger),
  );
  // Readiness as soon as Redis answers: bullmq's module graph takes most of a cold start (~0.5-1 s
  // on a loaded 2-core machine), and jobs simply wait in the session's queue meanwhile. The
  // consumer then starts without further conditions; if it cannot load, main() rejects and the
  // process exits, which the scheduler sees as a failed worker and restarts.
  await heartbeat.start();
  logger.info("worker ready");
  const { startQueueConsumer } = await import("./queue-consumer.js");
  if (shutdown.isClosing) return;
  try {
    await startQueueConsumer({ env, keys, redis, queueRedis, events, jobs, heartbeat, shutdown, logger });
  } catch (error) {
    // Stopped while starting: the registry closed the connections under the consumer and exits 0.
    if (shutdown.isClosing) return;
    throw error;
  }
}

try {
  const assigned = await assignWorker(process.env);
  await main(loadEnv(assigned.env), assigned.redis);
} catch (error) {
  if (!(error instanceof EnvError || error instanceof LlmConfigError)) throw error;
  process.stderr.write(`worker: ${error.message}\n`);
  process.exit(1);
}
