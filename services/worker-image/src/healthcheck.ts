// Container HEALTHCHECK (Dockerfile.worker): healthy while this worker's heartbeat is in Redis.
// The heartbeat key has a TTL of 3x HEARTBEAT_MS, so a hung or disconnected worker turns unhealthy.
import { redisKeys, WorkerHeartbeat } from "@assay/contracts";
import { closeRedis, createRedis } from "@assay/runtime";
import { loadEnv } from "./env.js";

const env = loadEnv();
const redis = createRedis(env.REDIS_URL, "assay-healthcheck", {
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
});
try {
  const raw = await redis.get(redisKeys(env.KEY_PREFIX).sessionHeartbeat(env.SESSION_ID));
  const heartbeat = raw === null ? undefined : WorkerHeartbeat.parse(JSON.parse(raw));
  process.exitCode = heartbeat?.workerId === env.WORKER_ID ? 0 : 1;
} catch {
  process.exitCode = 1;
} finally {
  await closeRedis(redis);
}
