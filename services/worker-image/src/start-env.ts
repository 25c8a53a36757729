/**
 * What the worker reads from its environment before loading anything else: whether it is a pooled
 * container, and what its first heartbeat needs. Free of imports on purpose (zod and the contracts
 * take longer to load than Node itself); `loadEnv` validates everything right after the first beat.
 */

export const HEARTBEAT_DEFAULT_MS = 2_000;
export const HEARTBEAT_MIN_MS = 100;

/** A pre-started container of the warm pool: POOL_SLOT and no session yet. */
export function isPooled(source: NodeJS.ProcessEnv): boolean {
  return Boolean(source.POOL_SLOT) && !source.SESSION_ID;
}

export interface HeartbeatEnv {
  REDIS_URL: string;
  KEY_PREFIX: string | undefined;
  SESSION_ID: string;
  WORKER_ID: string;
  HEARTBEAT_MS: number;
}

/**
 * The first beat's settings, or undefined when one is missing or malformed: then the worker beats
 * only after `loadEnv`, which names the bad variable and exits.
 */
export function readHeartbeatEnv(source: NodeJS.ProcessEnv): HeartbeatEnv | undefined {
  const { REDIS_URL, KEY_PREFIX, SESSION_ID, WORKER_ID } = source;
  const HEARTBEAT_MS = source.HEARTBEAT_MS ? Number(source.HEARTBEAT_MS) : HEARTBEAT_DEFAULT_MS;
  if (!REDIS_URL || !SESSION_ID || !WORKER_ID) return undefined;
  if (!Number.isInteger(HEARTBEAT_MS) || HEARTBEAT_MS < HEARTBEAT_MIN_MS) return undefined;
  return { REDIS_URL, KEY_PREFIX, SESSION_ID, WORKER_ID, HEARTBEAT_MS };
}
