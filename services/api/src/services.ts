import { ApiKeyVerifier } from "@assay/auth";
import { type RedisKeys, redisKeys } from "@assay/contracts";
import {
  closeRedis,
  createRedis,
  EventLog,
  JobStore,
  LocalStorage,
  type Logger,
  type Redis,
  SessionStore,
} from "@assay/runtime";
import type { ApiEnv } from "./env.js";
import { TenantLimitsResolver } from "./limits/tenant-limits.js";
import { TenantQuotas } from "./limits/tenant-quotas.js";
import { ApiMetrics } from "./metrics/api-metrics.js";
import { QueueCache } from "./queue-cache.js";
import { EventHub } from "./streams/event-hub.js";

/** What the routes share: one of each per api process. */
export interface Services {
  env: ApiEnv;
  logger: Logger;
  keys: RedisKeys;
  redis: Redis;
  sessions: SessionStore;
  jobs: JobStore;
  events: EventLog;
  storage: LocalStorage;
  queues: QueueCache;
  hub: EventHub;
  apiKeys: ApiKeyVerifier;
  limits: TenantLimitsResolver;
  quotas: TenantQuotas;
  metrics: ApiMetrics;
}

export function createServices(env: ApiEnv, logger: Logger): Services & { close(): Promise<void> } {
  const keys = redisKeys(env.KEY_PREFIX);
  // Request paths must fail fast when Redis is down: one retry, and a timeout on every command
  // (including those queued while reconnecting), so a request answers 503 instead of hanging.
  const redis = createRedis(env.REDIS_URL, "assay-api", {
    maxRetriesPerRequest: 1,
    commandTimeout: env.REDIS_COMMAND_TIMEOUT_MS,
  });
  const metrics = new ApiMetrics();
  redis.on("error", (error: Error) => {
    metrics.redisErrors.inc({ connection: "command" });
    logger.debug({ err: error.message }, "redis connection error");
  });
  const events = new EventLog(redis, keys, env.EVENTS_MAX_LEN);
  const queues = new QueueCache(redis, keys, env.QUEUE_CACHE_SIZE);
  const hub = new EventHub(redis, keys, logger, () => metrics.redisErrors.inc({ connection: "event-tail" }));
  const limits = new TenantLimitsResolver(redis, keys, env);
  let closing: Promise<void> | undefined;
  return {
    env,
    logger,
    keys,
    redis,
    events,
    sessions: new SessionStore(redis, keys, events),
    jobs: new JobStore(redis, keys, events),
    storage: new LocalStorage(env.DATA_DIR),
    queues,
    hub,
    apiKeys: new ApiKeyVerifier(redis, keys),
    limits,
    quotas: new TenantQuotas(redis, keys, limits),
    metrics,
    close() {
      closing ??= (async () => {
        await hub.close();
        await queues.close();
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}
