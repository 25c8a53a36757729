import { z } from "zod";
import { ErrorInfo } from "./errors.js";
import { HypothesisSpec } from "./hypotheses.js";
import { ArtifactName, DatasetId, JobId, SessionId } from "./ids.js";

export const JobStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof JobStatus>;
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

export const JobStage = z.enum([
  "queued",
  "loading",
  "profiling",
  "planning",
  "testing",
  "analyzing",
  "charting",
  "writing",
  "done",
]);
export type JobStage = z.infer<typeof JobStage>;

export const AnalysisOptions = z.strictObject({
  /** Per-job time limit; the worker's configured default applies when absent. */
  timeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(6 * 3600_000)
    .optional(),
  llm: z.enum(["auto", "off"]).default("auto"),
  maxHypotheses: z.number().int().min(1).max(50).optional(),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
});
export type AnalysisOptions = z.infer<typeof AnalysisOptions>;

/** The body of POST /v1/sessions/:id/analyses. */
export const AnalysisRequest = z.strictObject({
  datasetId: DatasetId,
  query: z.string().trim().min(1).max(4000),
  hypotheses: z.array(HypothesisSpec).max(50).optional(),
  options: AnalysisOptions.optional(),
});
export type AnalysisRequest = z.infer<typeof AnalysisRequest>;
/** What a client sends: defaults (llm, alpha) may be left out. */
export type AnalysisRequestInput = z.input<typeof AnalysisRequest>;

/** Data of a BullMQ job in a session's queue. */
export const AnalysisJob = z.object({
  jobId: JobId,
  sessionId: SessionId,
  datasetId: DatasetId,
  query: z.string(),
  hypotheses: z.array(HypothesisSpec).optional(),
  options: AnalysisOptions,
  submittedAt: z.iso.datetime(),
});
export type AnalysisJob = z.infer<typeof AnalysisJob>;

export const ArtifactRef = z.object({
  name: ArtifactName,
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;

/** What a finished job returns; the full report is an artifact. */
export const JobResult = z.object({
  rows: z.number().int().nonnegative(),
  columns: z.number().int().nonnegative(),
  findings: z.array(z.string()),
  artifacts: z.array(ArtifactRef),
  durationMs: z.number().nonnegative(),
});
export type JobResult = z.infer<typeof JobResult>;

export const JobProgress = z.object({ stage: JobStage, pct: z.number().min(0).max(100) });
export type JobProgress = z.infer<typeof JobProgress>;

/** What the api answers for GET /v1/jobs/:id: the polling interface. */
export const JobView = z.object({
  id: JobId,
  sessionId: SessionId,
  datasetId: DatasetId,
  query: z.string(),
  status: JobStatus,
  progress: JobProgress,
  attempts: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  error: ErrorInfo.optional(),
  result: JobResult.optional(),
});
export type JobView = z.infer<typeof JobView>;

export const AnalysisAccepted = z.object({
  jobId: JobId,
  status: z.literal("queued"),
  links: z.object({ self: z.string(), events: z.string(), report: z.string() }),
});
export type AnalysisAccepted = z.infer<typeof AnalysisAccepted>;
