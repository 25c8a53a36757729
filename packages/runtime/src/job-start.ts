import { type AssayEventInput, FINAL_JOB_STATUSES, type JobStatus, type RedisKeys } from "@assay/contracts";
import type { Redis } from "ioredis";
import { EventLog } from "./event-log.js";
import type { JobPatch } from "./job-store.js";

/** What `JobStarter.start` found: only `started` wrote anything. */
export type JobStartOutcome =
  | { outcome: "started" }
  | { outcome: "missing" }
  | { outcome: "cancel-requested" }
  | { outcome: "finished"; status: JobStatus };

// KEYS: the job record. ARGV: cancel flag key, events stream key, events MAXLEN, event type, event
// JSON, then the record's field/value pairs. The flag and the stream are not KEYS because Redis ACLs
// require read and write on every declared key of a script, and a session's worker may only read
// cancel flags and only write its events; Redis checks each call below against those patterns
// instead. They share the record's hash tag, so a cluster keeps them on the script's slot. The XADD
// has the shape of EventLog.appendTo's.
const START_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local final = {${FINAL_JOB_STATUSES.map((s) => `['${s}']=true`).join(",")}}
if final[status] then return {'finished', status} end
if redis.call('EXISTS', ARGV[1]) == 1 then return {'cancel-requested'} end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('XADD', ARGV[2], 'MAXLEN', '~', ARGV[3], '*', 'type', ARGV[4], 'data', ARGV[5])
return {'started'}
`;

/**
 * Starts a job in one round trip: a worker that was just handed a job checks that its record
 * exists, is not final and has no cancel request, and writes the start with its event, atomically.
 * The queue hand-over to `job:started` is on every job's latency, so it gets no separate reads.
 */
export class JobStarter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly eventsMaxLen: number,
  ) {}

  async start(
    sessionId: string,
    jobId: string,
    patch: JobPatch,
    event: AssayEventInput,
  ): Promise<JobStartOutcome> {
    const envelope = EventLog.envelope(event);
    const fields = Object.entries(patch).flatMap(([name, value]) =>
      value === undefined ? [] : [name, typeof value === "object" ? JSON.stringify(value) : String(value)],
    );
    const [outcome, status] = (await this.redis.eval(
      START_SCRIPT,
      1,
      this.keys.job(sessionId, jobId),
      this.keys.jobCancel(sessionId, jobId),
      this.keys.sessionEvents(sessionId),
      this.eventsMaxLen,
      envelope.type,
      JSON.stringify(envelope),
      ...fields,
    )) as [JobStartOutcome["outcome"], JobStatus | undefined];
    return outcome === "finished" ? { outcome, status: status as JobStatus } : { outcome };
  }
}
