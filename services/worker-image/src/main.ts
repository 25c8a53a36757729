import { LlmConfigError } from "@assay/agents/llm-config";
import { ANALYSIS_QUEUE, redisKeys } from "@assay/contracts";
import {
  closeRedis,
  createLogger,
  createRedis,
  EnvError,
  EventLog,
  JobStore,
  LocalStorage,
  type Logger,
  SessionStore,
  ShutdownRegistry,
} from "@assay/runtime";
import { Worker } from "bullmq";
import { loadFormatExtensions } from "./datasets.js";
import { loadEnv, type WorkerSettings } from "./env.js";
import { Heartbeat } from "./heartbeat.js";
import { PipelineRunner } from "./pipeline-runner.js";
import { assignedEnv } from "./pool-assignment.js";
import { createProcessor, recordUnfinishedFailure } from "./processor.js";
import { exitWhenRedisUserIsLost } from "./redis-user-lost.js";

/** Time the shutdown registry allows beyond the job grace for closing the rest. */
const SHUTDOWN_MARGIN_MS = 5_000;

async function main(env: WorkerSettings): Promise<void> {
  const logger = createLogger("worker", env.LOG_LEVEL).child({
    sessionId: env.SESSION_ID,
    workerId: env.WORKER_ID,
  });
  const shutdown = new ShutdownRegistry(logger, env.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS);
  shutdown.installSignalHandlers();

  const keys = redisKeys(env.KEY_PREFIX);
  const redis = createRedis(env.REDIS_URL, `assay-worker:${env.WORKER_ID}`);
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
  // Added before the queue worker, so shutdown closes it after the running job had its grace.
  const pipeline = shutdown.add(
    "pipeline thread",
    new PipelineRunner({ logger, heapLimitMb: env.PIPELINE_HEAP_LIMIT_MB, llm: env.llm }),
  );
  const processor = createProcessor({
    sessionId: env.SESSION_ID,
    jobs,
    sessions: new SessionStore(redis, keys, events),
    storage: new LocalStorage(env.DATA_DIR),
    heartbeat,
    pipeline,
    logger,
    jobTimeoutMs: env.JOB_TIMEOUT_MS,
    lockDurationMs: env.LOCK_DURATION_MS,
  });
  const worker = new Worker(ANALYSIS_QUEUE, processor, {
    connection: queueRedis,
    prefix: keys.queuePrefix(env.SESSION_ID),
    concurrency: 1,
    lockDuration: env.LOCK_DURATION_MS,
    stalledInterval: env.STALLED_INTERVAL_MS,
    maxStalledCount: env.MAX_STALLED_COUNT,
  });
  worker.on("error", (error) => logger.error({ err: error }, "queue worker error"));
  worker.on("failed", (job, error) => {
    recordUnfinishedFailure({ jobs, logger }, job, error).catch((recordError: unknown) =>
      logger.error({ err: recordError, jobId: job?.id }, "could not record a job failure"),
    );
  });
  shutdown.add("queue worker", { close: () => closeWorker(worker, env.SHUTDOWN_GRACE_MS, logger) });

  await worker.waitUntilReady();
  await heartbeat.start();
  logger.info("worker ready");
  // Start the pipeline thread and load the dataset formats now, while idle, so the first job
  // neither waits for those imports nor has its event loop paused by them.
  pipeline.warm();
  loadFormatExtensions().catch((error: unknown) =>
    logger.error({ err: error }, "dataset formats failed to load"),
  );
}

/**
 * Lets the running job finish within the grace period. Past it the worker stops waiting: the
 * process exits with the job's lock unreleased, and BullMQ's stalled-job check hands the job to
 * the next worker.
 */
async function closeWorker(worker: Worker, graceMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), graceMs);
  });
  const outcome = await Promise.race([worker.close().then(() => "closed" as const), graceOver]);
  clearTimeout(timer);
  if (outcome === "timeout")
    logger.warn({ graceMs }, "running job outlived the shutdown grace; leaving it to stalled recovery");
}

try {
  await main(loadEnv(await assignedEnv(process.env)));
} catch (error) {
  if (!(error instanceof EnvError || error instanceof LlmConfigError)) throw error;
  process.stderr.write(`worker: ${error.message}\n`);
  process.exit(1);
}
