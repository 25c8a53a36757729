import { randomBytes } from "node:crypto";
import path from "node:path";
import { WORKER_PROCESS_ENV } from "@assay/runtime";
import type { SchedulerSettings } from "./env.js";
import { LABELS, MANAGED_BY, type WorkerSpec } from "./runtimes/runtime.js";

/** Version of the scheduler-to-worker contract (env and labels) a worker was started with. */
export const WORKER_CONTRACT_VERSION = "1";

/** A fresh id per start, so a restarted worker's heartbeat is never mistaken for its predecessor's. */
export function newWorkerId(): string {
  return `wrk-${randomBytes(8).toString("hex")}`;
}

/** The labels that find a scheduler's workers again after a restart. */
export function ownerLabels(schedulerId: string): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.schedulerId]: schedulerId };
}

/**
 * The worker process contract (docs/architecture.md): only what the worker needs, no scheduler
 * secrets. `redisUrl` carries the session's own ACL user (`workerRedisUrl`), not the scheduler's.
 */
export function workerSpec(
  env: SchedulerSettings,
  sessionId: string,
  workerId: string,
  redisUrl: string,
): WorkerSpec {
  return {
    sessionId,
    workerId,
    labels: {
      ...ownerLabels(env.SCHEDULER_ID),
      [LABELS.sessionId]: sessionId,
      [LABELS.runtimeVersion]: WORKER_CONTRACT_VERSION,
    },
    env: { ...sharedWorkerEnv(env), SESSION_ID: sessionId, WORKER_ID: workerId, REDIS_URL: redisUrl },
  };
}

/**
 * The part of the worker contract every worker of this scheduler gets alike (all but SESSION_ID,
 * WORKER_ID and REDIS_URL): what a warm-pool container is started with before it has a session.
 */
export function sharedWorkerEnv(env: SchedulerSettings): Record<string, string> {
  return {
    ...WORKER_PROCESS_ENV,
    ...env.workerPassthrough,
    KEY_PREFIX: env.KEY_PREFIX,
    DATA_DIR: path.resolve(env.DATA_DIR),
    LOG_LEVEL: env.LOG_LEVEL,
    HEARTBEAT_MS: String(env.HEARTBEAT_MS),
    JOB_TIMEOUT_MS: String(env.WORKER_JOB_TIMEOUT_MS),
    LOCK_DURATION_MS: String(env.WORKER_LOCK_DURATION_MS),
    EVENTS_MAX_LEN: String(env.EVENTS_MAX_LEN),
    ...(env.PIPELINE_HEAP_LIMIT_MB ? { PIPELINE_HEAP_LIMIT_MB: String(env.PIPELINE_HEAP_LIMIT_MB) } : {}),
  };
}
