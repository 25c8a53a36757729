import type { RedisKeys } from "@assay/contracts";
import type { Redis } from "@assay/runtime";
import type { Middleware } from "koa";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { callerOf } from "../auth/caller.js";
import { TooManyRequests } from "../errors.js";
import type { TenantLimitsResolver } from "./tenant-limits.js";

/**
 * Requests per minute per tenant, counted atomically in Redis (rate-limiter-flexible's Lua), so
 * every api replica shares one budget. One limiter per distinct limit: tenants with overrides get theirs.
 */
export function requestRateLimit(redis: Redis, keys: RedisKeys, limits: TenantLimitsResolver): Middleware {
  const limiters = new Map<number, RateLimiterRedis>();
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: redis,
        // One counter per tenant whatever its limit: changing an override keeps the count.
        keyPrefix: `${keys.rateLimitPrefix}:requests`,
        points,
        duration: 60,
      });
      limiters.set(points, limiter);
    }
    return limiter;
  };
  return async (ctx, next) => {
    if (!ctx.state.caller) return next(); // open routes
    const { tenant } = callerOf(ctx);
    const { requestsPerMinute } = await limits.of(tenant);
    try {
      const result = await limiterFor(requestsPerMinute).consume(tenant);
      ctx.set("RateLimit-Limit", String(requestsPerMinute));
      ctx.set("RateLimit-Remaining", String(result.remainingPoints));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new TooManyRequests(
        "RATE_LIMITED",
        `more than ${requestsPerMinute} requests a minute for this tenant`,
        Math.ceil(rejection.msBeforeNext / 1000),
      );
    }
    await next();
  };
}
