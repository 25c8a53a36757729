import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { PoolAssignment, redisKeys } from "@assay/contracts";
import { CommonEnv, closeRedis, createRedis, parseEnv, type Redis, storageKeys } from "@assay/runtime";
import { z } from "zod";

/** A pooled container's env: the worker contract without SESSION_ID/WORKER_ID, plus its slot. */
const PoolEnv = CommonEnv.extend({ POOL_SLOT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/**
 * Where a pooled container's storage lives once it has a session: /tmp is the locked-down
 * container's only writable path besides its mounts (a tmpfs), and holds nothing but two links.
 */
const ASSIGNED_DATA_DIR = "/tmp/assay-data";

/** The slot dirs a pooled container is started with (the scheduler's warm pool mounts them here). */
function poolDirs(dataDir: string): { datasets: string; jobs: string } {
  return { datasets: path.join(dataDir, "pool/datasets"), jobs: path.join(dataDir, "pool/jobs") };
}

/** The environment to run the worker with and, in pool mode, the Redis connection that waited for it. */
export interface AssignedWorker {
  env: NodeJS.ProcessEnv;
  /** Logged in and granted the session's keys: the worker keeps it instead of connecting again. */
  redis?: Redis;
}

/**
 * Pool mode: a pre-started worker waits (BLPOP) for the session the scheduler gives it, links the
 * session's storage keys to its slot mounts, and returns the environment to run as that session's
 * worker. Its Redis user may read only its pool key until the scheduler grants it the session's
 * keys, which happens before the assignment is pushed, so the waiting connection serves the session.
 */
export async function waitForAssignment(
  source: NodeJS.ProcessEnv,
  dataDir = ASSIGNED_DATA_DIR,
): Promise<AssignedWorker> {
  const env = parseEnv(PoolEnv, source);
  const redis = createRedis(env.REDIS_URL, `assay-pool:${env.POOL_SLOT}`);
  try {
    const popped = await redis.blpop(redisKeys(env.KEY_PREFIX).poolAssignment(env.POOL_SLOT), 0);
    if (!popped) throw new Error(`pool slot ${env.POOL_SLOT}: BLPOP returned nothing`);
    const assignment = PoolAssignment.parse(JSON.parse(popped[1]));
    const slot = poolDirs(env.DATA_DIR);
    const sessionDir = path.join(dataDir, storageKeys.sessionRoot(assignment.sessionId));
    await mkdir(sessionDir, { recursive: true });
    await Promise.all([
      symlink(slot.datasets, path.join(dataDir, storageKeys.datasetsDir(assignment.sessionId))),
      symlink(slot.jobs, path.join(dataDir, storageKeys.jobsDir(assignment.sessionId))),
    ]);
    const assigned = { SESSION_ID: assignment.sessionId, WORKER_ID: assignment.workerId, DATA_DIR: dataDir };
    return { env: { ...source, ...assigned }, redis };
  } catch (error) {
    await closeRedis(redis);
    throw error;
  }
}
