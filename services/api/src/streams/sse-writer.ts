import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { httpChunkOf } from "./http-chunk.js";

export interface SseLimits {
  heartbeatMs: number;
  /** Unsent bytes a client may accumulate before it is dropped. */
  maxBufferedBytes: number;
}

const HEARTBEAT = Buffer.from(": heartbeat\n\n");

/**
 * Writes Server-Sent Events to one response, with heartbeats and a bound on buffered data.
 * Once the head is out, a chunked response's events go straight to its socket as ready-framed
 * chunks (http-chunk.ts): one socket write per batch, with no per-response framing, cork or
 * nextTick. The response still ends the body itself (its last chunk) and counts the socket's
 * buffered bytes in `writableLength`.
 */
export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  /** The socket to write framed chunks to, when the response is chunked and holds nothing unsent. */
  private rawSocket: Socket | undefined;

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
    const socket = this.res.socket;
    // Anything the response itself still buffers would go out after a direct write: then keep to res.write.
    if (this.res.chunkedEncoding && socket && this.res.writableLength === socket.writableLength)
      this.rawSocket = socket;
    this.heartbeat = setInterval(() => this.write(HEARTBEAT), this.limits.heartbeatMs);
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

  private write(chunk: Buffer): void {
    if (this.ended) return;
    if (this.res.writableLength > this.limits.maxBufferedBytes) {
      // A client that stops reading would never receive a closing event behind its backlog, and
      // end() keeps that backlog in memory until it reads: cut the connection to free it. It
      // reconnects with Last-Event-ID and loses nothing.
      this.end();
      this.res.destroy();
      return;
    }
    if (this.rawSocket) this.rawSocket.write(httpChunkOf(chunk));
    else this.res.write(chunk);
  }
}
