import type { RedisKeys } from "@assay/contracts";
import type { Redis } from "ioredis";
import { z } from "zod";
import { TenantId } from "./tenant-id.js";

/** What one tenant may use at once or per period. Defaults come from the api's env. */
export const TenantLimits = z.strictObject({
  /** Live sessions at once. */
  sessions: z.coerce.number().int().min(0),
  /** Queued plus running analysis jobs at once. */
  concurrentJobs: z.coerce.number().int().min(0),
  /** Dataset bytes uploaded per rolling day. */
  uploadBytesPerDay: z.coerce.number().int().min(0),
  /** Authenticated requests per minute. */
  requestsPerMinute: z.coerce.number().int().min(1),
});
export type TenantLimits = z.infer<typeof TenantLimits>;

export const TenantLimitOverrides = TenantLimits.partial();
export type TenantLimitOverrides = z.infer<typeof TenantLimitOverrides>;

/** A tenant's overrides; fields it has none for fall back to the defaults. */
export async function getTenantLimitOverrides(
  redis: Redis,
  keys: RedisKeys,
  tenant: string,
): Promise<TenantLimitOverrides> {
  const hash = await redis.hgetall(keys.tenantLimits(TenantId.parse(tenant)));
  const parsed = TenantLimitOverrides.safeParse(hash);
  return parsed.success ? parsed.data : {};
}

/** Sets some of a tenant's overrides; `null` removes one (back to the default). */
export async function setTenantLimitOverrides(
  redis: Redis,
  keys: RedisKeys,
  tenant: string,
  changes: { [K in keyof TenantLimits]?: number | null },
): Promise<TenantLimitOverrides> {
  const key = keys.tenantLimits(TenantId.parse(tenant));
  const batch = redis.multi();
  for (const [field, value] of Object.entries(changes)) {
    if (!(field in TenantLimits.shape)) throw new Error(`unknown limit '${field}'`);
    if (value === null) batch.hdel(key, field);
    else if (value !== undefined)
      batch.hset(key, field, String(TenantLimits.shape[field as keyof TenantLimits].parse(value)));
  }
  await batch.exec();
  return getTenantLimitOverrides(redis, keys, tenant);
}
