import type { StoredEvent } from "@assay/contracts";
import { compareStreamIds, EventLog, type Logger, type Redis } from "@assay/runtime";
import { sseFrameOf } from "./sse-frame.js";

type StreamEntry = [id: string, fields: string[]];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TailListener {
  /** New events of the session, oldest first, as the tail reads them. */
  deliver(events: StoredEvent[]): void;
}

const BLOCK_MS = 5_000;
const READ_COUNT = 500;
const RETRY_MS = 500;
/**
 * The tail keeps its latest events (at most this many, and this many bytes of SSE frames), so a
 * client resuming with a recent Last-Event-ID (a dropped connection, an api restart's reconnect
 * storm) replays from memory: no XRANGE, no parsing and no encoding per reconnecting client.
 */
const RECENT_MAX_EVENTS = 5_000;
/** Per session with local clients; the parsed events held beside the frames about double it. */
const RECENT_MAX_BYTES = 1024 * 1024;
/** Longest pause after a fan-out pass (see `follow`): the most it adds to a delivery's latency. */
const MAX_GATHER_MS = 25;

/**
 * Follows one session's event stream with XREAD BLOCK on its own connection (a blocked
 * connection can serve nobody else) and hands every batch to its listeners.
 *
 * A pass over many listeners costs one socket write each (~8 µs, mostly the kernel's), whatever
 * the batch size. So after a pass the tail pauses as long as the pass took (at most
 * MAX_GATHER_MS) before reading again: a busy stream's events gather into fewer, larger batches
 * and fan-out takes at most about half a core, while a pass over a few clients (well under a
 * millisecond) reads again at once.
 */
export class SessionTail {
  readonly listeners = new Set<TailListener>();
  /** Resolves once the tail knows where the stream ends: events after that point reach listeners. */
  readonly ready: Promise<void>;
  private readonly connection: Redis;
  private cursor = "0-0";
  private stopped = false;
  /** Every event after `recentAfter` up to the cursor, oldest first (see RECENT_MAX_EVENTS). */
  private recent: StoredEvent[] = [];
  private recentBytes = 0;
  private recentAfter = "0-0";

  constructor(
    base: Redis,
    private readonly streamKey: string,
    private readonly logger: Logger,
    onConnectionError: () => void = () => {},
  ) {
    // Blocking reads must not hit the command timeout, and keep retrying across reconnects.
    this.connection = base.duplicate({
      connectionName: "assay-api-tail",
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
    });
    this.connection.on("error", (error: Error) => {
      onConnectionError();
      logger.debug({ err: error.message }, "tail connection error");
    });
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    const last = (await this.connection.xrevrange(this.streamKey, "+", "-", "COUNT", 1)) as StreamEntry[];
    this.cursor = last[0]?.[0] ?? "0-0";
    this.recentAfter = this.cursor;
    void this.follow();
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        const result = (await this.connection.xread(
          "COUNT",
          READ_COUNT,
          "BLOCK",
          BLOCK_MS,
          "STREAMS",
          this.streamKey,
          this.cursor,
        )) as [string, StreamEntry[]][] | null;
        const entries = result?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        this.cursor = entries.at(-1)![0];
        const events = EventLog.parseEntries(entries);
        this.remember(events);
        const passStarted = performance.now();
        for (const listener of this.listeners) listener.deliver(events);
        const passMs = performance.now() - passStarted;
        if (passMs >= 1) await sleep(Math.min(passMs, MAX_GATHER_MS));
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: (error as Error).message }, "event tail read failed, retrying");
        await sleep(RETRY_MS);
      }
    }
  }

  /**
   * The events after `afterId` up to the tail's cursor, from memory; undefined when the tail does
   * not hold them all (an older id, or the stream's start): then they come from the stream.
   */
  eventsAfter(afterId: string): StoredEvent[] | undefined {
    if (compareStreamIds(afterId, this.recentAfter) < 0) return undefined;
    let first = this.recent.length;
    while (first > 0 && compareStreamIds(this.recent[first - 1]!.id, afterId) > 0) first--;
    return this.recent.slice(first);
  }

  private remember(events: StoredEvent[]): void {
    for (const stored of events) {
      this.recent.push(stored);
      this.recentBytes += sseFrameOf(stored).length;
    }
    let drop = 0;
    while (
      this.recent.length - drop > RECENT_MAX_EVENTS ||
      (this.recentBytes > RECENT_MAX_BYTES && drop < this.recent.length)
    ) {
      this.recentBytes -= sseFrameOf(this.recent[drop]!).length;
      drop++;
    }
    if (drop === 0) return;
    this.recentAfter = this.recent[drop - 1]!.id;
    this.recent = this.recent.slice(drop);
  }

  /** Stops reading; aborts a blocked XREAD by dropping the connection. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.connection.disconnect();
  }
}
