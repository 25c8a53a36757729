#!/usr/bin/env node
// `pnpm demo`: starts the stack (unless API_URL points at one), analyses a bundled real dataset
// (Seattle weather 2012-2015, from the vega-datasets package) and follows it live.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AssayClient } from "@assay/client";
import { prettyLogSink } from "./pretty-logs.js";
import { ProgressLine } from "./progress-line.js";
import { type Stack, startStack } from "./stack.js";

const DATASET = "seattle-weather.csv";
const QUESTION =
  "How do temperature and precipitation differ by weather type, and is there a trend in temp_max over date?";

const datasetPath = path.join(
  path.dirname(fileURLToPath(import.meta.resolve("vega-datasets"))),
  "..",
  "data",
  DATASET,
);
const started = performance.now();
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(2)} s`;

let stack: Stack | undefined;
if (!process.env.API_URL) {
  console.log("Starting Assay (api + scheduler, process runtime)...");
  stack = await startStack({
    env: Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    port: Number(process.env.PORT ?? 8080),
    onLine: prettyLogSink(40), // warnings and errors only: the demo prints its own progress
    say: (line) => console.log(line),
  });
  console.log(`Stack ready at ${stack.apiUrl} after ${seconds(started)}`);
}
const client = new AssayClient({
  baseUrl: process.env.API_URL ?? stack!.apiUrl,
  apiKey: process.env.ASSAY_API_KEY,
});

try {
  const session = await client.createSession();
  const sessionStart = performance.now();
  await client.waitForSession(session.id);
  console.log(`Session ${session.id} ready in ${seconds(sessionStart)}`);

  const bytes = await readFile(datasetPath);
  const dataset = await client.uploadDataset(session.id, bytes, { name: DATASET, contentType: "text/csv" });
  console.log(
    `Uploaded ${dataset.name}: ${dataset.rows} rows × ${dataset.columns.length} columns (${dataset.bytes} bytes)`,
  );
  console.log(`Question: ${QUESTION}\n`);

  const submitted = performance.now();
  const accepted = await client.submitAnalysis(session.id, { datasetId: dataset.id, query: QUESTION });
  const progress = new ProgressLine();
  let firstEventMs: number | undefined;
  for await (const { event } of client.jobEvents(accepted.jobId)) {
    firstEventMs ??= performance.now() - submitted;
    if (event.type === "job:progress")
      progress.update(event.pct, `${event.stage}${event.detail ? `: ${event.detail}` : ""}`);
    else if (event.type === "job:log" && event.level !== "debug")
      progress.log(`  ${event.level}: ${event.message}`);
    else if (event.type === "job:failed")
      progress.log(`  attempt failed: ${event.error.code} ${event.error.message}`);
  }
  progress.done();
  const job = await client.getJob(accepted.jobId);
  const total = performance.now() - submitted;
  if (job.status !== "succeeded") {
    console.error(`\nThe analysis ${job.status}: ${job.error?.code ?? ""} ${job.error?.message ?? ""}`);
    process.exitCode = 1;
  } else {
    console.log(`\nFindings:`);
    for (const finding of job.result?.findings ?? []) console.log(`  • ${finding}`);
    const jobDir = path.join(
      path.resolve(process.env.DATA_DIR ?? ".data"),
      "sessions",
      session.id,
      "jobs",
      job.id,
    );
    console.log(`\nReport:   ${jobDir}/report.html  (and report.md, report.json, chart-*.svg)`);
    console.log(`Over HTTP while the stack runs (pnpm start): /v1/jobs/${job.id}/report?format=html`);
    console.log(
      `Timing:   submit → first event ${firstEventMs?.toFixed(0)} ms, submit → done ${(total / 1000).toFixed(2)} s`,
    );
  }
} catch (error) {
  console.error(`Demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  // The demo leaves its session and report in place so they can be opened; the stack stops.
  await stack?.close();
}
