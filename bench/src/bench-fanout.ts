import { type ChildProcess, fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import { REDIS_URL, startBenchStack } from "./bench-stack.js";
import type { FanClientsConfig, FromFanClients, ToFanClients } from "./fan-clients-process.js";
import type { FanPublisherConfig, FromFanPublisher, ToFanPublisher } from "./fan-publisher-process.js";
import { LatencyHistogram } from "./latency-histogram.js";
import type { BenchRow } from "./result.js";
import { summarize } from "./stats.js";

const EVENTS_MAX_LEN = 200_000;
/** Clients per client process: a thousand clients read in four event loops. */
const CLIENTS_PER_PROCESS = 250;

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A forked bench process and the messages it sends, awaited by type; its early exit rejects the wait. */
class BenchChild<To, From extends { type: string }> {
  readonly process: ChildProcess;
  private readonly received: From[] = [];
  private waiting: (() => void) | undefined;
  private exited: Error | undefined;

  constructor(file: string, config: object) {
    this.process = fork(new URL(file, import.meta.url), [JSON.stringify(config)], { stdio: "inherit" });
    this.process.on("message", (message: From) => {
      this.received.push(message);
      this.waiting?.();
    });
    this.process.once("exit", (code, signal) => {
      this.exited = new Error(`${file} exited with ${code ?? signal}`);
      this.waiting?.();
    });
  }

  get pid(): number {
    return this.process.pid as number;
  }

  send(message: To): void {
    this.process.send(message as object);
  }

  async next<T extends From["type"]>(type: T): Promise<Extract<From, { type: T }>> {
    for (;;) {
      const index = this.received.findIndex((message) => message.type === type);
      if (index >= 0) return this.received.splice(index, 1)[0] as Extract<From, { type: T }>;
      if (this.exited) throw this.exited;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  stop(): void {
    if (this.process.exitCode === null && this.process.connected) this.send({ type: "close" } as To);
    setTimeout(() => this.process.kill(), 5_000).unref();
  }
}

type ClientsChild = BenchChild<ToFanClients, FromFanClients>;
type PublisherChild = BenchChild<ToFanPublisher, FromFanPublisher>;

/**
 * Live-log fan-out: `clients` SSE clients on one session while `events` job:log events are appended
 * to its stream through the runtime's EventLog at `ratePerSecond`. The clients live in their own
 * processes (CLIENTS_PER_PROCESS each) and so does the publisher, so neither the readers nor this
 * process hold back the publisher's schedule. A tenth of the clients drop their connection halfway
 * and resume with Last-Event-ID; every client must end with exactly the published ids, in order
 * (count and an order-sensitive hash of the ids, compared with the publisher's).
 * Latency = receive time − the event's stream id time (Redis's clock at XADD): see sse-fan-client.ts.
 */
export async function benchFanout(
  options: { clients: number; events: number; ratePerSecond: number },
  say: (line: string) => void,
): Promise<BenchRow[]> {
  const { clients, events, ratePerSecond } = options;
  const bench = await startBenchStack({ EVENTS_MAX_LEN: String(EVENTS_MAX_LEN) });
  const fans: ClientsChild[] = [];
  let publisher: PublisherChild | undefined;
  try {
    const session = await bench.client.createSession();
    await bench.client.waitForSession(session.id, { timeoutMs: 60_000 });
    const api = new URL(bench.stack.apiUrl);
    const processes = Math.ceil(clients / CLIENTS_PER_PROCESS);
    for (let i = 0; i < processes; i++) {
      const config: FanClientsConfig = {
        host: api.hostname,
        port: Number(api.port),
        path: `/v1/sessions/${session.id}/events`,
        count: Math.floor(clients / processes) + (i < clients % processes ? 1 : 0),
        eventType: "job:log",
      };
      fans.push(new BenchChild("./fan-clients-process.js", config));
    }
    await Promise.all(fans.map((fan) => fan.next("connected")));
    const publisherConfig: FanPublisherConfig = {
      redisUrl: REDIS_URL,
      keyPrefix: bench.keyPrefix,
      sessionId: session.id,
      events,
      ratePerSecond,
      maxLen: EVENTS_MAX_LEN,
    };
    publisher = new BenchChild("./fan-publisher-process.js", publisherConfig);
    say(`fan-out: ${clients} clients connected in ${processes} processes`);

    const apiPid = bench.stack.services.api?.pid as number;
    const pids = { api: [apiPid], clients: fans.map((fan) => fan.pid), publisher: [publisher.pid] };
    const cpuOf = async (group: number[]) =>
      (await Promise.all(group.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    const cpuBefore = {
      api: await cpuOf(pids.api),
      clients: await cpuOf(pids.clients),
      publisher: await cpuOf(pids.publisher),
    };
    const started = performance.now();
    publisher.send({ type: "start" });
    await publisher.next("half");
    for (const fan of fans) fan.send({ type: "drop" });
    const published = await publisher.next("published");
    for (const fan of fans) fan.send({ type: "expect", events: published.events });
    const reports = await Promise.all(fans.map((fan) => fan.next("report")));
    const wall = (performance.now() - started) / 1000;
    // CPU seconds over the run and as a share of one core of the wall time: seconds compare runs
    // whose wall time the machine's other load stretched.
    const used = async (group: number[], before: number) => {
      const seconds = (await cpuOf(group)) - before;
      return `${Math.round((seconds / wall) * 100)}% (${seconds.toFixed(1)} s)`;
    };
    const cpu = {
      clients: await used(pids.clients, cpuBefore.clients),
      api: await used(pids.api, cpuBefore.api),
      publisher: await used(pids.publisher, cpuBefore.publisher),
    };

    const latencies = new LatencyHistogram();
    for (const report of reports) latencies.addPairs(report.latencies);
    const tallies = reports.flatMap((report) => report.clients);
    const lost = tallies.reduce((sum, tally) => sum + Math.max(0, published.events - tally.ascending), 0);
    const droppers = tallies.filter((tally) => tally.dropped);
    const exact = (tally: (typeof tallies)[number]) =>
      tally.received === published.events && tally.hash === published.hash;
    const replayedExactly = droppers.filter(exact).length;
    const allExact = tallies.filter(exact).length;
    const serverCuts = tallies.reduce((sum, tally) => sum + tally.reconnects, 0) - droppers.length;
    const [p50, p99] = [latencies.percentile(50), latencies.percentile(99)];
    const cpuNote =
      `CPU, share of a core (seconds): ${processes} client processes ${cpu.clients}, api ${cpu.api}, publisher ${cpu.publisher} ` +
      `(2 cores shared); the publisher took ${published.seconds.toFixed(1)} s, at most ${Math.round(published.maxLagMs)} ms behind`;
    say(
      `fan-out: published ${published.events} in ${published.seconds.toFixed(1)} s (max lag ${Math.round(published.maxLagMs)} ms), ` +
        `p50 ${p50} ms, p99 ${p99} ms, max ${latencies.percentile(100)} ms, lost ${lost}, exact ${allExact}/${tallies.length}, ` +
        `replays exact ${replayedExactly}/${droppers.length}, server cuts ${serverCuts}, ` +
        `CPU: clients ${cpu.clients}, api ${cpu.api}, publisher ${cpu.publisher}`,
    );
    const shape = `${clients} clients × ${events} events at ${ratePerSecond}/s`;
    const single = (value: number, count: number) => ({ ...summarize([value]), runs: count });
    return [
      {
        section: "fan-out",
        figure: `delivery latency p50, ${shape}`,
        unit: "ms",
        better: "lower",
        assay: single(p50, latencies.total),
        peer: null,
        goal: "(no goal)",
        met: null,
        note: cpuNote,
      },
      {
        section: "fan-out",
        figure: `delivery latency p99, ${shape}`,
        unit: "ms",
        better: "lower",
        assay: single(p99, latencies.total),
        peer: null,
        goal: "p99 ≤ 100 ms",
        met: p99 <= 100,
      },
      {
        section: "fan-out",
        figure: `events lost (of ${published.events * clients} deliveries)`,
        unit: "events",
        better: "lower",
        assay: single(lost, 1),
        peer: null,
        goal: "0 lost",
        met: lost === 0 && allExact === tallies.length,
        note:
          [
            allExact < tallies.length
              ? `${tallies.length - allExact} clients did not end with exactly the published ids`
              : "",
            serverCuts > 0 ? `${serverCuts} server-side disconnects, resumed by Last-Event-ID` : "",
          ]
            .filter(Boolean)
            .join("; ") || undefined,
      },
      {
        section: "fan-out",
        figure: `Last-Event-ID reconnects replayed exactly (of ${droppers.length})`,
        unit: "clients",
        better: "higher",
        assay: single(replayedExactly, 1),
        peer: null,
        goal: "all exact",
        met: replayedExactly === droppers.length,
      },
    ];
  } finally {
    publisher?.stop();
    for (const fan of fans) fan.stop();
    await bench.close();
  }
}
