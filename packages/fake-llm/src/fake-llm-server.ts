import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeReply } from "./replies.js";

/** One request the fake received, as it arrived. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: Record<string, unknown> | undefined;
  /** Set when the client closed the connection before the fake finished answering. */
  closedEarly: boolean;
}

const NOT_SCRIPTED: FakeReply = {
  kind: "status",
  status: 500,
  body: { error: { message: "fake-llm: no reply scripted for this request", type: "server_error" } },
};

/**
 * An OpenAI-compatible HTTP server for tests: `POST /v1/chat/completions` answers with the next
 * scripted reply (JSON, or real SSE when the request streams) and every request is recorded.
 * Events: "request" (RecordedRequest) on arrival, "client-closed" (RecordedRequest) when a client
 * hangs up before the answer is complete.
 */
export class FakeLlmServer extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: FakeReply[] = [];
  private readonly server: Server;
  private closed = false;
  private serial = 0;

  private constructor() {
    super();
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
        else res.destroy();
      });
    });
  }

  /** Starts a fake on a free loopback port. */
  static async start(): Promise<FakeLlmServer> {
    const fake = new FakeLlmServer();
    fake.server.listen(0, "127.0.0.1");
    await once(fake.server, "listening");
    return fake;
  }

  /** The base URL to give the SDK (`…/v1`). */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** Appends replies; each request takes the next one (an unscripted request gets a 500). */
  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Requests to the chat completions endpoint, in arrival order. */
  get completions(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith("/chat/completions"));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: new URL(req.url ?? "/", "http://fake").pathname,
      headers: { ...req.headers },
      rawBody,
      body: parseJson(rawBody),
      closedEarly: false,
    };
    this.requests.push(recorded);
    res.on("close", () => {
      if (!res.writableFinished) {
        recorded.closedEarly = true;
        this.emit("client-closed", recorded);
      }
    });
    this.emit("request", recorded);
    if (recorded.method !== "POST" || !recorded.path.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    await this.answer(this.queue.shift() ?? NOT_SCRIPTED, recorded, res);
  }

  private async answer(reply: FakeReply, request: RecordedRequest, res: ServerResponse): Promise<void> {
    switch (reply.kind) {
      case "status":
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(
          JSON.stringify(reply.body ?? { error: { message: `fake status ${reply.status}`, type: "fake" } }),
        );
        return;
      case "raw":
        res.writeHead(200, { "content-type": reply.contentType ?? "application/json" });
        res.end(reply.body);
        return;
      case "hang":
        await once(res, "close");
        return;
      case "slow":
        await waitOrClose(res, reply.delayMs);
        if (!res.destroyed) await this.answer(reply.reply, request, res);
        return;
      case "message":
        if (request.body?.stream === true) await this.stream(reply, request, res);
        else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(this.completion(reply, request)));
        }
        return;
    }
  }

  private completion(reply: Extract<FakeReply, { kind: "message" }>, request: RecordedRequest) {
    return {
      id: `chatcmpl-fake-${++this.serial}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: String(request.body?.model ?? "fake"),
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: contentText(reply) },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: usage(reply, request),
    };
  }

  private async stream(
    reply: Extract<FakeReply, { kind: "message" }>,
    request: RecordedRequest,
    res: ServerResponse,
  ): Promise<void> {
    const id = `chatcmpl-fake-${++this.serial}`;
    const base = {
      id,
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model: String(request.body?.model ?? "fake"),
    };
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    send({
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    });
    const text = contentText(reply);
    const size = reply.chunkChars ?? 8;
    for (let at = 0; at < text.length && !res.destroyed; at += size) {
      send({
        ...base,
        choices: [{ index: 0, delta: { content: text.slice(at, at + size) }, finish_reason: null }],
      });
      if (reply.chunkDelayMs) await waitOrClose(res, reply.chunkDelayMs);
    }
    if (res.destroyed) return;
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    const options = request.body?.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) send({ ...base, choices: [], usage: usage(reply, request) });
    res.end("data: [DONE]\n\n");
  }
}

function contentText(reply: Extract<FakeReply, { kind: "message" }>): string {
  return typeof reply.content === "string" ? reply.content : JSON.stringify(reply.content);
}

function usage(reply: Extract<FakeReply, { kind: "message" }>, request: RecordedRequest) {
  const prompt = reply.usage?.promptTokens ?? Math.ceil(request.rawBody.length / 4);
  const completion = reply.usage?.completionTokens ?? Math.ceil(contentText(reply).length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves after `ms`, or as soon as the client hangs up. */
function waitOrClose(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once("close", done);
    function done() {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    }
  });
}
