/**
 * One of the fan-out benchmark's client processes (forked by bench-fanout.ts): holds `count` SSE
 * clients on the session, so a busy event loop here delays only its share of the reads.
 * Messages: parent → "drop" (a tenth of the clients cut and resume), "expect" (the publisher is
 * done: report once every client has that many events or deliveries stall), "close".
 */
import { LatencyHistogram } from "./latency-histogram.js";
import { type FanClientTally, SseFanClient } from "./sse-fan-client.js";

export interface FanClientsConfig {
  host: string;
  port: number;
  path: string;
  count: number;
  eventType: string;
}

export type ToFanClients = { type: "drop" } | { type: "expect"; events: number } | { type: "close" };
export type FromFanClients =
  | { type: "connected" }
  | {
      type: "report";
      clients: (FanClientTally & { dropped: boolean })[];
      latencies: [number, number][];
    };

/** Deliveries stalled this long: report what arrived (the missing events count as lost). */
const STALL_MS = 30_000;
const CONNECT_WAVE = 100;
const READ_BUFFER_BYTES = 256 * 1024;

const config = JSON.parse(process.argv[2] ?? "") as FanClientsConfig;
const send = (message: FromFanClients) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const latencies = new LatencyHistogram();
const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
const eventLine = Buffer.from(`event: ${config.eventType}\n`);
const clients = Array.from(
  { length: config.count },
  () => new SseFanClient(config, eventLine, latencies, readBuffer),
);
const isDropper = (index: number) => index % 10 === 0;

async function report(events: number): Promise<void> {
  let delivered = -1;
  let progressAt = Date.now();
  while (clients.some((client) => client.tally.ascending < events) && Date.now() - progressAt < STALL_MS) {
    const now = clients.reduce((sum, client) => sum + client.tally.received, 0);
    if (now !== delivered) [delivered, progressAt] = [now, Date.now()];
    await sleep(100);
  }
  send({
    type: "report",
    clients: clients.map((client, index) => ({ ...client.tally, dropped: isDropper(index) })),
    latencies: latencies.toPairs(),
  });
}

process.on("message", (message: ToFanClients) => {
  if (message.type === "drop") {
    for (const [index, client] of clients.entries()) if (isDropper(index)) client.drop();
  } else if (message.type === "expect") void report(message.events);
  else if (message.type === "close") {
    for (const client of clients) client.close();
    process.disconnect();
  }
});

for (let i = 0; i < clients.length; i += CONNECT_WAVE)
  await Promise.all(clients.slice(i, i + CONNECT_WAVE).map((client) => client.connect()));
send({ type: "connected" });
