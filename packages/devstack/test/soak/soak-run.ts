import { readdir, readFile } from "node:fs/promises";
import { expect } from "vitest";
import { syntheticCsv } from "../datasets.js";
import { type FaultStack, waitFinal } from "../faults/fault-kit.js";
import { eventually } from "../stack-fixture.js";

interface Sample {
  rss: number;
  fds: number;
}

async function sample(pid: number): Promise<Sample> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return {
    rss: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024,
    fds: (await readdir(`/proc/${pid}/fd`)).length,
  };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** One user's life: a session, an upload, an analysis, a stream that drops, then deletion. */
async function cycle(stack: FaultStack, deleted: string[], round: number): Promise<void> {
  const client = stack.client();
  const session = await client.createSession();
  await client.waitForSession(session.id);
  const dataset = await client.uploadDataset(session.id, syntheticCsv(2_000 + (round % 5) * 500), {
    name: "soak.csv",
    contentType: "text/csv",
  });
  const { jobId } = await client.submitAnalysis(session.id, {
    datasetId: dataset.id,
    query: `soak ${round}`,
  });
  // A stream that connects and drops after its first few events.
  const controller = new AbortController();
  let seen = 0;
  for await (const _ of client.sessionEvents(session.id, { signal: controller.signal })) {
    if (++seen >= 3) controller.abort();
  }
  expect((await waitFinal(client, jobId)).status).toBe("succeeded");
  await client.deleteSession(session.id);
  deleted.push(session.id);
}

/**
 * Sessions created and deleted, analyses run, streams connecting and dropping, for `seconds`, two
 * users at a time. Then: memory and open descriptors of the api, scheduler and Redis stay flat
 * (first third vs last third, with a tolerance), and no Redis key of a deleted session remains.
 */
export async function runSoak(stack: FaultStack, seconds: number): Promise<void> {
  const services = {
    api: stack.apis[0]!.pid,
    scheduler: stack.scheduler.pid,
    redis: stack.redis.process.pid,
  };
  const samples: Record<string, Sample[]> = { api: [], scheduler: [], redis: [] };
  const deleted: string[] = [];
  const deadline = Date.now() + seconds * 1_000;
  const sampler = setInterval(() => {
    for (const [name, pid] of Object.entries(services)) {
      sample(pid).then(
        (value) => samples[name]!.push(value),
        () => {},
      );
    }
  }, 1_000);
  try {
    let round = 0;
    const user = async () => {
      while (Date.now() < deadline) await cycle(stack, deleted, round++);
    };
    await Promise.all([user(), user()]);
  } finally {
    clearInterval(sampler);
  }
  expect(deleted.length).toBeGreaterThan(2);

  for (const [name, series] of Object.entries(samples)) {
    const third = Math.max(1, Math.floor(series.length / 3));
    const first = series.slice(0, third);
    const last = series.slice(-third);
    const rssGrowth = mean(last.map((s) => s.rss)) - mean(first.map((s) => s.rss));
    const fdGrowth = mean(last.map((s) => s.fds)) - mean(first.map((s) => s.fds));
    // Flat within a tolerance: warm-up and GC timing move RSS by tens of MB, a leak per cycle grows
    // with the run. Descriptors must not creep: each cycle opens sockets and files.
    expect(rssGrowth, `${name} RSS growth`).toBeLessThan(
      Math.max(48 * 1024 * 1024, mean(first.map((s) => s.rss)) * 0.5),
    );
    expect(fdGrowth, `${name} open descriptors growth`).toBeLessThan(16);
  }

  // Deleting a session removes its keys (the scheduler may finish that a moment later).
  const redis = stack.redis.client();
  try {
    await eventually(
      async () => {
        const keys: string[] = [];
        for await (const batch of redis.scanStream({ match: `${stack.keyPrefix}*`, count: 500 })) {
          keys.push(...(batch as string[]));
        }
        const leftovers = keys.filter((key) => deleted.some((sessionId) => key.includes(sessionId)));
        return leftovers.length === 0 ? true : undefined;
      },
      20_000,
      "the keys of deleted sessions to be gone",
    );
  } finally {
    await redis.quit();
  }
}
