import type { Logger } from "@assay/runtime";
import type { SchedulerEnv } from "./env.js";
import { ProcessRuntime } from "./runtimes/process.js";
import type { WorkerRuntime } from "./runtimes/runtime.js";

/** The runtime RUNTIME names; docker is loaded only when chosen (its client is heavy and optional). */
export async function createRuntime(env: SchedulerEnv, logger: Logger): Promise<WorkerRuntime> {
  if (env.RUNTIME === "process") {
    return new ProcessRuntime({ dataDir: env.DATA_DIR, entry: env.WORKER_ENTRY, path: env.PATH, logger });
  }
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
    ...(env.WORKER_MEMORY_MB ? { memoryBytes: env.WORKER_MEMORY_MB * 1024 * 1024 } : {}),
    ...(env.WORKER_CPUS ? { nanoCpus: Math.round(env.WORKER_CPUS * 1e9) } : {}),
  });
}
