import type { ServerResponse } from "node:http";

export interface SseLimits {
  heartbeatMs: number;
  /** Unsent bytes a client may accumulate before it is dropped. */
  maxBufferedBytes: number;
}

/** Writes Server-Sent Events to one response, with heartbeats and a bound on buffered data. */
export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseLimits,
  ) {
    res.once("close", () => this.end());
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  open(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    this.res.flushHeaders();
    this.heartbeat = setInterval(() => this.write(": heartbeat\n\n"), this.limits.heartbeatMs);
  }

  /** Ready-made SSE frames (see sse-frame.ts). */
  send(frames: Buffer): void {
    this.write(frames);
  }

  /** Ends the stream with a final `error` event saying why. */
  fail(reason: string): void {
    if (this.ended) return;
    this.res.write(`event: error\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }

  private write(chunk: string | Buffer): void {
    if (this.ended) return;
    if (this.res.writableLength > this.limits.maxBufferedBytes) {
      // A client that stops reading would never receive a closing event behind its backlog, and
      // end() keeps that backlog in memory until it reads: cut the connection to free it. It
      // reconnects with Last-Event-ID and loses nothing.
      this.end();
      this.res.destroy();
      return;
    }
    this.res.write(chunk);
  }
}
