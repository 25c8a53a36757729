import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AssayClient } from "@assay/client";
import type { AnalysisAccepted, AnalysisRequest } from "@assay/contracts";
import { newJobId, unlinkMatching } from "@assay/runtime";
import { type Job, Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { nanoid } from "nanoid";
import { type BenchStack, REDIS_URL, startBenchStack } from "./bench-stack.js";
import type { BenchRow } from "./result.js";
import { percentile, summarize } from "./stats.js";
import { uploadTrivialAnalysis } from "./trivial-analysis.js";

interface Latencies {
  started: number[];
  succeeded: number[];
}

const runClients = async (clients: number, perClient: number, task: (client: number) => Promise<unknown>) => {
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i++) await task(client);
    }),
  );
};

/** Closed loop over HTTP: each client submits to its own session and follows the job's SSE to its end. */
async function assayLatencies(
  bench: BenchStack,
  sessions: string[],
  requests: AnalysisRequest[],
  perClient: number,
) {
  const latencies: Latencies = { started: [], succeeded: [] };
  await runClients(sessions.length, perClient, async (c) => {
    const submitted = Date.now();
    const accepted = await bench.client.submitAnalysis(sessions[c] as string, requests[c] as AnalysisRequest);
    for await (const { event } of bench.client.jobEvents(accepted.jobId)) {
      if (event.type === "job:started") latencies.started.push(Date.parse(event.at) - submitted);
      if (event.type === "job:succeeded") latencies.succeeded.push(Date.parse(event.at) - submitted);
      if (event.type === "job:failed" && !event.willRetry)
        throw new Error(`job failed: ${event.error.message}`);
    }
  });
  return latencies;
}

/** The same loop on raw BullMQ: add, then wait for the no-op job's `completed` event. */
async function bullmqLatencies(queue: Queue, events: QueueEvents, clients: number, perClient: number) {
  const latencies: Latencies = { started: [], succeeded: [] };
  await runClients(clients, perClient, async () => {
    const submitted = Date.now();
    const job = await queue.add("noop", { query: "summary" }, { jobId: nanoid() });
    await job.waitUntilFinished(events, 30_000);
    const done = (await queue.getJob(job.id as string)) as Job;
    latencies.started.push((done.processedOn ?? Number.NaN) - submitted);
    latencies.succeeded.push((done.finishedOn ?? Number.NaN) - submitted);
  });
  return latencies;
}

/**
 * A bare node:http server that answers every request with a fixed, valid 202 submit answer: the
 * same client against it gives the most submits per second any HTTP api could reach on this machine.
 */
