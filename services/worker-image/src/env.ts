import { type LlmConfig, parseLlmConfig } from "@assay/agents/llm-config";
import { SessionId } from "@assay/contracts";
import { CommonEnv, parseEnv } from "@assay/runtime";
import { z } from "zod";
import { HEARTBEAT_DEFAULT_MS, HEARTBEAT_MIN_MS } from "./start-env.js";

const Millis = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

export const WorkerEnv = CommonEnv.extend({
  SESSION_ID: SessionId,
  WORKER_ID: z.string().min(1).max(200),
  HEARTBEAT_MS: Millis(HEARTBEAT_DEFAULT_MS, HEARTBEAT_MIN_MS),
  /** Per-job limit when a job's options carry none. */
  JOB_TIMEOUT_MS: Millis(10 * 60_000, 1_000),
  /** BullMQ job lock; a worker that stops renewing it for this long loses the job. */
  LOCK_DURATION_MS: Millis(30_000, 500),
  /** How often the stalled-job check runs; defaults to LOCK_DURATION_MS. */
  STALLED_INTERVAL_MS: z.coerce.number().int().min(100).optional(),
  MAX_STALLED_COUNT: z.coerce.number().int().min(0).default(1),
  /** V8 heap limit of the pipeline thread; a job that exceeds it fails with WORKER_OUT_OF_MEMORY. */
  PIPELINE_HEAP_LIMIT_MB: z.coerce.number().int().min(16).optional(),
  /** How long SIGTERM lets a running job finish before the worker closes forcibly. */
  SHUTDOWN_GRACE_MS: Millis(20_000, 0),
}).transform((env) => ({ ...env, STALLED_INTERVAL_MS: env.STALLED_INTERVAL_MS ?? env.LOCK_DURATION_MS }));
export type WorkerEnv = z.infer<typeof WorkerEnv>;

/** The worker's settings: its env plus the model endpoint (null: deterministic pipeline only). */
export type WorkerSettings = WorkerEnv & { llm: LlmConfig | null };

/** Parses the worker's environment once; throws EnvError / LlmConfigError with a readable message. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): WorkerSettings {
  return { ...parseEnv(WorkerEnv, source), llm: parseLlmConfig(source) };
}
