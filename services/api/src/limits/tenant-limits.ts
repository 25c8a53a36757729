import { getTenantLimitOverrides, type TenantLimits } from "@assay/auth";
import type { RedisKeys } from "@assay/contracts";
import type { Redis } from "@assay/runtime";
import type { ApiEnv } from "../env.js";

/** How long a tenant's overrides are reused before Redis is asked again. */
const CACHE_MS = 5_000;

/** A tenant's effective limits: its overrides over the env defaults, cached briefly. */
export class TenantLimitsResolver {
  private readonly cache = new Map<string, { limits: TenantLimits; until: number }>();
  private readonly defaults: TenantLimits;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    env: ApiEnv,
  ) {
    this.defaults = {
      sessions: env.TENANT_MAX_SESSIONS,
      concurrentJobs: env.TENANT_MAX_CONCURRENT_JOBS,
      uploadBytesPerDay: env.TENANT_UPLOAD_BYTES_PER_DAY,
      requestsPerMinute: env.TENANT_REQUESTS_PER_MINUTE,
    };
  }

  async of(tenant: string): Promise<TenantLimits> {
    const cached = this.cache.get(tenant);
    if (cached && cached.until > Date.now()) return cached.limits;
    const limits = { ...this.defaults, ...(await getTenantLimitOverrides(this.redis, this.keys, tenant)) };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenant, { limits, until: Date.now() + CACHE_MS });
    return limits;
  }
}
