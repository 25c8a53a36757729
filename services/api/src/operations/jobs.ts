import {
  FINAL_JOB_STATUSES,
  JobId,
  type JobList,
  JobNotFound,
  type JobView,
  type ListQuery,
} from "@assay/contracts";
import { JobAlreadyFinished } from "../errors.js";
import type { Services } from "../services.js";
import { newestFirstPage } from "./newest-first-page.js";
import { getSessionRecord } from "./sessions.js";

export function parseJobId(raw: string | undefined): string {
  const parsed = JobId.safeParse(raw);
  if (!parsed.success) throw new JobNotFound(String(raw ?? ""));
  return parsed.data;
}

/** The job if its session belongs to the tenant; another tenant's job answers like an unknown one. */
export async function getJob(services: Services, tenant: string, jobId: string): Promise<JobView> {
  const sessionId = await services.jobs.sessionOf(jobId);
  const owner = sessionId ? (await services.sessions.get(sessionId))?.tenantId : undefined;
  const job = sessionId && owner === tenant ? await services.jobs.get(sessionId, jobId) : undefined;
  if (!job) throw new JobNotFound(jobId);
  return job;
}

/** A session's jobs, newest first. */
export async function listJobs(
  services: Services,
  tenant: string,
  sessionId: string,
  query: ListQuery,
): Promise<JobList> {
  await getSessionRecord(services, tenant, sessionId);
  const page = await newestFirstPage(
    services.redis,
    services.keys.sessionJobs(sessionId),
    query.limit,
    query.cursor,
  );
  const jobs = await Promise.all(page.members.map((jobId) => services.jobs.get(sessionId, jobId)));
  return { jobs: jobs.filter((job): job is JobView => job !== undefined), nextCursor: page.nextCursor };
}

export const isFinalStatus = (job: JobView) => FINAL_JOB_STATUSES.includes(job.status);

/**
 * A queued job still waiting in BullMQ is removed and cancelled here; one a worker holds (its
 * BullMQ lock makes removal fail) gets a cancel request the worker acts on at its next step.
 */
export async function cancelJob(services: Services, tenant: string, jobId: string): Promise<JobView> {
  const job = await getJob(services, tenant, jobId);
  if (isFinalStatus(job)) throw new JobAlreadyFinished(jobId, job.status);
  const removed = job.status === "queued" && (await services.queues.of(job.sessionId).remove(jobId)) === 1;
  if (removed) {
    await services.jobs.update(
      job.sessionId,
      jobId,
      { status: "cancelled", finishedAt: new Date().toISOString() },
      { type: "job:cancelled", sessionId: job.sessionId, jobId },
    );
    await services.quotas.releaseJob(tenant, job.sessionId, jobId);
  } else {
    await services.jobs.requestCancel(job.sessionId, jobId);
  }
  return getJob(services, tenant, jobId);
}
