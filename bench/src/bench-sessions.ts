import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchStack, startBenchStack } from "./bench-stack.js";
import type { BenchRow } from "./result.js";
import { percentile, summarize } from "./stats.js";

const PODMAN_SOCKET = path.join(process.env.ASSAY_PODMAN_DIR ?? "/tmp/assay-podman", "podman.sock");
const WORKER_IMAGE = "localhost/assay-worker:latest";
const SCHEDULER_ENV_JS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../services/scheduler/dist/env.js",
);

/** Start time of one session: POST /v1/sessions until its `session:ready` event (server clock). */
async function startOne(bench: BenchStack): Promise<number> {
  const submitted = Date.now();
  const session = await bench.client.createSession();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    for await (const { event } of bench.client.sessionEvents(session.id, { signal: controller.signal })) {
      if (event.type === "session:ready") return Date.parse(event.at) - submitted;
      if (event.type === "session:failed") throw new Error(`session failed: ${event.reason}`);
    }
    throw new Error(`session ${session.id} was not ready within 60 s`);
  } finally {
    clearTimeout(timer);
    controller.abort();
    await bench.client.deleteSession(session.id);
  }
}

async function sessionRows(
  label: string,
  env: Record<string, string>,
  count: number,
  goal: string,
  limit?: number,
) {
  const bench = await startBenchStack(env);
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await startOne(bench));
    const row = (figure: string, value: number, withGoal: boolean): BenchRow => ({
      section: "session start",
      figure: `${label} ${figure} over ${count} sessions (POST → session:ready)`,
      unit: "ms",
      better: "lower",
      assay: { ...summarize([value]), runs: count },
      peer: null,
      goal: withGoal ? goal : "(no goal)",
      met: withGoal && limit !== undefined ? value <= limit : null,
    });
    return [row("p50", percentile(times, 50), true), row("p99", percentile(times, 99), false)];
  } finally {
    await bench.close();
  }
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

/** Why the docker runtime cannot be measured here, or undefined when it can. */
function dockerUnavailable(): string | undefined {
  if (!existsSync(PODMAN_SOCKET))
    return `no podman API socket at ${PODMAN_SOCKET} (run scripts/containers/setup.sh)`;
  // The image and network are checked by starting a session: its failure reason becomes the row's.
  return undefined;
}

/** Why the scheduler has no warm pool to measure, or undefined when its env offers one. */
async function warmPoolUnavailable(): Promise<string | undefined> {
  const source = await readFile(SCHEDULER_ENV_JS, "utf8").catch(() => "");
  return /POOL/.test(source)
    ? undefined
    : "the scheduler has no warm-pool setting yet (DockerWarmPool in services/scheduler/src/runtimes/docker-warm-pool.ts is not wired into services/scheduler/src/env.ts or main.ts)";
}

/** Session start: process runtime always; docker cold and warm pool when this machine can run them. */
export async function benchSessions(count: number, say: (line: string) => void): Promise<BenchRow[]> {
  const rows = await sessionRows("process runtime (cold)", {}, count, "cold process ≤ 300 ms", 300);
  say(`sessions: process p50 ${rows[0]?.assay?.median.toFixed(0)} ms`);
  const dockerReason = dockerUnavailable();
  const dockerEnv = {
    RUNTIME: "docker",
    DOCKER_HOST: `unix://${PODMAN_SOCKET}`,
    WORKER_IMAGE,
    WORKER_NETWORK: "host",
  };
  let dockerFailure = dockerReason;
  if (dockerReason) rows.push(unavailable("docker runtime (cold)", "(no goal)", dockerReason));
  else {
    try {
      rows.push(...(await sessionRows("docker runtime (cold)", dockerEnv, Math.min(count, 10), "(no goal)")));
      say(`sessions: docker cold p50 ${rows.at(-2)?.assay?.median.toFixed(0)} ms`);
    } catch (error) {
      dockerFailure = (error as Error).message.split("\n")[0] ?? "";
      rows.push(unavailable("docker runtime (cold)", "(no goal)", dockerFailure));
    }
  }
  // The pool runs on the docker runtime: whatever stops one stops the other.
  const warmReason =
    dockerFailure ?? (await warmPoolUnavailable()) ?? "the bench does not yet set the scheduler's pool size";
  rows.push(unavailable("docker warm pool", "warm-pool p50 ≤ 50 ms", warmReason));
  return rows;
}
