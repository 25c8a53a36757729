import { type AnalysisAccepted, AnalysisJob, type AnalysisRequest, DatasetNotFound } from "@assay/contracts";
import { newJobId } from "@assay/runtime";
import type { Services } from "../services.js";
import { batchWritesThisTurn } from "../write-batching.js";
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
    options: request.options ?? {}, // AnalysisJob's parse fills in the option defaults
    submittedAt: submittedAt.toISOString(),
  });
  // One round trip for the record, the BullMQ job and the touch. They share one connection and the
  // record's MULTI is written before the add's script, so Redis has the record before a worker can
  // take the job (a worker that finds no record fails the job).
  const queue = services.queues.of(sessionId);
  batchWritesThisTurn(services.queueRedis);
  const retention = { age: services.env.JOB_RETENTION_SECONDS };
  const [recorded, queued, touched] = await Promise.allSettled([
    services.jobs.create(job),
    queue.add("analysis", job, {
      jobId,
      attempts: services.env.JOB_ATTEMPTS,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: retention,
      removeOnFail: retention,
    }),
    services.sessions.touch(sessionId),
  ]);
  if (recorded.status === "rejected") {
    if (queued.status === "fulfilled") await queue.remove(jobId).catch(() => {});
    await release();
    throw recorded.reason;
  }
  if (queued.status === "rejected") {
    await markNeverQueued(services, job).catch(() => {});
    await release();
    throw queued.reason;
  }
  if (touched.status === "rejected") throw touched.reason;
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
