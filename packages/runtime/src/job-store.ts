import {
  type AnalysisJob,
  type AssayEventInput,
  ErrorInfo,
  JobResult,
  type JobStage,
  type JobStatus,
  type JobView,
  type RedisKeys,
} from "@assay/contracts";
import type { Redis } from "ioredis";
import type { EventLog } from "./event-log.js";

export interface JobPatch {
  status?: JobStatus;
  stage?: JobStage;
  pct?: number;
  attempts?: number;
  startedAt?: string;
  finishedAt?: string;
  error?: ErrorInfo;
  result?: JobResult;
}

/** A job's status record (one hash per job, in its session's slot) and the job-to-session index. */
export class JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly events: EventLog,
  ) {}

  async create(job: AnalysisJob): Promise<void> {
    const batch = this.redis
      .multi()
      .hset(this.keys.job(job.sessionId, job.jobId), {
        id: job.jobId,
        sessionId: job.sessionId,
        datasetId: job.datasetId,
        query: job.query,
        status: "queued",
        stage: "queued",
        pct: 0,
        attempts: 0,
        createdAt: job.submittedAt,
      })
      .zadd(this.keys.sessionJobs(job.sessionId), Date.parse(job.submittedAt), job.jobId)
      .set(this.keys.jobIndex(job.jobId), job.sessionId);
    this.events.appendTo(batch, { type: "job:queued", sessionId: job.sessionId, jobId: job.jobId });
    // One round trip: this is on the submit path.
    await batch.exec();
  }

  async sessionOf(jobId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.jobIndex(jobId))) ?? undefined;
  }

  async get(sessionId: string, jobId: string): Promise<JobView | undefined> {
    const hash = await this.redis.hgetall(this.keys.job(sessionId, jobId));
    return hash.id ? toView(hash) : undefined;
  }

  async list(sessionId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.sessionJobs(sessionId), "0", "-1");
  }

  /** Applies a patch and, in the same transaction, appends the event that reports it. */
  async update(sessionId: string, jobId: string, patch: JobPatch, event?: AssayEventInput): Promise<void> {
    const fields: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      fields[name] = typeof value === "object" ? JSON.stringify(value) : value;
    }
    const batch = this.redis.multi();
    if (Object.keys(fields).length > 0) batch.hset(this.keys.job(sessionId, jobId), fields);
    if (event) this.events.appendTo(batch, event);
    const results = await batch.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async requestCancel(sessionId: string, jobId: string): Promise<void> {
    await this.redis.set(this.keys.jobCancel(sessionId, jobId), "1", "EX", 7 * 24 * 3600);
  }

  async isCancelRequested(sessionId: string, jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.jobCancel(sessionId, jobId))) === 1;
  }
}

function toView(hash: Record<string, string>): JobView {
  return {
    id: hash.id!,
    sessionId: hash.sessionId!,
    datasetId: hash.datasetId!,
    query: hash.query ?? "",
    status: hash.status as JobStatus,
    progress: { stage: (hash.stage ?? "queued") as JobStage, pct: Number(hash.pct ?? 0) },
    attempts: Number(hash.attempts ?? 0),
    createdAt: hash.createdAt!,
    startedAt: hash.startedAt ?? null,
    finishedAt: hash.finishedAt ?? null,
    ...(hash.error ? { error: ErrorInfo.parse(JSON.parse(hash.error)) } : {}),
    ...(hash.result ? { result: JobResult.parse(JSON.parse(hash.result)) } : {}),
  };
}
