import { readFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { redisKeys } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../stack-fixture.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack } from "./fault-kit.js";

const MAX_BUFFERED = 256 * 1024;

/** Resident memory of a process, from /proc (Linux). */
async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/** A raw SSE client that sends its request and then never reads a byte. */
function stalledSseClient(port: number, sessionId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `GET /v1/sessions/${sessionId}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      );
      socket.pause();
      resolve(socket);
    });
    socket.setNoDelay(true);
    socket.once("error", reject);
  });
}

/** Open event streams as the api counts them (its assay_sse_clients gauge). */
async function sseClients(stack: FaultStack): Promise<number> {
  const metrics = await (await fetch(`${stack.apiUrl()}/metrics`)).text();
  return Number(/^assay_sse_clients\s+(\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
}

describe("slow and idle SSE consumers", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start({
      env: { SSE_MAX_BUFFERED_BYTES: String(MAX_BUFFERED), METRICS_CACHE_MS: "0" },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a client that stops reading is disconnected and its backlog freed; api memory stays bounded", async () => {
    const session = await stack.client().createSession();
    const socket = await stalledSseClient(stack.apiPorts[0]!, session.id);
    socket.on("error", () => {});
    // A paused socket does not notice the api cutting it: watch the api's own count of clients.
    await eventually(async () => ((await sseClients(stack)) === 1 ? true : undefined), 10_000, "the stream");
    const redis = stack.redis.client();
    const streamKey = redisKeys(stack.keyPrefix).sessionEvents(session.id);
    const message = "x".repeat(8 * 1024);
    const before = await rssBytes(stack.apis[0]!.pid);
    let published = 0;
    // Far more than the socket buffers and SSE_MAX_BUFFERED_BYTES together: up to 64 MB of events.
    while ((await sseClients(stack)) > 0 && published < 8_000) {
      const batch = redis.pipeline();
      for (let i = 0; i < 100; i++, published++) {
        const event = {
          type: "job:log",
          v: 1,
          at: new Date().toISOString(),
          sessionId: session.id,
          jobId: "job_slowconsumer000000000000",
          level: "info",
          message,
        };
        batch.xadd(streamKey, "MAXLEN", "~", 1000, "*", "type", event.type, "data", JSON.stringify(event));
      }
      await batch.exec();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually(async () => ((await sseClients(stack)) === 0 ? true : undefined), 20_000, "the drop");
    const after = await rssBytes(stack.apis[0]!.pid);
    // The backlog is bounded by SSE_MAX_BUFFERED_BYTES plus socket buffers, not by what was published.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
    await redis.quit();
    socket.destroy();
  });

  it("1,000 idle SSE clients cost a bounded amount of api memory each", async () => {
    const session = await stack.client().createSession();
    const pid = stack.apis[0]!.pid;
    const sockets: Socket[] = [];
    // Warm up the route so the first client does not carry one-time costs.
    for (let i = 0; i < 20; i++) sockets.push(await stalledSseClient(stack.apiPorts[0]!, session.id));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await rssBytes(pid);
    const clients = 1_000;
    for (let i = 0; i < clients; i++) sockets.push(await stalledSseClient(stack.apiPorts[0]!, session.id));
    await eventually(
      async () => ((await sseClients(stack)) >= clients + 20 ? true : undefined),
      20_000,
      "the api to count the clients",
    );
    const after = await rssBytes(pid);
    const perClient = (after - before) / clients;
    expect(perClient).toBeLessThan(50 * 1024);
    for (const socket of sockets) socket.destroy();
  });
});
