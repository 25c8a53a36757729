import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LLM_ENV_NAMES, RuntimeKind } from "@assay/contracts";
import { CommonEnv, envBoolean, parseEnv } from "@assay/runtime";
import { z } from "zod";

/** The repo root seen from this file (src/ under tests, dist/ when built: both one level below the package). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The built worker program; resolved as a path because services never import each other. */
export const DEFAULT_WORKER_ENTRY = path.join(REPO_ROOT, "services/worker-image/dist/main.js");

const Millis = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

export const SchedulerEnv = CommonEnv.extend({
  /** Names this scheduler in leases and worker labels; a restart with the same id adopts its workers. */
  SCHEDULER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/)
    .default(`sched-${hostname()}`),
  RUNTIME: RuntimeKind.default("process"),
  MAX_WORKERS: z.coerce.number().int().min(1).default(16),
  IDLE_TTL_MS: Millis(15 * 60_000, 100),
  LEASE_MS: Millis(15_000, 100),
  /** Passed to workers; a heartbeat missing for 3 beats after readiness means a hung worker. */
  HEARTBEAT_MS: Millis(2_000, 50),
  RESTART_BACKOFF_MS: Millis(500),
  RESTART_BACKOFF_MAX_MS: Millis(30_000),
  /** More restarts than this within RESTART_WINDOW_MS fail the session. */
  MAX_RESTARTS: z.coerce.number().int().min(0).default(5),
  RESTART_WINDOW_MS: Millis(10 * 60_000),
  /** A worker that never heartbeats within this long after its start is restarted. */
  WORKER_START_TIMEOUT_MS: Millis(60_000, 100),
  /** SIGTERM-to-SIGKILL time; above the worker's own SHUTDOWN_GRACE_MS so a job can finish. */
  WORKER_STOP_GRACE_MS: Millis(25_000, 0),
  WORKER_JOB_TIMEOUT_MS: Millis(10 * 60_000, 1_000),
  WORKER_LOCK_DURATION_MS: Millis(30_000, 500),
  WORKER_ENTRY: z.string().min(1).default(DEFAULT_WORKER_ENTRY),
  POLL_MS: Millis(250, 10),
  /** `pnpm start` (one machine, one scheduler) sets this; by default workers outlive a scheduler restart. */
  SCHEDULER_STOP_WORKERS_ON_EXIT: envBoolean.default(false),
  /**
   * Each session's worker logs in to Redis as its own ACL user limited to its session's keys
   * (src/redis-acl.ts). false only for a Redis that refuses ACL SETUSER (some managed services):
   * workers then get the scheduler's own credentials.
   */
  WORKER_REDIS_ACL: envBoolean.default(true),
  /** Docker runtime: the engine endpoint and the worker container's image, network and limits. */
  DOCKER_HOST: z.string().min(1).default("unix:///var/run/docker.sock"),
  /**
   * DATA_DIR as the Docker engine's host sees it, when the scheduler runs in a container (compose):
   * worker bind mounts name host paths. Unset: DATA_DIR itself.
   */
  HOST_DATA_DIR: z.string().min(1).optional(),
  WORKER_IMAGE: z.string().min(1).optional(),
  WORKER_NETWORK: z.string().min(1).optional(),
  /** A job that pushes its worker past this is killed and fails as WORKER_OUT_OF_MEMORY. */
  WORKER_MEMORY_MB: z.coerce.number().int().min(64).default(1024),
  WORKER_CPUS: z.coerce.number().positive().optional(),
  WORKER_PIDS_LIMIT: z.coerce.number().int().min(16).optional(),
  /** Size of the worker container's /tmp (a tmpfs: its only writable path besides its mounts). */
  WORKER_TMPFS_MB: z.coerce.number().int().min(1).optional(),
  /**
   * JS heap of each worker's pipeline thread (any runtime): a job that exhausts it fails as
   * WORKER_OUT_OF_MEMORY, unretried, and the worker goes on with a fresh thread. Unset: Node's default.
   */
  PIPELINE_HEAP_LIMIT_MB: z.coerce.number().int().min(16).optional(),
  /**
   * Docker runtime: containers kept started ahead of demand, so a new session skips the cold start
   * (src/runtimes/docker-warm-pool.ts). 0 turns the pool off.
   */
  WARM_POOL_SIZE: z.coerce.number().int().min(0).max(64).default(0),
  /** The only variable of the scheduler's own environment a process worker inherits. */
  PATH: z.string().default("/usr/local/bin:/usr/bin:/bin"),
});
export type SchedulerEnv = z.infer<typeof SchedulerEnv>;

/** The scheduler's settings plus the variables it passes through to workers as they are. */
export type SchedulerSettings = SchedulerEnv & { workerPassthrough: Record<string, string> };

/** Parses the scheduler's environment once; throws EnvError with one readable message. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): SchedulerSettings {
  const workerPassthrough: Record<string, string> = {};
  for (const name of LLM_ENV_NAMES) {
    const value = source[name];
    if (value !== undefined && value !== "") workerPassthrough[name] = value;
  }
  return { ...parseEnv(SchedulerEnv, source), workerPassthrough };
}
