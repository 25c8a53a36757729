import { ANALYSIS_QUEUE, type RedisKeys } from "@assay/contracts";
import {
  type EventLog,
  JobStarter,
  type JobStore,
  LocalStorage,
  type Logger,
  type Redis,
  SessionStore,
  type ShutdownRegistry,
} from "@assay/runtime";
import { Worker } from "bullmq";
import type { WorkerSettings } from "./env.js";
import type { Heartbeat } from "./heartbeat.js";
import { PipelineRunner } from "./pipeline-runner.js";
import { createProcessor, recordUnfinishedFailure } from "./processor.js";

export interface QueueConsumerDeps {
  env: WorkerSettings;
  keys: RedisKeys;
  redis: Redis;
  queueRedis: Redis;
  events: EventLog;
  jobs: JobStore;
  heartbeat: Heartbeat;
  shutdown: ShutdownRegistry;
  logger: Logger;
}

/**
 * The BullMQ side of the worker: the pipeline thread, the processor and the queue worker. Loaded
 * by main.ts after the first heartbeat, because bullmq's module graph is the slowest part of a
 * worker's start; resolves once the queue worker consumes.
 */
export async function startQueueConsumer(deps: QueueConsumerDeps): Promise<void> {
  const { env, keys, redis, jobs, heartbeat, shutdown, logger } = deps;
  // Added before the queue worker, so shutdown closes it after the running job had its grace.
  const pipeline = shutdown.add(
    "pipeline thread",
    new PipelineRunner({ logger, heapLimitMb: env.PIPELINE_HEAP_LIMIT_MB, llm: env.llm }),
  );
  const processor = createProcessor({
    sessionId: env.SESSION_ID,
    jobs,
    starter: new JobStarter(redis, keys, env.EVENTS_MAX_LEN),
    redis,
    events: deps.events,
    sessions: new SessionStore(redis, keys, deps.events),
    storage: new LocalStorage(env.DATA_DIR),
    heartbeat,
    pipeline,
    logger,
    jobTimeoutMs: env.JOB_TIMEOUT_MS,
    lockDurationMs: env.LOCK_DURATION_MS,
  });
  const worker = new Worker(ANALYSIS_QUEUE, processor, {
    connection: deps.queueRedis,
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
  logger.info("queue worker consuming");
  // Start the pipeline thread (and its polars import) now, while idle, so the first job does not wait for it.
  pipeline.warm();
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
