import net from "node:net";
import type { LatencyHistogram } from "./latency-histogram.js";

/** What one SSE client saw of the benchmark's events: enough to prove "exactly the published ids, in order". */
export interface FanClientTally {
  /** Events of the followed type received, duplicates included. */
  received: number;
  /** Of those, ids greater than the previous one: the distinct events, when the stream is in order. */
  ascending: number;
  /** Order-sensitive hash of every received id (`foldStreamId`), to compare with the publisher's. */
  hash: number;
  reconnects: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_32 = 0x1_0000_0000;

/** FNV-1a over a stream id's two numbers: the publisher folds its ids the same way. */
export function foldStreamId(hash: number, ms: number, seq: number): number {
  let h = Math.imul(hash ^ (ms % TWO_32), FNV_PRIME);
  h = Math.imul(h ^ Math.floor(ms / TWO_32), FNV_PRIME);
  return Math.imul(h ^ seq, FNV_PRIME) >>> 0;
}
export const EMPTY_ID_HASH = FNV_OFFSET;

const HEAD_END = Buffer.from("\r\n\r\n");
const FRAME_END = Buffer.from("\n\n");
const byteOf = (char: string): number => char.charCodeAt(0);
const [I, D, COLON, SPACE, DASH] = [byteOf("i"), byteOf("d"), byteOf(":"), byteOf(" "), byteOf("-")];
const [LF, CR, ZERO, NINE, A, F] = [
  byteOf("\n"),
  byteOf("\r"),
  byteOf("0"),
  byteOf("9"),
  byteOf("a"),
  byteOf("f"),
];
const CASE_BIT = 0x20;

/** The value of a hex digit byte, -1 for any other byte. */
function hexValue(byte: number): number {
  if (byte >= ZERO && byte <= NINE) return byte - ZERO;
  const lower = byte | CASE_BIT;
  return lower >= A && lower <= F ? lower - A + 10 : -1;
}

/** Where the de-chunker is inside `Transfer-Encoding: chunked` framing. */
type ChunkState = "size" | "extension" | "data" | "data-end";

/**
 * A deliberately cheap SSE reader, so a thousand of them cost little beside the api they measure:
 * a raw TCP socket reading into one buffer shared by every client of the process (`onread`: no
 * per-read allocation, no stream machinery), HTTP/1.1 chunked framing undone in place, SSE frames
 * found with Buffer.indexOf and their `id:` line parsed as two numbers (no strings, no JSON).
 *
 * Latency = the time the read returned − the event's stream id's milliseconds, which is Redis's
 * clock when XADD stored the event (same host, same clock): publish-to-receive, the publisher's own
 * delays excluded. It follows one session's stream, tallies the events of one type, and reconnects
 * with Last-Event-ID whenever the response ends or `drop()` is called.
 */
export class SseFanClient {
  readonly tally: FanClientTally = { received: 0, ascending: 0, hash: EMPTY_ID_HASH, reconnects: 0 };
  private socket: net.Socket | undefined;
  private closed = false;
  /** Latencies of replayed events measure the reconnect, not delivery: a dropped client stops measuring. */
  private measuring = true;
  /** The last id of any event (Last-Event-ID), and of the followed type (order check). */
  private lastMs = -1;
  private lastSeq = -1;
  private followedMs = -1;
  private followedSeq = -1;
  // Per response: head bytes until the blank line, then chunked framing, then SSE frames.
  private head: Buffer | undefined;
  private chunked = true;
  private chunkState: ChunkState = "size";
  private chunkLeft = 0;
  /** An SSE frame cut by a read or chunk boundary, waiting for its end. */
  private partial: Buffer | undefined;

  constructor(
    private readonly target: { host: string; port: number; path: string },
    /** `event: <type>\n`: the frames counted. */
    private readonly eventLine: Buffer,
    private readonly latencies: LatencyHistogram,
    /** One read buffer for all clients of the process: each read is consumed before the next. */
    private readonly readBuffer: Buffer,
  ) {}

