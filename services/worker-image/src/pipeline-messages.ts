import { LlmConfig } from "@assay/agents/llm-config";
import { AnalysisJob, DatasetFormat, JobStage, Report } from "@assay/contracts";
import { z } from "zod";

/** What the thread is started with: settings constant for the worker's life. */
export const PipelineThreadData = z.object({ llm: LlmConfig.nullable() });
export type PipelineThreadData = z.infer<typeof PipelineThreadData>;

/**
 * What the main thread sends the pipeline thread for one job. Structured-clonable data only: the
 * thread reads the dataset file itself, so no DataFrame crosses threads.
 */
export const PipelineRequest = z.object({
  datasetPath: z.string().min(1),
  format: DatasetFormat,
  datasetName: z.string(),
  job: AnalysisJob,
});
export type PipelineRequest = z.infer<typeof PipelineRequest>;

export const PipelineResult = z.object({
  rows: z.number().int().min(0),
  columns: z.number().int().min(0),
  report: Report,
  markdown: z.string(),
  html: z.string(),
  charts: z.array(
    z.object({
      name: z.string(),
      svg: z.string(),
      png: z
        .object({
          name: z.string(),
          bytes: z.custom<Uint8Array>((value) => value instanceof Uint8Array, "must be bytes"),
        })
        .optional(),
    }),
  ),
});
export type PipelineResult = z.infer<typeof PipelineResult>;

/** Failures the thread reports itself; a thread that dies is judged by the main thread. */
export const ThreadFailureCode = z.enum(["DATASET_LOAD_FAILED", "ANALYSIS_FAILED"]);
export type ThreadFailureCode = z.infer<typeof ThreadFailureCode>;

/** What the pipeline thread sends back while it runs a job; `result` or `error` ends the job. */
export const ThreadMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("progress"),
    stage: JobStage,
    pct: z.number(),
    detail: z.string().optional(),
  }),
  z.object({
    type: z.literal("log"),
    level: z.enum(["debug", "info", "warn", "error"]),
    message: z.string(),
  }),
  PipelineResult.extend({ type: z.literal("result") }),
  z.object({ type: z.literal("error"), code: ThreadFailureCode, message: z.string() }),
]);
export type ThreadMessage = z.infer<typeof ThreadMessage>;
