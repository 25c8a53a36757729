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
import { exitWhenRedisUserIsLost } from "./redis-user-lost.js";

/** Time the shutdown registry allows beyond the job grace for closing the rest. */
const SHUTDOWN_MARGIN_MS = 5_000;

/** What the entry set up before loading this module. */
export interface StartedWorker {
  /** The connection that sent the first beat, or a pooled worker's that waited for its session. */
  redis?: Redis | undefined;
  /** Present once the first beat is written. */
  heartbeat?: Heartbeat | undefined;
  /** Hands SIGTERM/SIGINT (and any that arrived meanwhile) to the shutdown registry. */
  releaseSignals: () => void;
}

/** A bad environment exits 1 with a readable message; any other error is thrown on. */
export function exitOnBadEnv(error: unknown): never {
  if (!(error instanceof EnvError || error instanceof LlmConfigError)) throw error;
  process.stderr.write(`worker: ${error.message}\n`);
  process.exit(1);
}

/** Validates the environment and runs the worker. */
export async function runWorker(source: NodeJS.ProcessEnv, started: StartedWorker): Promise<void> {
  try {
    await run(loadEnv(source), started);
  } catch (error) {
    exitOnBadEnv(error);
  }
}

async function run(env: WorkerSettings, started: StartedWorker): Promise<void> {
  const logger = createLogger("worker", env.LOG_LEVEL).child({
    sessionId: env.SESSION_ID,
    workerId: env.WORKER_ID,
  });
  const shutdown = new ShutdownRegistry(logger, env.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS);
  shutdown.installSignalHandlers();
  started.releaseSignals();

  const keys = redisKeys(env.KEY_PREFIX);
  const redis = started.redis ?? createRedis(env.REDIS_URL, `assay-worker:${env.WORKER_ID}`);
  shutdown.add("redis", { close: () => closeRedis(redis) });
  const queueRedis = createRedis(env.REDIS_URL, `assay-worker-queue:${env.WORKER_ID}`);
  shutdown.add("queue redis", { close: () => closeRedis(queueRedis) });
  exitWhenRedisUserIsLost([redis, queueRedis], logger);

  const events = new EventLog(redis, keys, env.EVENTS_MAX_LEN);
  const jobs = new JobStore(redis, keys, events);
  const heartbeat = shutdown.add(
    "heartbeat",
    started.heartbeat ?? new Heartbeat(redis, keys, env.SESSION_ID, env.WORKER_ID, env.HEARTBEAT_MS),
  );
  if (!started.heartbeat) await heartbeat.announce();
  heartbeat.reportTo(logger);
  // Ready as soon as the first beat is out: bullmq's module graph takes most of a cold start
  // (~0.5-1 s on a loaded 2-core machine), and jobs simply wait in the session's queue meanwhile.
  // The consumer then starts without further conditions; if it cannot load, run() rejects and the
  // process exits, which the scheduler sees as a failed worker and restarts.
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
