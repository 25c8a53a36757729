import { setTimeout as sleep } from "node:timers/promises";
import { isNotFound } from "@assay/client";
import { type BenchStack, startBenchStack } from "./bench-stack.js";
import { podmanUnavailable, startPodmanRedis, WORKER_IMAGE } from "./podman-redis.js";
import type { BenchRow } from "./result.js";
import { percentile, summarize } from "./stats.js";
import { uploadTrivialAnalysis } from "./trivial-analysis.js";

/** The warm-pool size of the warm rows: sessions still start one at a time, each on an idle container. */
const WARM_POOL_SIZE = 4;

/**
 * Waits (untimed) until a deleted session is purged, which happens after its worker stopped: the
 * next session's start is measured without the previous worker's shutdown on the same cores.
 */
async function untilPurged(bench: BenchStack, sessionId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      await bench.client.getSession(sessionId);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    await sleep(50);
  }
  throw new Error(`session ${sessionId} was not purged within 60 s of its deletion`);
}

interface StartTimes {
  /** POST /v1/sessions → `session:ready` (server clock). */
  ready: number;
  /**
   * POST → the first job's `job:started`, the client uploading and submitting right after the
   * POST: a worker is ready at its first heartbeat and loads its queue consumer after, so this
   * shows what that ready leaves for the first job.
   */
  firstJob: number;
}

/** One session: POST, upload and submit at once, and the times of `session:ready` and `job:started`. */
async function startOne(bench: BenchStack): Promise<StartTimes> {
  const submitted = Date.now();
  const session = await bench.client.createSession();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    const job = uploadTrivialAnalysis(bench.client, session.id).then((request) =>
      bench.client.submitAnalysis(session.id, request),
    );
    // A refused upload or submit ends the wait for the events with its error.
    job.catch((error: unknown) => controller.abort(error));
    let ready: number | undefined;
    for await (const { event } of bench.client.sessionEvents(session.id, { signal: controller.signal })) {
      if (event.type === "session:ready") ready = Date.parse(event.at) - submitted;
      if (event.type === "session:failed") throw new Error(`session failed: ${event.reason}`);
      if (event.type === "job:started" && ready !== undefined && event.jobId === (await job).jobId)
        return { ready, firstJob: Date.parse(event.at) - submitted };
    }
    await job; // a refused upload or submit ended the wait: its error says why
    throw new Error(`session ${session.id} had not started its first job within 60 s`);
  } finally {
    clearTimeout(timer);
    controller.abort();
    await bench.client.deleteSession(session.id);
    await untilPurged(bench, session.id);
  }
}

/**
 * Waits until every pooled container waits for its assignment (its `assay-pool:<slot>` connection
 * is in BLPOP), so the next session measures a warm start, neither a cold start through an empty
 * pool nor one beside the refill of the previous session's container booting on the same cores.
 */
async function untilPoolFull(bench: BenchStack): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const clients = (await bench.redis.call("CLIENT", "LIST")) as string;
    if ((clients.match(/ name=assay-pool:\S+ .* cmd=blpop /g) ?? []).length >= WARM_POOL_SIZE) return;
    await sleep(100);
  }
  throw new Error(`the warm pool had not ${WARM_POOL_SIZE} idle containers within 120 s`);
}

interface SessionRun {
  label: string;
  env: Record<string, string>;
  count: number;
  goal: string;
  limit?: number;
  /** Waited for before each session (not timed). */
  beforeEach?: (bench: BenchStack) => Promise<void>;
  /** After the stack closed: fails when it left something behind. */
  leakGuard?: (bench: BenchStack) => Promise<void>;
}

async function sessionRows(run: SessionRun): Promise<BenchRow[]> {
  const bench = await startBenchStack(run.env);
  const times: StartTimes[] = [];
  try {
    for (let i = 0; i < run.count; i++) {
      await run.beforeEach?.(bench);
      times.push(await startOne(bench));
    }
  } finally {
    await bench.close();
    await run.leakGuard?.(bench);
  }
  const row = (figure: string, value: number, withGoal: boolean, until = "session:ready"): BenchRow => ({
    section: "session start",
    figure: `${run.label} ${figure} over ${run.count} sessions (POST → ${until})`,
    unit: "ms",
    better: "lower",
    assay: { ...summarize([value]), runs: run.count },
    peer: null,
    goal: withGoal ? run.goal : "(no goal)",
    met: withGoal && run.limit !== undefined ? value <= run.limit : null,
  });
  const ready = times.map((t) => t.ready);
  const firstJob = times.map((t) => t.firstJob);
  return [
    row("p50", percentile(ready, 50), true),
    row("p99", percentile(ready, 99), false),
    row("p50", percentile(firstJob, 50), false, "first job:started, uploading and submitting at once"),
  ];
}

const unavailable = (label: string, goal: string, reason: string): BenchRow => ({
  section: "session start",
  figure: `${label} p50`,
  unit: "ms",
  better: "lower",
  assay: null,
  peer: null,
  goal,
  met: null,
  note: `not available: ${reason}`,
});

/** A row's note from an error: its first line. */
const reasonOf = (error: unknown) => (error as Error).message.split("\n")[0] ?? String(error);

/**
 * Docker cold and warm pool, on an internal podman network with a Redis container on it (the api,
 * scheduler and bench reach that Redis at its network address, as workers do).
 */
async function dockerRows(count: number, say: (line: string) => void): Promise<BenchRow[]> {
  const cold = { label: "docker runtime (cold)", goal: "(no goal)" };
  const warm = { label: "docker warm pool", goal: "warm-pool p50 ≤ 50 ms", limit: 50 };
  const reason = await podmanUnavailable();
  if (reason) return [unavailable(cold.label, cold.goal, reason), unavailable(warm.label, warm.goal, reason)];
  const podman = await startPodmanRedis();
  const rows: BenchRow[] = [];
  try {
    const env = {
      RUNTIME: "docker",
      DOCKER_HOST: podman.dockerHost,
      WORKER_IMAGE,
      WORKER_NETWORK: podman.network,
      REDIS_URL: podman.redisUrl,
    };
    const leakGuard = async (bench: BenchStack) => {
      const left = await podman.workerContainers(`sched-${bench.keyPrefix}`);
      if (left.length > 0) throw new Error(`leak guard: worker containers left: ${left.join(", ")}`);
    };
    for (const run of [
      { ...cold, env },
      {
        ...warm,
        env: { ...env, WARM_POOL_SIZE: String(WARM_POOL_SIZE) },
        beforeEach: untilPoolFull,
      },
    ] satisfies Omit<SessionRun, "count">[]) {
      try {
        rows.push(...(await sessionRows({ ...run, count, leakGuard })));
        say(`sessions: ${run.label} p50 ${rows.at(-3)?.assay?.median.toFixed(0)} ms`);
      } catch (error) {
        rows.push(unavailable(run.label, run.goal, reasonOf(error)));
      }
    }
  } finally {
    await podman.close();
  }
  return rows;
}

/** Session start: process runtime always; docker cold and warm pool when this machine can run them. */
export async function benchSessions(count: number, say: (line: string) => void): Promise<BenchRow[]> {
  const rows = await sessionRows({
    label: "process runtime (cold)",
    env: {},
    count,
    goal: "cold process ≤ 300 ms",
    limit: 300,
  });
  say(`sessions: process p50 ${rows[0]?.assay?.median.toFixed(0)} ms`);
  return [...rows, ...(await dockerRows(count, say))];
}
