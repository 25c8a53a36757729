import { AnalysisJob, AppError, type ErrorInfo, FINAL_JOB_STATUSES, JobResult } from "@assay/contracts";
import type { EventLog, JobStarter, JobStore, Logger, Redis, SessionStore, Storage } from "@assay/runtime";
import { type Job, UnrecoverableError } from "bullmq";
import { ArtifactWriter } from "./artifacts.js";
import { locateDataset } from "./datasets.js";
import { AnalysisFailed, JobCancelled, JobLockLost } from "./errors.js";
import type { Heartbeat } from "./heartbeat.js";
import { JobAbort } from "./job-abort.js";
import { JobReporter } from "./job-reporter.js";
import type { PipelineRunner } from "./pipeline-runner.js";

export interface ProcessorDeps {
  sessionId: string;
  jobs: JobStore;
  starter: JobStarter;
  /** The connection and stream the artifact events go to. */
  redis: Redis;
  events: EventLog;
  sessions: SessionStore;
  storage: Storage;
  heartbeat: Heartbeat;
  pipeline: PipelineRunner;
  logger: Logger;
  jobTimeoutMs: number;
  lockDurationMs: number;
}

/** Failures a retry cannot fix: they end the job on the attempt that hits them. */
const FINAL_CODES = new Set<ErrorInfo["code"]>([
  "DATASET_LOAD_FAILED",
  "JOB_TIMEOUT",
  "JOB_CANCELLED",
  "WORKER_OUT_OF_MEMORY",
]);

/**
 * The BullMQ processor of a session's analyses. Our job record is the source of truth for
 * clients: every change goes in with its event atomically, and a final state is written
 * before BullMQ learns of it, so a redelivered job whose record is final is skipped.
 */
export function createProcessor(deps: ProcessorDeps) {
  return async (job: Job, token?: string): Promise<JobResult | undefined> => {
    const data = AnalysisJob.parse(job.data);
    const { sessionId, jobId } = data;
    if (sessionId !== deps.sessionId) {
      throw new UnrecoverableError(`job ${jobId} belongs to session ${sessionId}`);
    }
    const started = Date.now();
    const attempt = Math.max(job.attemptsStarted, job.attemptsMade + 1);
    // Nothing before the start: it checks the record and writes job:started in one round trip,
    // and the busy beat goes out alongside.
    const [start] = await Promise.all([
      deps.starter.start(
        sessionId,
        jobId,
        {
          status: "running",
          stage: "loading",
          pct: 0,
          attempts: attempt,
          startedAt: new Date(started).toISOString(),
        },
        { sessionId, jobId, type: "job:started", attempt },
      ),
      deps.heartbeat.busy(jobId),
    ]);
    const logger = deps.logger.child({ jobId });
    try {
      switch (start.outcome) {
        case "missing":
          throw new UnrecoverableError(`job ${jobId} has no status record`);
        case "finished": {
          logger.info({ status: start.status }, "job already finished; skipping duplicate delivery");
          return (await deps.jobs.get(sessionId, jobId))?.result;
        }
        case "cancel-requested": {
          const reporter = new JobReporter(deps.jobs, sessionId, jobId, logger);
          return await finishFailed(deps, job, reporter, new JobCancelled(jobId), logger);
        }
        case "started":
          logger.info({ attempt }, "job started");
          return await runJob(deps, job, data, logger, token, started);
      }
    } finally {
      await deps.heartbeat.idle();
    }
  };
}

