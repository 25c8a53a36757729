/** What the fake answers to one request; tests script a queue of these. */
export type FakeReply =
  /** A chat completion whose message content is `content` (objects are sent as JSON text). Streamed as SSE when the request asks for a stream. */
  | {
      kind: "message";
      content: string | object;
      usage?: { promptTokens: number; completionTokens: number };
      /** Characters per SSE chunk when streaming (default 8). */
      chunkChars?: number;
      /** Pause between SSE chunks. */
      chunkDelayMs?: number;
    }
  /** An HTTP error such as 429 with Retry-After, or 500. */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: object }
  /** Waits `delayMs` (or until the client goes away), then answers with `reply`. */
  | { kind: "slow"; delayMs: number; reply: FakeReply }
  /** Never answers: the request stays open until the client closes it. */
  | { kind: "hang" }
  /** 200 with a body that is not a chat completion (e.g. broken JSON). */
  | { kind: "raw"; body: string; contentType?: string };

export const message = (
  content: string | object,
  extra: Omit<Extract<FakeReply, { kind: "message" }>, "kind" | "content"> = {},
): FakeReply => ({
  kind: "message",
  content,
  ...extra,
});

export const status = (code: number, headers: Record<string, string> = {}): FakeReply => ({
  kind: "status",
  status: code,
  headers,
});
