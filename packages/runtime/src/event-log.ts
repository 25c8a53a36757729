import { AssayEvent, type AssayEventInput, type RedisKeys, type StoredEvent } from "@assay/contracts";
import type { ChainableCommander, Redis } from "ioredis";

type StreamEntry = [id: string, fields: string[]];

/** Appends to and reads from a session's event stream (one Redis Stream per session). */
export class EventLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly maxLen: number,
  ) {}

  /** Adds the envelope (version, time) and validates, so nothing malformed enters the stream. */
  static envelope(input: AssayEventInput): AssayEvent {
    return AssayEvent.parse({ ...input, v: 1, at: new Date().toISOString() });
  }

  /** Queues the append on a MULTI/pipeline so it commits with the state change it reports. */
  appendTo(batch: ChainableCommander, input: AssayEventInput): ChainableCommander {
    const event = EventLog.envelope(input);
    return batch.xadd(
      this.keys.sessionEvents(event.sessionId),
      "MAXLEN",
      "~",
      this.maxLen,
      "*",
      "type",
      event.type,
      "data",
      JSON.stringify(event),
    );
  }

  async append(input: AssayEventInput): Promise<string> {
    const [[error, id] = [null, null]] = (await this.appendTo(this.redis.multi(), input).exec()) ?? [];
    if (error) throw error;
    return id as string;
  }

  /** Events strictly after `afterId` ("0" for all), oldest first. */
  async after(sessionId: string, afterId: string, count = 1_000): Promise<StoredEvent[]> {
    const start = afterId === "0" || afterId === "0-0" ? "-" : `(${afterId}`;
    const entries = (await this.redis.xrange(
      this.keys.sessionEvents(sessionId),
      start,
      "+",
      "COUNT",
      count,
    )) as StreamEntry[];
    return EventLog.parseEntries(entries);
  }

  /** Entries from XRANGE/XREAD; entries that fail the contract are dropped, never relayed. */
  static parseEntries(entries: StreamEntry[]): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const [id, fields] of entries) {
      const dataIndex = fields.indexOf("data");
      const raw = dataIndex >= 0 ? fields[dataIndex + 1] : undefined;
      if (raw === undefined) continue;
      try {
        const parsed = AssayEvent.safeParse(JSON.parse(raw));
        if (parsed.success) events.push({ id, event: parsed.data });
      } catch {
        // not JSON: skip
      }
    }
    return events;
  }
}

/** The number written in `id` between `from` and `to` (digits only; empty is 0). */
function digitsValue(id: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) value = value * 10 + id.charCodeAt(index) - 48;
  return value;
}

/**
 * Compares two stream ids ("ms-seq"; a bare "ms" has seq 0). Allocation-free: the SSE relay
 * calls it for every client on every batch.
 */
export function compareStreamIds(a: string, b: string): number {
  const aDash = a.indexOf("-");
  const bDash = b.indexOf("-");
  const aMsEnd = aDash < 0 ? a.length : aDash;
  const bMsEnd = bDash < 0 ? b.length : bDash;
  const byMs = digitsValue(a, 0, aMsEnd) - digitsValue(b, 0, bMsEnd);
  if (byMs !== 0) return byMs;
  return digitsValue(a, aMsEnd + 1, a.length) - digitsValue(b, bMsEnd + 1, b.length);
}

/** A valid stream id (what Last-Event-ID may carry). */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
