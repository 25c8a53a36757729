/**
 * Redis key names. Every key of a session carries the hash tag `{ses_...}` so that all of them land
 * in one Redis Cluster slot (multi-key scripts, MULTI and BullMQ's Lua all work). The prefix
 * namespaces a deployment (and isolates tests sharing one Redis).
 */
export const DEFAULT_KEY_PREFIX = "assay";
/** BullMQ queue name inside a session's prefix. */
export const ANALYSIS_QUEUE = "analyses";

export function redisKeys(prefix: string = DEFAULT_KEY_PREFIX) {
  const tag = (sessionId: string) => `${prefix}:{${sessionId}}`;
  return {
    prefix,
    /** Hash: session metadata (status, tenant, worker, timestamps). */
    session: (sessionId: string) => `${tag(sessionId)}:session`,
    /** Hash: datasetId -> Dataset JSON. */
    sessionDatasets: (sessionId: string) => `${tag(sessionId)}:datasets`,
    /** Stream: every AssayEvent of the session and its jobs. */
    sessionEvents: (sessionId: string) => `${tag(sessionId)}:events`,
    /** String with TTL: the worker's WorkerHeartbeat JSON. */
    sessionHeartbeat: (sessionId: string) => `${tag(sessionId)}:heartbeat`,
    /** Sorted set: the session's job ids by submission time. */
    sessionJobs: (sessionId: string) => `${tag(sessionId)}:jobs`,
    /** Hash: a job's status record. */
    job: (sessionId: string, jobId: string) => `${tag(sessionId)}:job:${jobId}`,
    /** String: set when a cancel was requested for a job. */
    jobCancel: (sessionId: string, jobId: string) => `${tag(sessionId)}:cancel:${jobId}`,
    /** Prefix given to BullMQ for the session's queue: keys become `<prefix>:{ses}:analyses:*`. */
    queuePrefix: (sessionId: string) => tag(sessionId),
    /** String: lease of the scheduler that owns the session's worker (value: scheduler id). */
    sessionLease: (sessionId: string) => `${tag(sessionId)}:lease`,
    /**
     * Redis 7 ACL key permissions of a session's worker (`ACL SETUSER ... <patterns>`): exactly what
     * the worker program reads and writes, nothing of other sessions, the session hash, the lease or
     * any global key. `%R~` read only, `%W~` write only (the events stream), `~` read and write.
     */
    workerKeyPatterns: (sessionId: string) => [
      `~${tag(sessionId)}:${ANALYSIS_QUEUE}:*`,
      `%W~${tag(sessionId)}:events`,
      `~${tag(sessionId)}:heartbeat`,
      `~${tag(sessionId)}:job:*`,
      `%R~${tag(sessionId)}:cancel:*`,
      `%R~${tag(sessionId)}:datasets`,
    ],
    /** Every key pattern belonging to a session, for purging it. */
    sessionPattern: (sessionId: string) => `${tag(sessionId)}:*`,
    /** Global: jobId -> sessionId, so /v1/jobs/:id finds its session. */
    jobIndex: (jobId: string) => `${prefix}:job-index:${jobId}`,
    /** Global sorted set: live sessions by creation time. */
    sessions: `${prefix}:sessions`,
    /** Global sorted set: sessions waiting for a worker, by request time (their place in line). */
    pendingSessions: `${prefix}:sessions:pending`,
    /** Global sorted set: scheduler id -> lease expiry (ms); /readyz looks for a live one. */
    schedulers: `${prefix}:schedulers`,
    /** Pub/sub channel that wakes schedulers when a session needs a worker or must stop. */
    schedulerWake: `${prefix}:scheduler:wake`,
    /** Hash: one API key's record (tenant, label, scrypt hash of the secret, timestamps). */
    apiKey: (keyId: string) => `${prefix}:apikeys:${keyId}`,
    /** Global set: every API key id, for listing across tenants. */
    apiKeys: `${prefix}:apikeys`,
    /** Set: a tenant's API key ids. */
    tenantApiKeys: (tenant: string) => `${prefix}:tenant:${tenant}:apikeys`,
    /** Sorted set: a tenant's live session ids by creation time (listing and the session quota). */
    tenantSessions: (tenant: string) => `${prefix}:tenant:${tenant}:sessions`,
    /** Sorted set: a tenant's unfinished job ids by submit time (the concurrent-jobs quota). */
    tenantActiveJobs: (tenant: string) => `${prefix}:tenant:${tenant}:active-jobs`,
    /** Hash: a tenant's overrides of the default limits (field names as in TenantLimits). */
    tenantLimits: (tenant: string) => `${prefix}:tenant:${tenant}:limits`,
    /** Prefix of the per-tenant rate limiter counters. */
    rateLimitPrefix: `${prefix}:ratelimit`,
    /** List: a pooled (pre-started) worker BLPOPs its `PoolAssignment` here. */
    poolAssignment: (slot: string) => `${prefix}:pool:${slot}`,
    /** Hash: pool slot -> sessionId of the session its container serves (docker warm pool). */
    poolSessions: `${prefix}:pool-sessions`,
  } as const;
}
export type RedisKeys = ReturnType<typeof redisKeys>;
