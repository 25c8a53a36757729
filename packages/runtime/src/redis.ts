import { Redis, type RedisOptions } from "ioredis";

export type { Redis } from "ioredis";

/**
 * A Redis connection that reconnects forever with capped backoff. `maxRetriesPerRequest: null`
 * is what BullMQ requires for its blocking connections; request paths that must fail fast
 * (the api) pass a small number instead.
 */
export function createRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...options,
  });
}

/** Closes a connection; safe to call twice and on a connection that never connected. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Unlinks every key matching `pattern`, SCAN batch by batch (never KEYS: Redis may be shared or large). */
export async function unlinkMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", "1000");
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}
