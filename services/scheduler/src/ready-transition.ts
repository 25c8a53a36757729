import type { AssayEventInput, RedisKeys } from "@assay/contracts";
import { EventLog, type Redis } from "@assay/runtime";

// KEYS: the session's lease, record, heartbeat and events (one hash tag: one cluster slot).
// ARGV: scheduler id, worker id, events MAXLEN, event type, event JSON. The XADD has the shape of
// EventLog.appendTo's.
const READY_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'status') ~= 'starting' then return 0 end
local beat = redis.call('GET', KEYS[3])
if not beat then return 0 end
local parsed, heartbeat = pcall(cjson.decode, beat)
if not parsed or type(heartbeat) ~= 'table' or heartbeat.workerId ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'status', 'ready')
redis.call('HDEL', KEYS[2], 'statusReason')
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'type', ARGV[4], 'data', ARGV[5])
return 1
`;

/**
 * A starting session becomes ready in one round trip, atomically: only while this scheduler holds
 * its lease, it is still "starting" (a session deleted meanwhile stays "stopping") and the
 * heartbeat in Redis is the given worker's. The status and its `session:ready` event commit together.
 */
export class ReadyTransition {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly schedulerId: string,
    private readonly eventsMaxLen: number,
  ) {}

  /** True when the session is now ready; false when a condition did not hold and nothing was written. */
  async mark(sessionId: string, workerId: string, event: AssayEventInput): Promise<boolean> {
    const envelope = EventLog.envelope(event);
    const result = await this.redis.eval(
      READY_SCRIPT,
      4,
      this.keys.sessionLease(sessionId),
      this.keys.session(sessionId),
      this.keys.sessionHeartbeat(sessionId),
      this.keys.sessionEvents(sessionId),
      this.schedulerId,
      workerId,
      this.eventsMaxLen,
      envelope.type,
      JSON.stringify(envelope),
    );
    return result === 1;
  }
}
