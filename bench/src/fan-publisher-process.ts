/**
 * The fan-out benchmark's publisher (forked by bench-fanout.ts): appends job:log events to the
 * session's stream with the runtime's EventLog at a fixed rate, in its own process so the clients'
 * reads never hold back its schedule. Messages: parent → "start", "close"; → parent "half" (half
 * the events are out: time for the drops), "published".
 */
import { redisKeys } from "@assay/contracts";
import { EventLog, newJobId } from "@assay/runtime";
import { Redis } from "ioredis";
import { EMPTY_ID_HASH, foldStreamId } from "./sse-fan-client.js";

export interface FanPublisherConfig {
  redisUrl: string;
  keyPrefix: string;
  sessionId: string;
  events: number;
  ratePerSecond: number;
  maxLen: number;
}

export type ToFanPublisher = { type: "start" } | { type: "close" };
export type FromFanPublisher =
  | { type: "half" }
  | {
      type: "published";
      events: number;
      /** foldStreamId over the ids in order: what every client must have seen. */
      hash: number;
      seconds: number;
      /** How far the slowest append fell behind its due time. */
      maxLagMs: number;
    };

/** Appends per MULTI: 1,000/s goes out as 10 events every 10 ms. */
const BATCHES_PER_SECOND = 100;

const config = JSON.parse(process.argv[2] ?? "") as FanPublisherConfig;
const send = (message: FromFanPublisher) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });

async function publish(): Promise<void> {
  const { events, ratePerSecond, sessionId } = config;
  const log = new EventLog(redis, redisKeys(config.keyPrefix), config.maxLen);
  const jobId = newJobId();
  const batch = Math.max(1, Math.round(ratePerSecond / BATCHES_PER_SECOND));
  let hash = EMPTY_ID_HASH;
  let maxLagMs = 0;
  const started = performance.now();
  for (let sent = 0; sent < events; ) {
    const size = Math.min(batch, events - sent);
    maxLagMs = Math.max(maxLagMs, performance.now() - started - (sent / ratePerSecond) * 1000);
    const multi = redis.multi();
    for (let i = 0; i < size; i++)
      log.appendTo(multi, { type: "job:log", sessionId, jobId, level: "info", message: `line ${sent + i}` });
    for (const [error, id] of (await multi.exec()) ?? []) {
      if (error) throw error;
      const [ms, seq] = (id as string).split("-").map(Number) as [number, number];
      hash = foldStreamId(hash, ms, seq);
    }
    if (sent < events / 2 && sent + size >= events / 2) send({ type: "half" });
    sent += size;
    const due = (sent / ratePerSecond) * 1000 - (performance.now() - started);
    if (due > 0) await sleep(due);
  }
  send({ type: "published", events, hash, seconds: (performance.now() - started) / 1000, maxLagMs });
}

process.on("message", (message: ToFanPublisher) => {
  if (message.type === "start") void publish();
  else if (message.type === "close") {
    redis.disconnect();
    process.disconnect();
  }
});
