import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { startBenchStack } from "./bench-stack.js";
import { mixedCsv } from "./datasets.js";
import { peakRssMb, rssMb } from "./measure-child.js";
import type { BenchRow } from "./result.js";
import { summarize } from "./stats.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Idle RSS of the api, the scheduler and one worker, then the worker's peak while analysing `rows` rows. */
export async function benchFootprint(
  samples: number,
  rows: number,
  say: (line: string) => void,
): Promise<BenchRow[]> {
  const bench = await startBenchStack();
  try {
    const session = await bench.client.createSession();
    await bench.client.waitForSession(session.id, { timeoutMs: 60_000 });
    const workerId = (await bench.client.getSession(session.id)).worker?.id ?? "";
    const pids = {
      api: bench.stack.services.api?.pid,
      scheduler: bench.stack.services.scheduler?.pid,
      worker: (await bench.workerPids()).get(workerId),
    };
    await sleep(2_000);
    const idle: Record<keyof typeof pids, number[]> = { api: [], scheduler: [], worker: [] };
    for (let i = 0; i < samples; i++) {
      for (const name of Object.keys(pids) as (keyof typeof pids)[]) {
        const pid = pids[name];
        const value = pid ? await rssMb(pid) : undefined;
        if (value !== undefined) idle[name].push(value);
      }
      await sleep(500);
    }
    const file = await mixedCsv(rows);
    const dataset = await bench.client.uploadDataset(
      session.id,
      Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      { name: `mixed-${rows}.csv`, contentType: "text/csv", bytes: (await stat(file)).size },
    );
    const accepted = await bench.client.submitAnalysis(session.id, {
      datasetId: dataset.id,
      query: "summary",
    });
    const job = await bench.client.waitForJob(accepted.jobId, { timeoutMs: 10 * 60_000 });
    const peak = pids.worker ? await peakRssMb(pids.worker) : undefined;
    say(`footprint: job ${job.status}, worker peak ${peak?.toFixed(0)} MB`);
    const row = (figure: string, values: number[], goal: string, limit?: number): BenchRow => {
      const value = values.length ? summarize(values) : null;
      return {
        section: "footprint",
        figure,
        unit: "MB",
        better: "lower",
        assay: value,
        peer: null,
        goal,
        met: value && limit !== undefined ? value.median <= limit : null,
        ...(value ? {} : { note: "not available: process not found" }),
      };
    };
    return [
      row("api idle RSS", idle.api, "≤ 120 MB", 120),
      row("scheduler idle RSS", idle.scheduler, "(no goal)"),
      row("worker idle RSS (process runtime)", idle.worker, "≤ 200 MB", 200),
      row(
        `worker peak RSS analysing ${rows / 1000}k×8 (query "summary", job ${job.status})`,
        peak === undefined ? [] : [peak],
        "(no goal)",
      ),
    ];
  } finally {
    await bench.close();
  }
}
