import type { RedisKeys, StoredEvent } from "@assay/contracts";
import type { Logger, Redis } from "@assay/runtime";
import { SessionTail, type TailListener } from "./session-tail.js";

export interface HubSubscriber extends TailListener {
  /** The hub is shutting down: finish the client's stream. */
  shutdown(): void;
}

/**
 * Fans one tail per session out to every local SSE client of that session, so a thousand clients
 * of one session cost one Redis connection. The tail stops when its last client leaves.
 */
export class EventHub {
  private readonly tails = new Map<string, SessionTail>();
  private readonly subscribers = new Set<HubSubscriber>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    /** Called on every error of a tail's connection (counted in metrics). */
    private readonly onConnectionError: () => void = () => {},
  ) {}

  /** Starts delivering the session's new events; resolves with the unsubscribe function once live. */
  async subscribe(sessionId: string, subscriber: HubSubscriber): Promise<() => void> {
    if (this.closed) throw new Error("event hub is closed");
    let tail = this.tails.get(sessionId);
    if (!tail) {
      tail = new SessionTail(
        this.redis,
        this.keys.sessionEvents(sessionId),
        this.logger.child({ sessionId }),
        this.onConnectionError,
      );
      this.tails.set(sessionId, tail);
    }
    const sessionTail = tail;
    sessionTail.listeners.add(subscriber);
    this.subscribers.add(subscriber);
    let subscribed = true;
    const unsubscribe = () => {
      if (!subscribed) return;
      subscribed = false;
      this.subscribers.delete(subscriber);
      sessionTail.listeners.delete(subscriber);
      if (sessionTail.listeners.size === 0) {
        sessionTail.stop();
        if (this.tails.get(sessionId) === sessionTail) this.tails.delete(sessionId);
      }
    };
    try {
      await sessionTail.ready;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** The session's events after `afterId` if its tail still holds them all (see SessionTail.eventsAfter). */
  recentEventsAfter(sessionId: string, afterId: string): StoredEvent[] | undefined {
    return this.tails.get(sessionId)?.eventsAfter(afterId);
  }

  /** SSE clients currently subscribed on this process. */
  get clientCount(): number {
    return this.subscribers.size;
  }

  /** Tails currently running (one per session with local clients). */
  get tailCount(): number {
    return this.tails.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscriber of [...this.subscribers]) subscriber.shutdown();
    for (const tail of this.tails.values()) tail.stop();
    this.tails.clear();
  }
}
