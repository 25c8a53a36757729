import { readFile } from "node:fs/promises";
import http from "node:http";
import { redisKeys } from "@assay/contracts";
import { EventLog, newJobId } from "@assay/runtime";
import { startBenchStack } from "./bench-stack.js";
import type { BenchRow } from "./result.js";
import { SseFanClient } from "./sse-fan-client.js";
import { percentile, summarize } from "./stats.js";

const EVENTS_MAX_LEN = 200_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Live-log fan-out: `clients` SSE clients on one session while `events` job:log events are appended
 * to its stream through the runtime's EventLog at `ratePerSecond`. A tenth of the clients drop their
 * connection halfway and resume with Last-Event-ID; every client must end with exactly the
 * published ids, in order.
 */
export async function benchFanout(
  options: { clients: number; events: number; ratePerSecond: number },
  say: (line: string) => void,
): Promise<BenchRow[]> {
  const { clients, events, ratePerSecond } = options;
  const bench = await startBenchStack({ EVENTS_MAX_LEN: String(EVENTS_MAX_LEN) });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const fan: SseFanClient[] = [];
  try {
    const session = await bench.client.createSession();
    await bench.client.waitForSession(session.id, { timeoutMs: 60_000 });
    const url = `${bench.stack.apiUrl}/v1/sessions/${session.id}/events`;
    for (let i = 0; i < clients; i++) fan.push(new SseFanClient(url, "job:log", agent));
    for (let i = 0; i < clients; i += 100) await Promise.all(fan.slice(i, i + 100).map((c) => c.connect()));
    await sleep(500);
    say(`fan-out: ${clients} clients connected`);

    const log = new EventLog(bench.redis, redisKeys(bench.keyPrefix), EVENTS_MAX_LEN);
    const jobId = newJobId();
    const published: string[] = [];
    const apiPid = bench.stack.services.api?.pid as number;
    const cpuBefore = { bench: process.cpuUsage(), api: await cpuSeconds(apiPid) };
    const started = performance.now();
    const batch = Math.max(1, Math.round(ratePerSecond / 100));
    const droppers = fan.filter((_, i) => i % 10 === 0);
    for (let sent = 0; sent < events; sent += batch) {
      const multi = bench.redis.multi();
      const size = Math.min(batch, events - sent);
      for (let i = 0; i < size; i++)
        log.appendTo(multi, {
          type: "job:log",
          sessionId: session.id,
          jobId,
          level: "info",
          message: `line ${sent + i}`,
        });
      for (const [error, id] of (await multi.exec()) ?? []) {
        if (error) throw error;
        published.push(id as string);
      }
      if (sent < events / 2 && sent + batch >= events / 2) for (const client of droppers) client.drop();
      const due = ((sent + size) / ratePerSecond) * 1000 - (performance.now() - started);
      if (due > 0) await sleep(due);
    }
    const publishSeconds = (performance.now() - started) / 1000;
    // Wait for the stragglers while deliveries still progress; 30 s without any ends the wait.
    let delivered = -1;
    let progressAt = Date.now();
    while (fan.some((c) => c.stats.ids.length < published.length) && Date.now() - progressAt < 30_000) {
      const now = fan.reduce((sum, c) => sum + c.stats.ids.length, 0);
      if (now !== delivered) [delivered, progressAt] = [now, Date.now()];
      await sleep(100);
    }
    const wall = (performance.now() - started) / 1000;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const apiCpu = (await cpuSeconds(apiPid)) - cpuBefore.api;
    const clientCpuShare = (benchCpu.user + benchCpu.system) / 1e6 / wall;

    const latencies = fan.flatMap((c) => c.stats.latenciesMs);
    const lost = fan.reduce((sum, c) => sum + Math.max(0, published.length - new Set(c.stats.ids).size), 0);
    const exact = (c: SseFanClient) =>
      c.stats.ids.length === published.length && c.stats.ids.every((id, i) => id === published[i]);
    const replayedExactly = droppers.filter(exact).length;
    const serverCuts = fan.reduce((sum, c) => sum + c.stats.reconnects, 0) - droppers.length;
    say(
      `fan-out: published ${published.length} in ${publishSeconds.toFixed(1)} s, p50 ${percentile(latencies, 50)} ms, ` +
        `p99 ${percentile(latencies, 99)} ms, lost ${lost}, replays exact ${replayedExactly}/${droppers.length}, ` +
        `server cuts ${serverCuts}, client CPU ${(clientCpuShare * 100).toFixed(0)}% of a core, api ${((apiCpu / wall) * 100).toFixed(0)}%`,
    );
    const shape = `${clients} clients × ${events} events at ${ratePerSecond}/s`;
    const note = `client process used ${(clientCpuShare * 100).toFixed(0)}% of a core, the api ${((apiCpu / wall) * 100).toFixed(0)}% (2 cores shared)`;
    const single = (value: number, count: number) => ({ ...summarize([value]), runs: count });
    return [
      {
        section: "fan-out",
        figure: `delivery latency p50, ${shape}`,
        unit: "ms",
        better: "lower",
        assay: single(percentile(latencies, 50), latencies.length),
        peer: null,
        goal: "(no goal)",
        met: null,
        note,
      },
      {
        section: "fan-out",
        figure: `delivery latency p99, ${shape}`,
        unit: "ms",
        better: "lower",
        assay: single(percentile(latencies, 99), latencies.length),
        peer: null,
        goal: "p99 ≤ 100 ms",
        met: percentile(latencies, 99) <= 100,
      },
      {
        section: "fan-out",
        figure: `events lost (of ${published.length * clients} deliveries)`,
        unit: "events",
        better: "lower",
        assay: single(lost, 1),
        peer: null,
        goal: "0 lost",
        met: lost === 0,
        note: serverCuts > 0 ? `${serverCuts} server-side disconnects, resumed by Last-Event-ID` : undefined,
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
    for (const client of fan) client.close();
    agent.destroy();
    await bench.close();
  }
}
