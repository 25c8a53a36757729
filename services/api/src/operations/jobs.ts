import { FINAL_JOB_STATUSES, JobId, JobNotFound, type JobView } from "@assay/contracts";
import { JobAlreadyFinished } from "../errors.js";
import type { Services } from "../services.js";

export function parseJobId(raw: string | undefined): string {
  const parsed = JobId.safeParse(raw);
  if (!parsed.success) throw new JobNotFound(String(raw ?? ""));
  return parsed.data;
}

export async function getJob(services: Services, jobId: string): Promise<JobView> {
  const sessionId = await services.jobs.sessionOf(jobId);
  const job = sessionId ? await services.jobs.get(sessionId, jobId) : undefined;
  if (!job) throw new JobNotFound(jobId);
  return job;
}

export const isFinalStatus = (job: JobView) => FINAL_JOB_STATUSES.includes(job.status);

/**
 * A queued job still waiting in BullMQ is removed and cancelled here; one a worker holds (its
 * BullMQ lock makes removal fail) gets a cancel request the worker acts on at its next step.
 */
export async function cancelJob(services: Services, jobId: string): Promise<JobView> {
  const job = await getJob(services, jobId);
  if (isFinalStatus(job)) throw new JobAlreadyFinished(jobId, job.status);
  const removed = job.status === "queued" && (await services.queues.of(job.sessionId).remove(jobId)) === 1;
  if (removed) {
    await services.jobs.update(
      job.sessionId,
      jobId,
      { status: "cancelled", finishedAt: new Date().toISOString() },
      { type: "job:cancelled", sessionId: job.sessionId, jobId },
    );
  } else {
    await services.jobs.requestCancel(job.sessionId, jobId);
  }
  return getJob(services, jobId);
}
