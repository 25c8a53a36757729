import net from "node:net";
import { SessionView } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";
import { readSse } from "./sse-client.js";

let fx: ApiFixture;

beforeAll(async () => {
  fx = await startApi({ SSE_MAX_BUFFERED_BYTES: String(64 * 1024) });
});
afterAll(async () => {
  await fx.close();
});

const JOB = "job_AAAAAAAAAAAAAAAAAAAAAAAA";
/** More than the kernel's loopback socket buffers hold, so the api's own buffer must grow. */
const EVENTS = 400;
const MESSAGE = "x".repeat(50_000);
/** A complete job:log frame (ended by its blank line: a cut-off frame is not an event yet). */
const FRAME = /id: (\d+-\d+)\nevent: job:log\ndata: [^\n]*\n\n/g;

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a client that stops reading", () => {
  it("is cut once its unsent events pass SSE_MAX_BUFFERED_BYTES, and resumes with Last-Event-ID losing nothing", async () => {
    const sessionId = SessionView.parse(await (await fx.call("/v1/sessions", { method: "POST" })).json()).id;
    const { port } = new URL(fx.url);
    const socket = net.connect({ host: "127.0.0.1", port: Number(port) });
    const chunks: Buffer[] = [];
    let closed = false;
    socket.once("data", (chunk: Buffer) => {
      chunks.push(chunk);
      socket.pause(); // reads the head, then stops reading
    });
    socket.on("close", () => {
      closed = true;
    });
    socket.write(
      `GET /v1/sessions/${sessionId}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: Bearer ${fx.token}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    const hub = fx.api.services.hub;
    await until(() => hub.clientCount === 1 && chunks.length > 0);

    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i++)
      ids.push(
        await fx.api.services.events.append({
          type: "job:log",
          sessionId,
          jobId: JOB,
          level: "info",
          message: MESSAGE,
        }),
      );
    await until(() => hub.clientCount === 0);

    // What reached the socket before the cut, then the rest by Last-Event-ID.
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.resume();
    await until(() => closed);
    const before = [...Buffer.concat(chunks).toString("latin1").matchAll(FRAME)].map((match) => match[1]!);
    expect(before.length).toBeLessThan(EVENTS);
    const rest = await readSse(
      await fx.call(`/v1/sessions/${sessionId}/events?follow=false`, {
        headers: { "Last-Event-ID": before.at(-1) ?? "0" },
      }),
    );
    const after = rest.messages.filter((message) => message.event === "job:log").map((message) => message.id);
    expect([...before, ...after]).toEqual(ids);
  });
});