async function startBareHttp(): Promise<{ client: AssayClient; close: () => Promise<void> }> {
  const jobId = newJobId();
  const body = JSON.stringify({
    jobId,
    status: "queued",
    links: {
      self: `/v1/jobs/${jobId}`,
      events: `/v1/jobs/${jobId}/events`,
      report: `/v1/jobs/${jobId}/report`,
    },
  } satisfies AnalysisAccepted);
  const server = createServer((request, response) => {
    request
      .resume()
      .on("end", () => response.writeHead(202, { "content-type": "application/json" }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    client: new AssayClient({ baseUrl: `http://127.0.0.1:${port}` }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Submits (HTTP 202) or adds per second from `clients` concurrent loops, `total` in all. */
async function throughput(clients: number, total: number, submit: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await runClients(clients, Math.ceil(total / clients), submit);
  return (clients * Math.ceil(total / clients)) / ((performance.now() - started) / 1000);
}

async function readySessions(bench: BenchStack, count: number) {
  const sessions: string[] = [];
  const requests: AnalysisRequest[] = [];
  // A few at a time: dozens of workers starting at once on 2 cores starve the api's Redis calls.
  for (let batch = 0; batch < count; batch += 4)
    await Promise.all(
      Array.from({ length: Math.min(4, count - batch) }, async () => {
        const session = await bench.client.createSession();
        await bench.client.waitForSession(session.id, { timeoutMs: 120_000 });
        const request = await uploadTrivialAnalysis(bench.client, session.id);
        // One untimed job first, as the peer's worker is ready before it is timed: a worker is ready
        // at its first heartbeat and loads its queue consumer after, which the first job would wait for.
        const warmUp = await bench.client.submitAnalysis(session.id, request);
        await bench.client.waitForJob(warmUp.jobId, { timeoutMs: 120_000 });
        sessions.push(session.id);
        requests.push(request);
      }),
    );
  return { sessions, requests };
}

/**
 * Queue overhead: submit→started/succeeded at 1 and `wide` concurrent clients, against raw BullMQ
 * with a no-op processor; then submit throughput against raw `add` throughput.
 */
export async function benchQueue(
  options: { wide: number; perClient: number; rounds: number; throughputTotal: number },
  say: (line: string) => void,
): Promise<BenchRow[]> {
  const { wide, perClient, rounds, throughputTotal } = options;
  // All worker slots go to the latency sessions, so the throughput session waits in line with no
  // worker draining it: its submits then measure the api alone, as raw `add` measures BullMQ alone.
  const bench = await startBenchStack({ MAX_WORKERS: String(wide) });
  const rawPrefix = `bench-raw-${nanoid(8)}`;
  // BullMQ leaves connections it was given open: keep them to close them ourselves.
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const eventsConnection = connection.duplicate();
  const workerConnection = connection.duplicate();
  const queue = new Queue("noop", { connection, prefix: rawPrefix });
  // Each job awaited with waitUntilFinished listens for the queue closing: `wide` of them at once.
  queue.setMaxListeners(wide + 10);
  const events = new QueueEvents("noop", { connection: eventsConnection, prefix: rawPrefix });
  const worker = new Worker("noop", async () => {}, {
    connection: workerConnection,
    prefix: rawPrefix,
    concurrency: wide,
  });
  try {
    await events.waitUntilReady();
    await worker.waitUntilReady();
    say(`queue: starting ${wide} sessions`);
    const { sessions, requests } = await readySessions(bench, wide);
    say(`queue: ${wide} sessions ready`);
    const rows: BenchRow[] = [];
    for (const clients of [1, wide]) {
      const perRound = { assay: { p50: [] as number[], p99: [] as number[], done: [] as number[] } };
      const peer = { p50: [] as number[], p99: [] as number[], done: [] as number[] };
      const jobs = clients === 1 ? perClient * 4 : perClient;
      for (let round = 0; round < rounds; round++) {
        const a = await assayLatencies(bench, sessions.slice(0, clients), requests.slice(0, clients), jobs);
        const b = await bullmqLatencies(queue, events, clients, jobs);
        perRound.assay.p50.push(percentile(a.started, 50));
        perRound.assay.p99.push(percentile(a.started, 99));
        perRound.assay.done.push(percentile(a.succeeded, 50));
        peer.p50.push(percentile(b.started, 50));
        peer.p99.push(percentile(b.started, 99));
        peer.done.push(percentile(b.succeeded, 50));
        say(
          `queue c=${clients} round ${round + 1}: started p50 ${perRound.assay.p50.at(-1)} ms p99 ${perRound.assay.p99.at(-1)} ms ` +
            `(bullmq ${peer.p50.at(-1)} / ${peer.p99.at(-1)} ms), ${a.started.length} jobs`,
        );
      }
      const row = (
        figure: string,
        assay: number[],
        raw: number[],
        goal: string,
        limit?: number,
      ): BenchRow => {
        const value = summarize(assay);
        return {
          section: "queue",
          figure: `${figure}, ${clients} client${clients > 1 ? "s" : ""} × ${jobs} jobs`,
          unit: "ms",
          better: "lower",
          assay: value,
          peer: { name: "BullMQ add→active/completed, no-op", value: summarize(raw) },
          goal,
          met: limit === undefined ? null : value.median <= limit,
        };
      };
      rows.push(
        row("submit→job:started p50", perRound.assay.p50, peer.p50, "p50 ≤ 5 ms", 5),
        row("submit→job:started p99", perRound.assay.p99, peer.p99, "p99 ≤ 25 ms", 25),
        row("submit→job:succeeded p50 (trivial analysis)", perRound.assay.done, peer.done, "(no goal)"),
      );
    }
    // A failure here (the api shedding load with 503 under overload, say) keeps the latency rows.
    try {
      const waiting = await bench.client.createSession();
      const request = await uploadTrivialAnalysis(bench.client, waiting.id);
      const apiRates: number[] = [];
      const rawRates: number[] = [];
      const bareRates: number[] = [];
      const bare = await startBareHttp();
      for (let round = 0; round < rounds; round++) {
        apiRates.push(
          await throughput(wide, throughputTotal, () => bench.client.submitAnalysis(waiting.id, request)),
        );
        bareRates.push(
          await throughput(wide, throughputTotal, () => bare.client.submitAnalysis(waiting.id, request)),
        );
        await worker.pause();
        rawRates.push(
          await throughput(wide, throughputTotal, () => queue.add("noop", {}, { jobId: nanoid() })),
        );
        worker.resume();
        say(
          `queue throughput round ${round + 1}: api ${apiRates.at(-1)?.toFixed(0)}/s, bare http ${bareRates.at(-1)?.toFixed(0)}/s, raw ${rawRates.at(-1)?.toFixed(0)}/s`,
        );
      }
      await bare.close();
      const api = summarize(apiRates);
      const raw = summarize(rawRates);
      const ceiling = summarize(bareRates);
      rows.push({
        section: "queue",
        figure: `submit throughput, ${wide} concurrent clients × ${throughputTotal} submits`,
        unit: "/s",
        better: "higher",
        assay: api,
        peer: { name: "BullMQ add", value: raw },
        goal: "≥ 50% of raw add",
        met: api.median >= 0.5 * raw.median,
      });
      rows.push({
        section: "queue",
        figure: `submit throughput ceiling: the same client × ${wide} against a bare node:http server answering 202 (no api work)`,
        unit: "/s",
        better: "higher",
        assay: ceiling,
        peer: { name: "BullMQ add", value: raw },
        goal: "(reference)",
        met: null,
      });
    } catch (error) {
      rows.push({
        section: "queue",
        figure: `submit throughput, ${wide} concurrent clients × ${throughputTotal} submits`,
        unit: "/s",
        better: "higher",
        assay: null,
        peer: null,
        goal: "≥ 50% of raw add",
        met: null,
        note: `failed: ${(error as Error).message.split("\n")[0]}`,
      });
    }
    return rows;
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await unlinkMatching(connection, `${rawPrefix}:*`);
    for (const redis of [connection, eventsConnection, workerConnection]) redis.disconnect();
    await bench.close();
  }
}