  /** Resolves once the response headers said 200 (the stream is subscribed). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let streaming = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      this.head = Buffer.alloc(0);
      this.partial = undefined;
      this.chunkState = "size";
      this.chunkLeft = 0;
      const lastEventId = this.lastMs >= 0 ? `Last-Event-ID: ${this.lastMs}-${this.lastSeq}\r\n` : "";
      const socket = net.connect({
        host: this.target.host,
        port: this.target.port,
        onread: {
          buffer: this.readBuffer,
          callback: (length) => {
            const status = this.read(this.readBuffer, length);
            if (status === 200) {
              streaming = true;
              settle();
            } else if (status !== undefined) {
              settle(new Error(`SSE answered ${status}`));
              socket.destroy();
            }
            return true; // keep reading (false would pause the socket)
          },
        },
      });
      socket.on("connect", () =>
        socket.write(
          `GET ${this.target.path} HTTP/1.1\r\nHost: ${this.target.host}:${this.target.port}\r\n` +
            `Accept: text/event-stream\r\n${lastEventId}\r\n`,
        ),
      );
      socket.on("error", (error) => settle(error));
      // A stream that ends is resumed; a connection that never answered 200 is the caller's to retry.
      socket.on("close", () => {
        if (streaming) this.reconnect();
        else settle(new Error("SSE connection closed before its answer"));
      });
      this.socket = socket;
    });
  }

  /** Handles one read; answers the status code once the head is complete, else undefined. */
  private read(buffer: Buffer, length: number): number | undefined {
    const now = Date.now();
    let bytes = buffer.subarray(0, length);
    let status: number | undefined;
    if (this.head) {
      const head = Buffer.concat([this.head, bytes]);
      const end = head.indexOf(HEAD_END);
      if (end < 0) {
        this.head = head;
        return undefined;
      }
      this.head = undefined;
      const text = head.subarray(0, end).toString("latin1");
      status = Number(text.slice(9, 12));
      this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(text);
      bytes = head.subarray(end + HEAD_END.length);
    }
    if (this.chunked) this.dechunk(bytes, now);
    else this.frames(bytes, now);
    return status;
  }

  /** Feeds the payload of chunked framing to `frames`, in place (subarrays, no copies). */
  private dechunk(bytes: Buffer, now: number): void {
    let at = 0;
    while (at < bytes.length) {
      const byte = bytes[at]!;
      if (this.chunkState === "data") {
        const end = Math.min(bytes.length, at + this.chunkLeft);
        this.frames(bytes.subarray(at, end), now);
        this.chunkLeft -= end - at;
        at = end;
        if (this.chunkLeft === 0) this.chunkState = "data-end";
        continue;
      }
      at++;
      if (byte !== LF) {
        // Hex digits of the size; anything else before the line's end is an extension.
        const digit = this.chunkState === "size" ? hexValue(byte) : -1;
        if (digit >= 0) this.chunkLeft = this.chunkLeft * 16 + digit;
        else if (this.chunkState === "size" && byte !== CR) this.chunkState = "extension";
      } else if (this.chunkState === "data-end") {
        this.chunkState = "size"; // the CRLF after a chunk's data
      } else if (this.chunkLeft > 0) {
        this.chunkState = "data";
      } else {
        this.socket?.destroy(); // the last chunk: the server ended the response
        return;
      }
    }
  }

  /** Tallies the complete SSE frames in `bytes` (a cut frame waits in `partial`). */
  private frames(input: Buffer, now: number): void {
    let bytes = input;
    if (this.partial) {
      bytes = Buffer.concat([this.partial, input]);
      this.partial = undefined;
    }
    let start = 0;
    let end = bytes.indexOf(FRAME_END, start);
    while (end >= 0) {
      this.frame(bytes, start, end, now);
      start = end + FRAME_END.length;
      end = bytes.indexOf(FRAME_END, start);
    }
    // Copied: `bytes` may be the shared read buffer, which the next read overwrites.
    if (start < bytes.length) this.partial = Buffer.from(bytes.subarray(start));
  }

  private frame(bytes: Buffer, start: number, end: number, now: number): void {
    if (
      bytes[start] !== I ||
      bytes[start + 1] !== D ||
      bytes[start + 2] !== COLON ||
      bytes[start + 3] !== SPACE
    )
      return; // a heartbeat, or an event without id
    let at = start + 4;
    let ms = 0;
    for (let byte = bytes[at]!; byte >= ZERO && byte <= NINE; byte = bytes[++at]!) ms = ms * 10 + byte - ZERO;
    if (bytes[at] !== DASH) return;
    let seq = 0;
    for (let byte = bytes[++at]!; byte >= ZERO && byte <= NINE; byte = bytes[++at]!)
      seq = seq * 10 + byte - ZERO;
    this.lastMs = ms;
    this.lastSeq = seq;
    const eventAt = at + 1;
    if (eventAt + this.eventLine.length > end) return;
    if (
      bytes.compare(this.eventLine, 0, this.eventLine.length, eventAt, eventAt + this.eventLine.length) !== 0
    )
      return;
    const tally = this.tally;
    tally.received++;
    if (ms > this.followedMs || (ms === this.followedMs && seq > this.followedSeq)) tally.ascending++;
    this.followedMs = ms;
    this.followedSeq = seq;
    tally.hash = foldStreamId(tally.hash, ms, seq);
    if (this.measuring) this.latencies.record(now - ms);
  }

  private reconnect(): void {
    if (this.closed) return;
    this.tally.reconnects++;
    this.connect().catch(() => setTimeout(() => this.reconnect(), 100));
  }

  /** Cuts the connection; the client comes back with Last-Event-ID and stops measuring latency. */
  drop(): void {
    this.measuring = false;
    this.socket?.destroy();
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}
