import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeLlmServer } from "./fake-llm-server.js";
import { message, status } from "./replies.js";

describe("FakeLlmServer", () => {
  let fake: FakeLlmServer;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await FakeLlmServer.start();
    client = new OpenAI({ apiKey: "test-key", baseURL: fake.baseURL, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it("answers a scripted completion and records the request", async () => {
    fake.enqueue(message({ ok: true }, { usage: { promptTokens: 11, completionTokens: 3 } }));
    const answer = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? "")).toEqual({ ok: true });
    expect(answer.usage?.total_tokens).toBe(14);
    expect(fake.completions[0]?.body?.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("streams content as server-sent events, with usage last when asked", async () => {
    fake.enqueue(message("The quick brown fox.", { chunkChars: 4 }));
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const parts: string[] = [];
    let total = 0;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) parts.push(delta);
      if (chunk.usage) total = chunk.usage.total_tokens;
    }
    expect(parts.join("")).toBe("The quick brown fox.");
    expect(parts.length).toBeGreaterThan(1);
    expect(total).toBeGreaterThan(0);
  });

  it("answers scripted errors with their headers", async () => {
    fake.enqueue(status(429, { "retry-after": "0" }));
    const error = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("sees the client close a request it has not answered", async () => {
    fake.enqueue({ kind: "hang" });
    const controller = new AbortController();
    fake.once("request", () => controller.abort());
    const closed = new Promise((resolve) => fake.once("client-closed", resolve));
    await expect(
      client.chat.completions.create(
        { model: "m", messages: [{ role: "user", content: "hi" }] },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await closed;
    expect(fake.completions[0]?.closedEarly).toBe(true);
  });
});
