import { FINAL_JOB_STATUSES, type JobStatus, type RedisKeys } from "@assay/contracts";
import type { Redis } from "@assay/runtime";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { TooManyRequests } from "../errors.js";
import type { TenantLimitsResolver } from "./tenant-limits.js";

/** Adds a member to a sorted set only while the set is below a limit: check and add in one step. */
const ADMIT_BELOW_LIMIT = `
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1`;

const DAY_SECONDS = 24 * 3600;
/** What to tell a client that hit a count quota: nothing frees up on a timer, so a polite pause. */
const COUNT_QUOTA_RETRY_SECONDS = 30;

/**
 * Per-tenant quotas in Redis: live sessions and unfinished jobs (sorted sets, admitted atomically
 * below the limit; entries whose session or job has ended are pruned first) and upload bytes per
 * rolling day (rate-limiter-flexible counter, charged with what was actually stored).
 */
export class TenantQuotas {
  private readonly uploadBytes: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly limits: TenantLimitsResolver,
  ) {
    this.uploadBytes = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keys.rateLimitPrefix}:upload-bytes`,
      points: Number.MAX_SAFE_INTEGER, // compared against the tenant's limit here, not by the library
      duration: DAY_SECONDS,
    });
  }

  async admitSession(tenant: string, sessionId: string, createdAtMs: number): Promise<void> {
    const key = this.keys.tenantSessions(tenant);
    await this.prune(key, async (member) => {
      const status = await this.redis.hget(this.keys.session(member), "status");
      return status === null || status === "stopping";
    });
    const { sessions } = await this.limits.of(tenant);
    if (!(await this.admit(key, sessions, createdAtMs, sessionId))) {
      throw new TooManyRequests(
        "QUOTA_EXCEEDED",
        `this tenant already has ${sessions} live sessions; delete one first`,
        COUNT_QUOTA_RETRY_SECONDS,
      );
    }
  }

  async releaseSession(tenant: string, sessionId: string): Promise<void> {
    await this.redis.zrem(this.keys.tenantSessions(tenant), sessionId);
  }

  /**
   * On the submit path, so one round trip when there is room: entries of finished jobs (nothing
   * removes them when a job ends) are pruned only when they would refuse the job.
   */
  async admitJob(tenant: string, sessionId: string, jobId: string, submittedAtMs: number): Promise<void> {
    const key = this.keys.tenantActiveJobs(tenant);
    const member = `${sessionId}/${jobId}`;
    const { concurrentJobs } = await this.limits.of(tenant);
    if (await this.admit(key, concurrentJobs, submittedAtMs, member)) return;
    await this.prune(key, async (entry) => {
      const [entrySession = "", entryJob = ""] = entry.split("/");
      const status = await this.redis.hget(this.keys.job(entrySession, entryJob), "status");
      return status === null || FINAL_JOB_STATUSES.includes(status as JobStatus);
    });
    if (!(await this.admit(key, concurrentJobs, submittedAtMs, member))) {
      throw new TooManyRequests(
        "QUOTA_EXCEEDED",
        `this tenant already has ${concurrentJobs} queued or running jobs; wait for one to finish`,
        COUNT_QUOTA_RETRY_SECONDS,
      );
    }
  }

  async releaseJob(tenant: string, sessionId: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.tenantActiveJobs(tenant), `${sessionId}/${jobId}`);
  }

  /** Refuses an upload that would pass the tenant's daily bytes (declared size; 0 when streamed). */
  async checkUpload(tenant: string, declaredBytes: number): Promise<void> {
    const { uploadBytesPerDay } = await this.limits.of(tenant);
    const used = await this.uploadBytes.get(tenant);
    const consumed = used?.consumedPoints ?? 0;
    if (consumed >= uploadBytesPerDay || consumed + declaredBytes > uploadBytesPerDay) {
      throw new TooManyRequests(
        "QUOTA_EXCEEDED",
        `this tenant's upload allowance of ${uploadBytesPerDay} bytes a day is used up`,
        Math.ceil((used?.msBeforeNext ?? DAY_SECONDS * 1000) / 1000),
      );
    }
  }

  /** Counts stored bytes against the day's allowance. */
  async chargeUpload(tenant: string, bytes: number): Promise<void> {
    if (bytes > 0) await this.uploadBytes.penalty(tenant, bytes);
  }

  private async admit(key: string, limit: number, score: number, member: string): Promise<boolean> {
    return (await this.redis.eval(ADMIT_BELOW_LIMIT, 1, key, String(limit), String(score), member)) === 1;
  }

  /** Drops members that no longer count; at most limit + a few stale ones are looked at. */
  private async prune(key: string, isStale: (member: string) => Promise<boolean>): Promise<void> {
    const members = await this.redis.zrange(key, "0", "-1");
    const stale = (
      await Promise.all(members.map(async (member) => ((await isStale(member)) ? member : undefined)))
    ).filter((member): member is string => member !== undefined);
    if (stale.length > 0) await this.redis.zrem(key, ...stale);
  }
}
