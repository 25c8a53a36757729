import { redisKeys } from "@assay/contracts";
import type { Logger, Redis } from "@assay/runtime";
import type { SchedulerSettings } from "./env.js";
import { WorkerCredentials } from "./redis-acl.js";
import type { DockerRuntime } from "./runtimes/docker.js";
import { ProcessRuntime } from "./runtimes/process.js";
import type { WorkerRuntime } from "./runtimes/runtime.js";
import { LABELS } from "./runtimes/runtime.js";
import { ownerLabels, sharedWorkerEnv, WORKER_CONTRACT_VERSION } from "./worker-spec.js";

/**
 * The runtime RUNTIME names; docker is loaded only when chosen (its client is heavy and optional),
 * wrapped in a warm pool when WARM_POOL_SIZE > 0. `redis` is the scheduler's own connection: the
 * pool keeps its slot records there and manages its slots' Redis users with it.
 */
export async function createRuntime(
  env: SchedulerSettings,
  logger: Logger,
  redis: Redis,
): Promise<WorkerRuntime> {
  if (env.RUNTIME === "process") {
    if (env.WARM_POOL_SIZE > 0) logger.warn("WARM_POOL_SIZE applies to RUNTIME=docker only; ignored");
    return new ProcessRuntime({ dataDir: env.DATA_DIR, entry: env.WORKER_ENTRY, path: env.PATH, logger });
  }
  const runtime = await connectDocker(env, logger);
  if (env.WARM_POOL_SIZE === 0) return runtime;
  const { DockerWarmPool } = await import("./runtimes/docker-warm-pool.js");
  const keys = redisKeys(env.KEY_PREFIX);
  const pool = new DockerWarmPool(runtime, {
    size: env.WARM_POOL_SIZE,
    redis,
    keys,
    labels: { ...ownerLabels(env.SCHEDULER_ID), [LABELS.runtimeVersion]: WORKER_CONTRACT_VERSION },
    env: sharedWorkerEnv(env),
    access: env.WORKER_REDIS_ACL
      ? { users: new WorkerCredentials(redis, keys), redisUrl: env.REDIS_URL }
      : { redisUrl: env.REDIS_URL },
    logger,
  });
  // Filled beside the scheduler's start; until then (or if the engine refuses) sessions start cold.
  pool.fill().catch((error: unknown) => logger.warn({ err: error }, "warm pool fill failed"));
  return pool;
}

async function connectDocker(env: SchedulerSettings, logger: Logger): Promise<DockerRuntime> {
  let docker: typeof import("./runtimes/docker.js");
  try {
    docker = await import("./runtimes/docker.js");
  } catch (error) {
    throw new Error(
      `RUNTIME=docker but the docker runtime could not be loaded: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return docker.DockerRuntime.connect({
    dockerHost: env.DOCKER_HOST,
    dataDir: env.DATA_DIR,
    logger,
    ...(env.HOST_DATA_DIR ? { hostDataDir: env.HOST_DATA_DIR } : {}),
    ...(env.WORKER_IMAGE ? { image: env.WORKER_IMAGE } : {}),
    ...(env.WORKER_NETWORK ? { network: env.WORKER_NETWORK } : {}),
    memoryBytes: env.WORKER_MEMORY_MB * 1024 * 1024,
    ...(env.WORKER_CPUS ? { nanoCpus: Math.round(env.WORKER_CPUS * 1e9) } : {}),
    ...(env.WORKER_PIDS_LIMIT ? { pidsLimit: env.WORKER_PIDS_LIMIT } : {}),
    ...(env.WORKER_TMPFS_MB ? { tmpfsBytes: env.WORKER_TMPFS_MB * 1024 * 1024 } : {}),
  });
}
