import { writeFile } from "node:fs/promises";
import { explainCode, type ReportFormat } from "@assay/client";
import type { JobView, SessionView } from "@assay/contracts";
import { type Command, Option } from "commander";
import { type CliContext, type CliIo, contextOf, note, output } from "../context.js";
import { JobDidNotSucceed } from "../exit-codes.js";
import { fileSource } from "../file-source.js";
import { describeEvent } from "../format.js";
import { Progress } from "../progress.js";

interface AnalyzeOptions {
  session?: string;
  follow?: boolean;
  format: ReportFormat;
  out?: string;
  timeout: number;
}

export function registerAnalyze(program: Command, io: CliIo): void {
  program
    .command("analyze")
    .description("upload a dataset, ask a question about it and fetch the report")
    .argument("<file>", "dataset file (.csv, .tsv, .json, .ndjson, .parquet)")
    .argument("<question>", "what you want to know, in words")
    .option("-s, --session <id>", "use this session instead of starting a new one")
    .option("-f, --follow", "show live stages and logs while the analysis runs")
    .addOption(
      new Option("--format <format>", "report format").choices(["html", "markdown", "json"]).default("html"),
    )
    .option("-o, --out <path>", "write the report here (default: stdout; with --json only with --out)")
    .option("--timeout <seconds>", "give up waiting after this many seconds", Number, 600)
    .addHelpText(
      "after",
      '\nExample:\n  assay analyze data.csv "what drives delays?" --follow --format html --out report.html',
    )
    .action(async (file: string, question: string, options: AnalyzeOptions, command: Command) => {
      await analyze(contextOf(command, io), file, question, options);
    });
}

async function analyze(ctx: CliContext, file: string, question: string, options: AnalyzeOptions) {
  const source = await fileSource(file);
  const progress = new Progress(ctx);
  try {
    const session = await readySession(ctx, progress, options.session);

    progress.start(`uploading ${source.name}`, source.bytes);
    const dataset = await ctx.client.uploadDataset(
      session.id,
      source.open((sent) => progress.bytes(sent, source.bytes)),
      { name: source.name, contentType: source.contentType, bytes: source.bytes },
    );
    progress.bytes(source.bytes, source.bytes);
    progress.line(
      `uploaded ${dataset.name}: ${dataset.rows} rows, ${dataset.columns.length} columns (${dataset.id})`,
    );

    const accepted = await ctx.client.submitAnalysis(session.id, { datasetId: dataset.id, query: question });
    progress.line(`submitted job ${accepted.jobId}`);
    const job = options.follow
      ? await follow(ctx, progress, accepted.jobId)
      : await ctx.client.waitForJob(accepted.jobId, { timeoutMs: options.timeout * 1000 });
    progress.stop();

    const summary = { sessionId: session.id, datasetId: dataset.id, job, out: options.out ?? null };
    if (job.status !== "succeeded") {
      if (ctx.json) output(ctx, { ...summary, out: null }, () => "");
      throw new JobDidNotSucceed(outcome(job));
    }
    await deliverReport(ctx, job, options);
    if (ctx.json) output(ctx, summary, () => "");
    else if (options.out) note(ctx, `report written to ${options.out}`);
  } finally {
    progress.stop();
  }
}

async function readySession(ctx: CliContext, progress: Progress, sessionId?: string): Promise<SessionView> {
  const session = sessionId ? await ctx.client.getSession(sessionId) : await ctx.client.createSession();
  progress.line(`${sessionId ? "using" : "started"} session ${session.id}; waiting for its worker`);
  return ctx.client.waitForSession(session.id, { timeoutMs: 120_000, intervalMs: 200 });
}

/** Streams the job's events into the progress bar; the stream ends at the job's final event. */
async function follow(ctx: CliContext, progress: Progress, jobId: string): Promise<JobView> {
  progress.start("analysing", 100);
  for await (const { event } of ctx.client.jobEvents(jobId)) {
    if (event.type === "job:progress") {
      progress.update(event.pct, event.stage);
      progress.line(`  ${event.stage} ${event.pct.toFixed(0)}%${event.detail ? `  ${event.detail}` : ""}`);
    } else {
      progress.line(`  ${event.type} ${describeEvent(event)}`);
    }
  }
  return ctx.client.getJob(jobId);
}

async function deliverReport(ctx: CliContext, job: JobView, options: AnalyzeOptions) {
  if (!options.out && ctx.json) return;
  const text =
    options.format === "json"
      ? `${JSON.stringify(await ctx.client.report(job.id, "json"), null, 2)}\n`
      : await ctx.client.report(job.id, options.format);
  if (options.out) await writeFile(options.out, text);
  else ctx.stdout.write(text);
  note(ctx, `job ${job.id} succeeded`);
}

function outcome(job: JobView): string {
  const reason = job.error ? `: ${explainCode(job.error.code, job.error.message)}` : "";
  return `job ${job.id} ${job.status}${reason}`;
}
