import { closeRedis, createRedis } from "@assay/runtime";
import type Docker from "dockerode";

/** The Redis stand-in that scripts/containers/build-images.sh builds (no registry here). */
export const LOCAL_REDIS_IMAGE = "localhost/assay-redis:latest";

export interface RedisNetwork {
  /** An internal network: containers on it reach the Redis container and nothing else. */
  network: string;
  /** The Redis container, reachable at `redisUrl` from the network and from this host. */
  redis: Docker.Container;
  redisUrl: string;
  /** Removes the Redis container and the network. */
  remove(): Promise<void>;
}

/**
 * What the Docker runtime needs on a machine without a registry: an `--internal` network with a Redis
 * container on it (the scheduler's container tests and the benchmarks both run workers on it).
 * Everything is labelled with `labels`; on failure nothing is left behind.
 */
export async function startRedisNetwork(
  docker: Docker,
  { name, labels }: { name: string; labels: Record<string, string> },
): Promise<RedisNetwork> {
  const network = name;
  await docker.createNetwork({ Name: network, Internal: true, Labels: labels });
  const removeNetwork = () => docker.getNetwork(network).remove();
  const redis = await docker
    .createContainer({
      name: `${name}-redis`,
      Image: LOCAL_REDIS_IMAGE,
      Cmd: ["redis-server", "--port", "6379", "--protected-mode", "no", "--save", "", "--appendonly", "no"],
      Labels: labels,
      HostConfig: {
        NetworkMode: network,
        // podman: a partial ulimit list replaces the defaults, so both are given.
        Ulimits: [
          { Name: "nofile", Soft: 4096, Hard: 4096 },
          { Name: "nproc", Soft: 4096, Hard: 4096 },
        ],
      },
    })
    .catch(async (error: unknown) => {
      await removeNetwork();
      throw error;
    });
  const remove = async () => {
    await redis.remove({ force: true }).catch(() => {});
    await removeNetwork();
  };
  try {
    await redis.start();
    const ip = (await redis.inspect()).NetworkSettings.Networks[network]?.IPAddress;
    if (!ip) throw new Error(`the Redis container has no address on ${network}`);
    const redisUrl = `redis://${ip}:6379`;
    await untilRedisAnswers(redisUrl);
    return { network, redis, redisUrl, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** redis-server takes a moment to listen; ioredis retries until it does. */
async function untilRedisAnswers(url: string): Promise<void> {
  const redis = createRedis(url, "podman-redis-network");
  redis.on("error", () => {}); // refused while redis-server starts; the ping waits for it
  try {
    await redis.ping();
  } finally {
    await closeRedis(redis);
  }
}
