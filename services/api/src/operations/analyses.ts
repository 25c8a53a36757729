import {
  type AnalysisAccepted,
  AnalysisJob,
  AnalysisOptions,
  type AnalysisRequest,
  DatasetNotFound,
} from "@assay/contracts";
import { newJobId } from "@assay/runtime";
import type { Services } from "../services.js";
import { getActiveSession, wakeSession } from "./sessions.js";

/**
 * Records the job and queues it on the session's BullMQ queue.
 * A dataset id of another session answers 404 DATASET_NOT_FOUND (not DATASET_NOT_IN_SESSION):
 * datasets are looked up only inside the session, so nothing tells whether another session has it.
 */
export async function submitAnalysis(
  services: Services,
  tenant: string,
  sessionId: string,
  request: AnalysisRequest,
): Promise<AnalysisAccepted> {
  const session = await getActiveSession(services, tenant, sessionId);
  const dataset = await services.sessions.dataset(sessionId, request.datasetId);
  if (!dataset) throw new DatasetNotFound(request.datasetId);
  if (session.status === "stopped") await wakeSession(services, sessionId);

  const job = AnalysisJob.parse({
    jobId: newJobId(),
    sessionId,
    datasetId: dataset.id,
    query: request.query,
    ...(request.hypotheses ? { hypotheses: request.hypotheses } : {}),
    options: AnalysisOptions.parse(request.options ?? {}),
    submittedAt: new Date().toISOString(),
  });
  await services.quotas.admitJob(tenant, sessionId, job.jobId, Date.parse(job.submittedAt));
  try {
    await services.jobs.create(job);
  } catch (error) {
    await services.quotas.releaseJob(tenant, sessionId, job.jobId).catch(() => {});
    throw error;
  }
  try {
    const retention = { age: services.env.JOB_RETENTION_SECONDS };
    await services.queues.of(sessionId).add("analysis", job, {
      jobId: job.jobId,
      attempts: services.env.JOB_ATTEMPTS,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: retention,
      removeOnFail: retention,
    });
  } catch (error) {
    await markNeverQueued(services, job).catch(() => {});
    await services.quotas.releaseJob(tenant, sessionId, job.jobId).catch(() => {});
    throw error;
  }
  await services.sessions.touch(sessionId);
  const self = `/v1/jobs/${job.jobId}`;
  return {
    jobId: job.jobId,
    status: "queued",
    links: { self, events: `${self}/events`, report: `${self}/report` },
  };
}

/** A job whose BullMQ add failed would otherwise stay "queued" forever. */
async function markNeverQueued(services: Services, job: AnalysisJob): Promise<void> {
  const error = { code: "INTERNAL" as const, message: "the job could not be queued" };
  await services.jobs.update(
    job.sessionId,
    job.jobId,
    { status: "failed", finishedAt: new Date().toISOString(), error },
    { type: "job:failed", sessionId: job.sessionId, jobId: job.jobId, error, willRetry: false },
  );
}
