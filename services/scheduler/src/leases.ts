import type { RedisKeys } from "@assay/contracts";
import type { Redis } from "@assay/runtime";

/** Keeps the lease if it is ours, takes it if nobody has it; never while the session is gone. */
const HOLD = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] or not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Deletes the lease only while it is still ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type LeaseHold = "held" | "lost" | "gone";

/**
 * A session's lease (`keys.sessionLease`): the id of the one scheduler that owns its worker,
 * with a TTL the owner renews on every loop. Both keys of a script share the session's slot.
 */
export class Leases {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly schedulerId: string,
    private readonly leaseMs: number,
  ) {}

  /** Takes a free lease; false when another scheduler (or this one) already holds it. */
  async claim(sessionId: string): Promise<boolean> {
    const result = await this.redis.set(
      this.keys.sessionLease(sessionId),
      this.schedulerId,
      "PX",
      this.leaseMs,
      "NX",
    );
    return result === "OK";
  }

  /** Renews (or re-takes after expiry) the lease: "lost" when another scheduler took it over. */
  async hold(sessionId: string): Promise<LeaseHold> {
    const result = await this.redis.eval(
      HOLD,
      2,
      this.keys.sessionLease(sessionId),
      this.keys.session(sessionId),
      this.schedulerId,
      this.leaseMs,
    );
    return result === 1 ? "held" : result === 0 ? "lost" : "gone";
  }

  async release(sessionId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keys.sessionLease(sessionId), this.schedulerId);
  }
}