/** The job after its start: dataset, pipeline thread, artifacts, and how it ended. */
async function runJob(
  deps: ProcessorDeps,
  job: Job,
  data: AnalysisJob,
  logger: Logger,
  token: string | undefined,
  started: number,
): Promise<JobResult> {
  const { sessionId, jobId } = data;
  const reporter = new JobReporter(deps.jobs, sessionId, jobId, logger);
  const ids = { sessionId, jobId };
  const abort = new JobAbort(deps.jobs, sessionId, jobId, data.options.timeoutMs ?? deps.jobTimeoutMs);
  try {
    const artifacts = new ArtifactWriter(deps.storage, deps.redis, deps.events, sessionId, jobId);
    await abort.race(artifacts.clear());
    reporter.progress("loading", 0);
    const { dataset, path } = await abort.race(
      locateDataset(deps.sessions, deps.storage, sessionId, data.datasetId),
    );
    // Reading and analysing run on the pipeline thread; an abort terminates it mid-step.
    const output = await deps.pipeline.run(
      { datasetPath: path, format: dataset.format, datasetName: dataset.name, job: data },
      { onProgress: reporter.progress, onLog: reporter.log, signal: abort.signal },
    );
    abort.signal.throwIfAborted();
    reporter.progress("writing", 0);
    await reporter.flush();
    const refs = await artifacts.writeReport(output);
    abort.close();
    await assertLockHeld(job, token, deps.lockDurationMs);
    const result = JobResult.parse({
      rows: output.rows,
      columns: output.columns,
      findings: output.report.summary.map((finding) => finding.text),
      artifacts: refs,
      durationMs: Date.now() - started,
    });
    await reporter.update(
      { status: "succeeded", stage: "done", pct: 100, finishedAt: new Date().toISOString(), result },
      { ...ids, type: "job:succeeded", result },
    );
    logger.info({ durationMs: result.durationMs }, "job succeeded");
    return result;
  } catch (error) {
    abort.close();
    if (error instanceof JobLockLost) throw error;
    const failure = abort.signal.aborted ? (abort.signal.reason as AppError) : asAppError(error);
    return finishFailed(deps, job, reporter, failure, logger);
  }
}

/** Records how an attempt ended and throws what tells BullMQ whether to try again. */
async function finishFailed(
  deps: ProcessorDeps,
  job: Job,
  reporter: JobReporter,
  failure: AppError,
  logger: Logger,
): Promise<never> {
  await reporter.flush();
  const ids = { sessionId: deps.sessionId, jobId: String(job.id) };
  if (failure instanceof JobCancelled) {
    await reporter.update(
      { status: "cancelled", finishedAt: new Date().toISOString() },
      { ...ids, type: "job:cancelled" },
    );
    logger.info("job cancelled");
    throw new UnrecoverableError(failure.message);
  }
  const error = failure.toInfo();
  const willRetry = !FINAL_CODES.has(failure.code) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  if (willRetry) {
    await reporter.update({ status: "queued" }, { ...ids, type: "job:failed", error, willRetry });
    logger.warn({ err: failure.cause ?? failure, code: error.code }, "job attempt failed; will retry");
    throw failure;
  }
  await reporter.update(
    { status: "failed", finishedAt: new Date().toISOString(), error },
    { ...ids, type: "job:failed", error, willRetry },
  );
  logger.error({ err: failure.cause ?? failure, code: error.code }, "job failed");
  // Unrecoverable either way: our record is final, so BullMQ must not run the job again.
  throw new UnrecoverableError(error.message);
}

/**
 * Records a failure BullMQ decided without our processor, e.g. a job that stalled more often than
 * allowed. Called from the worker's 'failed' event; a job whose record is already final is left alone.
 */
export async function recordUnfinishedFailure(
  deps: Pick<ProcessorDeps, "jobs" | "logger">,
  job: Job | undefined,
  reason: Error,
): Promise<void> {
  if (!job || !(await job.isFailed())) return;
  const data = AnalysisJob.safeParse(job.data);
  if (!data.success) return;
  const { sessionId, jobId } = data.data;
  const record = await deps.jobs.get(sessionId, jobId);
  if (!record || FINAL_JOB_STATUSES.includes(record.status)) return;
  const error: ErrorInfo = { code: "WORKER_LOST", message: reason.message };
  await deps.jobs.update(
    sessionId,
    jobId,
    { status: "failed", finishedAt: new Date().toISOString(), error },
    { type: "job:failed", sessionId, jobId, error, willRetry: false },
  );
  deps.logger.error({ jobId, reason: reason.message }, "job failed outside the processor");
}

/** Another attempt may own the job after our lock lapsed; only the owner may finish it. */
async function assertLockHeld(job: Job, token: string | undefined, lockDurationMs: number): Promise<void> {
  if (token && (await job.extendLock(token, lockDurationMs)) !== 1) throw new JobLockLost(String(job.id));
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AnalysisFailed(`the analysis failed: ${message}`, error);
}
