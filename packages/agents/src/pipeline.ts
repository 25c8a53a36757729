import {
  type AnalysisOptions,
  type ChartSpec,
  type HypothesisResult,
  type HypothesisSpec,
  type JobStage,
  Report,
} from "@assay/contracts";
import type pl from "nodejs-polars";
import { chooseCharts } from "./charts/choose-charts.js";
import { svgToPng } from "./charts/render-png.js";
import { renderSvg } from "./charts/render-svg.js";
import { withParsedDates } from "./eda/parse-dates.js";
import { profile } from "./eda/profile.js";
import { testHypotheses } from "./hypotheses/test-hypotheses.js";
import type { LlmConfig } from "./llm/config.js";
import { createLlmAgents } from "./llm/llm-agents.js";
import { llmMethods } from "./llm/llm-methods.js";
import { llmSteps } from "./llm/llm-steps.js";
import { analysisMethods, profileMethods } from "./narrator/methods.js";
import { renderHtml } from "./narrator/render-html.js";
import { chartFileName, renderMarkdown } from "./narrator/render-markdown.js";
import { runOperations } from "./planner/run-operations.js";
import type { AnalysisSteps } from "./steps/analysis-steps.js";
import { deterministicSteps } from "./steps/deterministic-steps.js";

/** Hypotheses planned at most when the request sets no `maxHypotheses`. */
export const DEFAULT_MAX_HYPOTHESES = 8;

export interface PipelineInput {
  df: pl.DataFrame;
  sessionId: string;
  jobId: string;
  datasetId: string;
  datasetName: string;
  query: string;
  hypotheses?: HypothesisSpec[];
  options: AnalysisOptions;
  /** The worker's model endpoint (parseLlmConfig); absent or null: deterministic only. */
  llm?: LlmConfig | null;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface PipelineHooks {
  onProgress(stage: JobStage, pct: number, detail?: string): void;
  onLog(level: LogLevel, message: string): void;
  signal: AbortSignal;
}

/** A chart's files: the SVG (embedded in report.html) and its PNG (linked from report.md). */
export interface ChartFiles {
  /** `chart-<id>.svg` */
  name: string;
  svg: string;
  /** `chart-<id>.png`; absent when the SVG could not be rasterised (report.md then links the SVG). */
  png?: { name: string; bytes: Uint8Array };
}

export interface PipelineOutput {
  report: Report;
  markdown: string;
  html: string;
  charts: ChartFiles[];
}

/** Lets the worker's event loop run (heartbeats, cancel polling) between synchronous polars steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function checkpoint(hooks: PipelineHooks): Promise<void> {
  await yieldToEventLoop();
  hooks.signal.throwIfAborted();
}

/**
 * profiling → planning → testing → charting → writing; aborts between steps when the signal fires.
 * Planning and narration are `steps` (deterministic unless a caller passes others); with a model
 * endpoint configured and `options.llm` not "off", the model takes them over, `steps` as its fallback.
 */
export async function runPipeline(
  input: PipelineInput,
  hooks: PipelineHooks,
  steps: AnalysisSteps = deterministicSteps,
): Promise<PipelineOutput> {
  await checkpoint(hooks);
  hooks.onProgress("profiling", 0, `${input.df.height} rows × ${input.df.width} columns`);
  const dataProfile = await profile(input.df, {}, hooks);
  hooks.onLog("info", `profiled ${dataProfile.columns} columns, ${dataProfile.alerts.length} alerts`);
  const df = withParsedDates(input.df, dataProfile);
  await checkpoint(hooks);

  const agents = createLlmAgents(input.llm, input.options, hooks);
  const active = agents ? llmSteps(agents, steps, df) : steps;
  hooks.onProgress("planning", 0);
  const plan = await active.plan({
    query: input.query,
    profile: dataProfile,
    requested: input.hypotheses ?? [],
    maxHypotheses: input.options.maxHypotheses ?? DEFAULT_MAX_HYPOTHESES,
    signal: hooks.signal,
  });
  const operations = runOperations(df, plan.pipelines);
  const planNotes = [...plan.notes, ...operations.failures];
  for (const failure of operations.failures) hooks.onLog("warn", failure);
  hooks.onProgress(
    "planning",
    100,
    `${plan.hypotheses.length} hypotheses, ${operations.tables.length} result tables`,
  );
  await checkpoint(hooks);

  hooks.onProgress("testing", 0, `${plan.hypotheses.length} hypotheses`);
  const hypotheses: HypothesisResult[] = testHypotheses(df, plan.hypotheses, {
    alpha: input.options.alpha,
    signal: hooks.signal,
    onProgress: (pct, detail) => hooks.onProgress("testing", pct, detail),
  });
  hooks.onProgress("testing", 100);
  await checkpoint(hooks);

  hooks.onProgress("charting", 0);
  const rendered = await renderCharts(chooseCharts(df, dataProfile, hypotheses), hooks);
  await checkpoint(hooks);

  hooks.onProgress("writing", 0);
  const narration = await active.narrate({
    query: input.query,
    profile: dataProfile,
    hypotheses,
    tables: operations.tables,
    planNotes,
    alpha: input.options.alpha,
    signal: hooks.signal,
  });
  const llm = agents?.report();
  const report = Report.parse({
    version: 1,
    jobId: input.jobId,
    sessionId: input.sessionId,
    datasetId: input.datasetId,
    datasetName: input.datasetName,
    query: input.query,
    generatedAt: new Date().toISOString(),
    summary: narration.summary,
    answer: narration.answer,
    profile: dataProfile,
    hypotheses,
    charts: rendered.map((r) => r.chart),
    methods: [
      ...profileMethods(dataProfile),
      ...analysisMethods(planNotes, hypotheses, input.options.alpha),
      ...(llm ? llmMethods(llm) : []),
    ],
    ...(llm ? { llm } : {}),
  });
  const svgs = Object.fromEntries(rendered.map((r) => [r.chart.id, r.files.svg]));
  const linked = Object.fromEntries(rendered.map((r) => [r.chart.id, r.files.png?.name ?? r.files.name]));
  const output: PipelineOutput = {
    report,
    markdown: renderMarkdown(report, linked),
    html: renderHtml(report, svgs),
    charts: rendered.map((r) => r.files),
  };
  hooks.onProgress("writing", 100);
  return output;
}

/** Renders each chart; one that fails to render is dropped with a warning instead of failing the job. */
async function renderCharts(
  charts: ChartSpec[],
  hooks: PipelineHooks,
): Promise<{ chart: ChartSpec; files: ChartFiles }[]> {
  const rendered: { chart: ChartSpec; files: ChartFiles }[] = [];
  for (const [k, chart] of charts.entries()) {
    hooks.signal.throwIfAborted();
    try {
      const svg = await renderSvg(chart.spec);
      rendered.push({
        chart,
        files: { name: chartFileName(chart.id), svg, ...rasterised(chart.id, svg, hooks) },
      });
    } catch (error) {
      hooks.onLog("warn", `chart ${chart.id} not rendered: ${(error as Error).message}`);
    }
    hooks.onProgress("charting", Math.round(((k + 1) / charts.length) * 100), chart.title);
  }
  return rendered;
}

function rasterised(id: string, svg: string, hooks: PipelineHooks): Pick<ChartFiles, "png"> {
  try {
    return { png: { name: chartFileName(id, "png"), bytes: svgToPng(svg) } };
  } catch (error) {
    hooks.onLog("warn", `chart ${id} has no PNG: ${(error as Error).message}`);
    return {};
  }
}
