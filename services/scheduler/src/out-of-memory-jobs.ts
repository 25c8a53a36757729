import type { ErrorInfo } from "@assay/contracts";
import type { JobStore, Logger } from "@assay/runtime";

/** The exit code of a process the kernel's OOM killer (or anyone) SIGKILLed: 128 + 9. */
export const KILLED_EXIT_CODE = 137;

/**
 * A worker killed for exceeding its memory limit took its running job with it; BullMQ would hand
 * that job to the restarted worker, which would run out of memory again, forever. The job fails
 * here instead, final, with WORKER_OUT_OF_MEMORY: the restarted worker skips a delivery whose
 * record is final, so the session recovers and serves its next job. Returns the failed job ids.
 */
export async function failJobsKilledOutOfMemory(
  jobs: JobStore,
  sessionId: string,
  memoryLimit: string,
  logger: Logger,
): Promise<string[]> {
  const failed: string[] = [];
  for (const jobId of await jobs.list(sessionId)) {
    if ((await jobs.get(sessionId, jobId))?.status !== "running") continue;
    const error: ErrorInfo = {
      code: "WORKER_OUT_OF_MEMORY",
      message: `the analysis ran out of memory: the worker exceeded its memory limit (${memoryLimit}) and was killed`,
    };
    await jobs.update(
      sessionId,
      jobId,
      { status: "failed", finishedAt: new Date().toISOString(), error },
      { type: "job:failed", sessionId, jobId, error, willRetry: false },
    );
    logger.warn({ jobId }, "job failed: its worker ran out of memory");
    failed.push(jobId);
  }
  return failed;
}
