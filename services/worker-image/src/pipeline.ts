import type { AnalysisOptions, HypothesisSpec, JobStage, Report } from "@assay/contracts";
import type { DataFrame } from "./datasets.js";

/*
 * The analysis pipeline as agreed with packages/agents:
 * `runPipeline(input: PipelineInput, hooks: PipelineHooks): Promise<PipelineOutput>`.
 * Declared here, at the port the worker uses, so the worker builds before the agents package does.
 */
export interface PipelineInput {
  df: DataFrame;
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
  /** The pipeline calls `signal.throwIfAborted()` between steps. */
  signal: AbortSignal;
}

export interface PipelineOutput {
  report: Report;
  markdown: string;
  html: string;
  charts: { name: string; svg: string }[];
}

export type RunPipeline = (input: PipelineInput, hooks: PipelineHooks) => Promise<PipelineOutput>;

// A variable specifier keeps the import lazy (polars loads with the first job, not at start).
const AGENTS_MODULE = "@assay/agents";
let loading: Promise<RunPipeline> | undefined;

/** The pipeline, imported once on first use; `warm()` starts that import early. */
export function loadPipeline(): Promise<RunPipeline> {
  loading ??= import(AGENTS_MODULE).then((agents: { runPipeline?: unknown }) => {
    if (typeof agents.runPipeline !== "function") {
      throw new Error(`${AGENTS_MODULE} does not export runPipeline`);
    }
    return agents.runPipeline as RunPipeline;
  });
  return loading;
}
