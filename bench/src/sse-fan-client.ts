import http from "node:http";

/** Counts what one SSE client saw of the benchmark's events. */
export interface FanClientStats {
  ids: string[];
  latenciesMs: number[];
  reconnects: number;
}

const AT = '"at":"';

/**
 * A deliberately cheap SSE client (raw http, string scanning instead of a full parser and JSON),
 * so 1,000 of them fit beside the api on two cores. It follows one session's stream, keeps the
 * ids of `eventType` events with their delivery latency (receive time − the event's `at`), and
 * reconnects with Last-Event-ID whenever the connection ends or `drop()` is called.
 */
export class SseFanClient {
  readonly stats: FanClientStats = { ids: [], latenciesMs: [], reconnects: 0 };
  private request: http.ClientRequest | undefined;
  private lastId: string | undefined;
  private closed = false;
  /** Latencies of replayed events measure the reconnect, not delivery: skip them. */
  private measuring = true;

  constructor(
    private readonly url: string,
    private readonly eventType: string,
    private readonly agent: http.Agent,
  ) {}

  /** Resolves once the response headers arrived (the stream is subscribed). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (this.lastId) headers["last-event-id"] = this.lastId;
      const request = http.get(this.url, { agent: this.agent, headers }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`SSE answered ${response.statusCode}`));
          response.resume();
          return;
        }
        resolve();
        let buffer = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            this.handle(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
          }
        });
        response.on("close", () => this.reconnect());
      });
      request.on("error", (error) => {
        if (!this.closed) reject(error);
      });
      this.request = request;
    });
  }

  private handle(message: string): void {
    if (!message.startsWith("id: ")) return;
    const idEnd = message.indexOf("\n");
    const id = message.slice(4, idEnd);
    this.lastId = id;
    if (!message.startsWith(`event: ${this.eventType}\n`, idEnd + 1)) return;
    this.stats.ids.push(id);
    if (!this.measuring) return;
    const at = message.indexOf(AT);
    if (at >= 0)
      this.stats.latenciesMs.push(
        Date.now() - Date.parse(message.slice(at + AT.length, at + AT.length + 24)),
      );
  }

  private reconnect(): void {
    if (this.closed) return;
    this.stats.reconnects++;
    this.connect().catch(() => setTimeout(() => this.reconnect(), 100));
  }

  /** Cuts the connection; the client comes back with Last-Event-ID and stops measuring latency. */
  drop(): void {
    this.measuring = false;
    this.request?.destroy();
  }

  close(): void {
    this.closed = true;
    this.request?.destroy();
  }
}
