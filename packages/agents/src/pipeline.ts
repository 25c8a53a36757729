import {
  type AnalysisOptions,
  type ChartSpec,
  type HypothesisResult,
  type HypothesisSpec,
  type JobStage,
  type Profile,
  Report,
} from "@assay/contracts";
import type pl from "nodejs-polars";
import { chooseCharts } from "./charts/choose-charts.js";
import { renderSvg } from "./charts/render-svg.js";
import { profile } from "./eda/profile.js";
import { answerFromProfile } from "./narrator/answer.js";
import { profileFindings } from "./narrator/findings.js";
import { profileMethods } from "./narrator/methods.js";
import { renderHtml } from "./narrator/render-html.js";
import { chartFileName, renderMarkdown } from "./narrator/render-markdown.js";

export interface PipelineInput {
  df: pl.DataFrame;
  sessionId: string;
  jobId: string;
  datasetId: string;
  datasetName: string;
  query: string;
  hypotheses?: HypothesisSpec[];
  options: AnalysisOptions;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface PipelineHooks {
  onProgress(stage: JobStage, pct: number, detail?: string): void;
  onLog(level: LogLevel, message: string): void;
  signal: AbortSignal;
}

export interface PipelineOutput {
  report: Report;
  markdown: string;
  html: string;
  charts: { name: string; svg: string }[];
}

/** Lets the worker's event loop run (heartbeats, cancel polling) between synchronous polars steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function checkpoint(hooks: PipelineHooks): Promise<void> {
  await yieldToEventLoop();
  hooks.signal.throwIfAborted();
}

/** profiling → planning → testing → charting → writing; aborts between steps when the signal fires. */
export async function runPipeline(input: PipelineInput, hooks: PipelineHooks): Promise<PipelineOutput> {
  await checkpoint(hooks);
  hooks.onProgress("profiling", 0, `${input.df.height} rows × ${input.df.width} columns`);
  const dataProfile = profile(input.df, {}, hooks);
  hooks.onLog("info", `profiled ${dataProfile.columns} columns, ${dataProfile.alerts.length} alerts`);
  await checkpoint(hooks);

  const hypotheses = await planAndTestHypotheses(input, dataProfile, hooks);
  await checkpoint(hooks);

  hooks.onProgress("charting", 0);
  const charts = chooseCharts(input.df, dataProfile);
  const rendered = await renderCharts(charts, hooks);
  await checkpoint(hooks);

  hooks.onProgress("writing", 0);
  const report = Report.parse({
    version: 1,
    jobId: input.jobId,
    sessionId: input.sessionId,
    datasetId: input.datasetId,
    datasetName: input.datasetName,
    query: input.query,
    generatedAt: new Date().toISOString(),
    summary: profileFindings(dataProfile),
    answer: answerFromProfile(input.query, dataProfile, hypotheses),
    profile: dataProfile,
    hypotheses,
    charts: rendered.map((r) => r.chart),
    methods: profileMethods(dataProfile),
  });
  const svgs = Object.fromEntries(rendered.map((r) => [r.chart.id, r.svg]));
  const files = Object.fromEntries(rendered.map((r) => [r.chart.id, chartFileName(r.chart.id)]));
  const output: PipelineOutput = {
    report,
    markdown: renderMarkdown(report, files),
    html: renderHtml(report, svgs),
    charts: rendered.map((r) => ({ name: chartFileName(r.chart.id), svg: r.svg })),
  };
  hooks.onProgress("writing", 100);
  return output;
}

/**
 * THE SEAM for the planner and the statistics engine (src/planner, src/hypotheses): plan from the
 * request's hypotheses and the profile, then test. Until they are wired, no hypotheses are tested.
 */
async function planAndTestHypotheses(
  input: PipelineInput,
  _profile: Profile,
  hooks: PipelineHooks,
): Promise<HypothesisResult[]> {
  hooks.onProgress("planning", 0);
  if (input.hypotheses && input.hypotheses.length > 0) {
    hooks.onLog(
      "warn",
      `${input.hypotheses.length} requested hypotheses not tested: the statistics engine is not wired yet`,
    );
  }
  hooks.onProgress("planning", 100);
  await checkpoint(hooks);
  hooks.onProgress("testing", 0);
  hooks.onProgress("testing", 100);
  return [];
}

/** Renders each chart; one that fails to render is dropped with a warning instead of failing the job. */
async function renderCharts(
  charts: ChartSpec[],
  hooks: PipelineHooks,
): Promise<{ chart: ChartSpec; svg: string }[]> {
  const rendered: { chart: ChartSpec; svg: string }[] = [];
  for (const [k, chart] of charts.entries()) {
    hooks.signal.throwIfAborted();
    try {
      rendered.push({ chart, svg: await renderSvg(chart.spec) });
    } catch (error) {
      hooks.onLog("warn", `chart ${chart.id} not rendered: ${(error as Error).message}`);
    }
    hooks.onProgress("charting", Math.round(((k + 1) / charts.length) * 100), chart.title);
  }
  return rendered;
}
