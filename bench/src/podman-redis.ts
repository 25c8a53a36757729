import { existsSync } from "node:fs";
import path from "node:path";
import { LOCAL_REDIS_IMAGE, startRedisNetwork } from "@assay/devstack";
import Docker from "dockerode";
import { nanoid } from "nanoid";

export const PODMAN_SOCKET = path.join(process.env.ASSAY_PODMAN_DIR ?? "/tmp/assay-podman", "podman.sock");
export const WORKER_IMAGE = "localhost/assay-worker:latest";
/** Every network and container the bench creates on podman carries this label, for the leak guard. */
const BENCH_RUN_LABEL = "io.assay.bench-run";
const MANAGED_BY_LABEL = "io.assay.managed-by";

/**
 * What the docker runtime needs on this machine: an `--internal` network with a Redis container on
 * it. Worker containers reach that Redis over the network; the api, scheduler and bench on this host
 * reach it at the same address (as the scheduler's docker tests do).
 */
export interface PodmanRedis {
  dockerHost: string;
  network: string;
  redisUrl: string;
  /** Containers (workers, pooled or not) still present for a scheduler id: must be none after a stack closes. */
  workerContainers(schedulerId: string): Promise<string[]>;
  /** Removes the Redis container and the network; fails (after removing them) if workers were left. */
  close(): Promise<void>;
}

/** Why the docker runtime cannot run here, or undefined when podman answers and the images exist. */
export async function podmanUnavailable(): Promise<string | undefined> {
  if (!existsSync(PODMAN_SOCKET))
    return `no podman API socket at ${PODMAN_SOCKET} (run scripts/containers/setup.sh)`;
  const docker = new Docker({ socketPath: PODMAN_SOCKET });
  const tags = await docker.listImages().then(
    (images) => images.flatMap((image) => image.RepoTags ?? []),
    (error: Error) => error,
  );
  if (tags instanceof Error) return `podman API socket does not answer: ${tags.message}`;
  const missing = [WORKER_IMAGE, LOCAL_REDIS_IMAGE].filter((image) => !tags.includes(image));
  return missing.length > 0
    ? `image ${missing.join(", ")} missing (run scripts/containers/build-images.sh)`
    : undefined;
}

export async function startPodmanRedis(): Promise<PodmanRedis> {
  const docker = new Docker({ socketPath: PODMAN_SOCKET });
  const runId = nanoid(10)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x");
  const labels = { [BENCH_RUN_LABEL]: runId };
  const { network, redis, redisUrl, remove } = await startRedisNetwork(docker, {
    name: `assay-bench-${runId}`,
    labels,
  });

  const workerContainers = async (schedulerId: string) => {
    const filters = { label: [`${MANAGED_BY_LABEL}=assay`, `io.assay.scheduler-id=${schedulerId}`] };
    const containers = await docker.listContainers({ all: true, filters });
    return containers.map((container) => container.Names[0]?.replace(/^\//, "") ?? container.Id);
  };
  let closed: Promise<void> | undefined;
  return {
    dockerHost: `unix://${PODMAN_SOCKET}`,
    network,
    redisUrl,
    workerContainers,
    close() {
      closed ??= (async () => {
        // Any container still on the network (a leaked worker) would keep it from being removed.
        const attached = await docker.listContainers({ all: true, filters: { network: [network] } });
        const leaked = attached.filter((container) => container.Id !== redis.id);
        for (const container of leaked) await docker.getContainer(container.Id).remove({ force: true });
        await remove();
        if (leaked.length > 0)
          throw new Error(
            `leak guard: worker containers left on ${network}: ${leaked.map((c) => c.Names[0]).join(", ")}`,
          );
      })();
      return closed;
    },
  };
}
