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
import type { RedisOptions } from "ioredis";
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
  /** The connection every BullMQ Queue of this process uses (their scripts are defined on it). */
  queueRedis: Redis;
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
  const failFast = { maxRetriesPerRequest: 1, commandTimeout: env.REDIS_COMMAND_TIMEOUT_MS };
  const metrics = new ApiMetrics();
  const connect = (name: string, label: string, options: RedisOptions = {}) => {
    const connection = createRedis(env.REDIS_URL, name, { ...failFast, ...options });
    connection.on("error", (error: Error) => {
      metrics.redisErrors.inc({ connection: label });
      logger.debug({ err: error.message, connection: label }, "redis connection error");
    });
    return connection;
  };
  // Auto-pipelining: what concurrent requests send meanwhile goes out in one socket write instead
  // of one each. Not on the connection BullMQ defines its ~50 scripts on: ioredis copies every
  // defined script onto each batch it builds, which costs more than the writes it saves.
  const redis = connect("assay-api", "command", { enableAutoPipelining: true });
  // BullMQ's adds and the job records: one connection, so a record's MULTI sent before its job's
  // add also runs first (see operations/analyses.ts).
  const queueRedis = connect("assay-api-queues", "queue");
  const events = new EventLog(redis, keys, env.EVENTS_MAX_LEN);
  const queues = new QueueCache(queueRedis, keys, env.QUEUE_CACHE_SIZE);
  const hub = new EventHub(redis, keys, logger, () => metrics.redisErrors.inc({ connection: "event-tail" }));
  const limits = new TenantLimitsResolver(redis, keys, env);
  let closing: Promise<void> | undefined;
  return {
    env,
    logger,
    keys,
    redis,
    queueRedis,
    events,
    sessions: new SessionStore(redis, keys, events),
    jobs: new JobStore(queueRedis, keys, events),
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
        await Promise.all([closeRedis(redis), closeRedis(queueRedis)]);
      })();
      return closing;
    },
  };
}
