import type { AssayClient } from "@assay/client";
import { isFinalJobEvent, type StoredEvent } from "@assay/contracts";

/** Every live follower, so a debugging hook can drop all their connections at once. */
const live = new Set<JobFollower>();

/**
 * Follows one job's events over SSE. Each connection resumes after the last event id seen, and
 * events are de-duplicated by id, so a dropped connection leaves neither a gap nor a repeat.
 */
export class JobFollower {
  private lastEventId: string | undefined;
  private readonly seen = new Set<string>();
  private connection: AbortController | undefined;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly client: AssayClient,
    private readonly jobId: string,
    private readonly onEvent: (stored: StoredEvent) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves after the job's final event, or when closed. */
  async run(): Promise<void> {
    live.add(this);
    try {
      while (!this.closed) {
        await this.held;
        this.connection = new AbortController();
        try {
          for await (const stored of this.client.jobEvents(this.jobId, {
            signal: this.connection.signal,
            ...(this.lastEventId ? { lastEventId: this.lastEventId } : {}),
          })) {
            if (this.seen.has(stored.id)) continue;
            this.seen.add(stored.id);
            this.lastEventId = stored.id;
            this.onEvent(stored);
            if (isFinalJobEvent(stored.event)) return;
          }
          if (!this.connection.signal.aborted) return; // the stream ended after the final event
        } catch (error) {
          this.onError(error);
          return;
        }
      }
    } finally {
      live.delete(this);
    }
  }

  /** Drops the connection; with `hold`, reconnects only once `resume()` is called. */
  drop(hold = false): void {
    if (hold && !this.held) this.held = new Promise((resolve) => (this.release = resolve));
    this.connection?.abort();
  }

  resume(): void {
    this.release?.();
    this.held = undefined;
    this.release = undefined;
  }

  close(): void {
    this.closed = true;
    this.resume();
    this.connection?.abort();
  }
}

/** `?debug` exposes `window.assayDebug` so tests can cut the event streams like a flaky network would. */
export function installDebugHooks(location: Location): void {
  if (!new URLSearchParams(location.search).has("debug")) return;
  Object.assign(window, {
    assayDebug: {
      dropStreams: (hold = false) => {
        for (const follower of live) follower.drop(hold);
        return live.size;
      },
      resumeStreams: () => {
        for (const follower of live) follower.resume();
      },
    },
  });
}
