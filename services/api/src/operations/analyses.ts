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
  const jobId = newJobId();
  const submittedAt = new Date();
  // Independent steps go out together (one round trip where there were three); admission is
  // undone when the session or dataset turns out to be missing, and their errors come first.
  const [session, dataset, admission] = await Promise.allSettled([
    getActiveSession(services, tenant, sessionId),
    services.sessions.dataset(sessionId, request.datasetId),
    services.quotas.admitJob(tenant, sessionId, jobId, submittedAt.getTime()),
  ]);
  const release = () => services.quotas.releaseJob(tenant, sessionId, jobId).catch(() => {});
  if (session.status === "rejected" || dataset.status === "rejected" || !dataset.value) {
    if (admission.status === "fulfilled") await release();
    if (session.status === "rejected") throw session.reason;
    if (dataset.status === "rejected") throw dataset.reason;
    throw new DatasetNotFound(request.datasetId);
  }
  if (admission.status === "rejected") throw admission.reason;
  if (session.value.status === "stopped") await wakeSession(services, sessionId);

  const job = AnalysisJob.parse({
    jobId,
    sessionId,
    datasetId: dataset.value.id,
    query: request.query,
    ...(request.hypotheses ? { hypotheses: request.hypotheses } : {}),
    options: AnalysisOptions.parse(request.options ?? {}),
    submittedAt: submittedAt.toISOString(),
  });
  // The record goes in before the BullMQ job: a worker that finds no record fails the job.
  try {
    await services.jobs.create(job);
  } catch (error) {
    await release();
    throw error;
  }
  const retention = { age: services.env.JOB_RETENTION_SECONDS };
  const queued = services.queues
    .of(sessionId)
    .add("analysis", job, {
      jobId,
      attempts: services.env.JOB_ATTEMPTS,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: retention,
      removeOnFail: retention,
    })
    .catch(async (error: unknown) => {
      await markNeverQueued(services, job).catch(() => {});
      await release();
      throw error;
    });
  await Promise.all([queued, services.sessions.touch(sessionId)]);
  const self = `/v1/jobs/${job.jobId}`;
  return {
    jobId,
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
