import { text } from "node:stream/consumers";
import { type AssayEvent, LlmReport } from "@assay/contracts";
import { storageKeys } from "@assay/runtime";
import type { Services } from "../services.js";
import type { ApiMetrics } from "./api-metrics.js";

type SamplerServices = Pick<
  Services,
  "redis" | "keys" | "sessions" | "events" | "queues" | "storage" | "logger"
>;

export interface SamplerOptions {
  /** Newest live sessions read per refresh. */
  sampleSize: number;
  /** Refreshes within this long of the last one are skipped. */
  cacheMs: number;
}

const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "failed", "completed"] as const;
const EVENTS_PER_REFRESH = 1_000;
const MAX_TRACKED_JOBS = 10_000;
const MAX_REPORT_BYTES = 32 * 1024 * 1024;

interface JobTrack {
  startedAt: number;
  stage?: string;
  stageSince: number;
  stages: { stage: string; seconds: number }[];
}

/**
 * Reads what /metrics reports about sessions, on demand and bounded: per refresh, the newest
 * `sampleSize` live sessions' statuses, queue counts (BullMQ getJobCounts) and the events their
 * streams gained since the last refresh. Job and worker counters come from those events, so they
 * cover sampled sessions only, and every api replica counts the same events (aggregate with max,
 * not sum). After an api restart the counters start over from each stream's retained history.
 */
export class SessionSampler {
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  /** Last event id read per session (insertion order = least recently sampled first). */
  private readonly cursors = new Map<string, string>();
  private readonly jobs = new Map<string, JobTrack>();

  constructor(
    private readonly services: SamplerServices,
    private readonly metrics: ApiMetrics,
    private readonly options: SamplerOptions,
  ) {}

  /** Brings the gauges and counters up to date, unless the last refresh is recent; one at a time. */
  refresh(): Promise<void> {
    if (Date.now() - this.lastRefreshAt < this.options.cacheMs) return Promise.resolve();
    this.refreshing ??= this.sample().finally(() => {
      this.lastRefreshAt = Date.now();
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async sample(): Promise<void> {
    const { redis, keys, sessions, queues } = this.services;
    const [ids, live, pending] = await Promise.all([
      redis.zrevrange(keys.sessions, 0, this.options.sampleSize - 1),
      redis.zcard(keys.sessions),
      redis.zcard(keys.pendingSessions),
    ]);
    const [records, counts] = await Promise.all([
      Promise.all(ids.map((id) => sessions.get(id))),
      Promise.all(ids.map((id) => queues.of(id).getJobCounts(...QUEUE_STATES))),
    ]);
    await Promise.all(ids.map((id) => this.readEvents(id)));

    const { metrics } = this;
    metrics.liveSessions.set(live);
    metrics.pendingSessions.set(pending);
    metrics.sampledSessions.set(ids.length);
    metrics.queueJobs.reset();
    for (const state of QUEUE_STATES) {
      metrics.queueJobs.set(
        { state },
        counts.reduce((sum, count) => sum + (count[state] ?? 0), 0),
      );
    }
    metrics.sessionsByStatus.reset();
    metrics.workers.reset();
    for (const record of records) {
      if (!record) continue;
      metrics.sessionsByStatus.inc({ status: record.status });
      if (record.worker) metrics.workers.inc({ runtime: record.worker.runtime, state: record.status });
    }
    this.forgetOldCursors();
  }

  private async readEvents(sessionId: string): Promise<void> {
    const after = this.cursors.get(sessionId) ?? "0";
    const events = await this.services.events.after(sessionId, after, EVENTS_PER_REFRESH);
    this.cursors.delete(sessionId);
    this.cursors.set(sessionId, events.at(-1)?.id ?? after);
    for (const { event } of events) await this.observe(event);
  }

  private async observe(event: AssayEvent): Promise<void> {
    const { metrics } = this;
    const at = Date.parse(event.at);
    switch (event.type) {
      case "session:worker-exited":
        metrics.workerExits.inc({
          runtime: event.worker.runtime,
          restarted: String(event.restartInMs !== null),
        });
        return;
      case "job:started":
        this.track(event.jobId, { startedAt: at, stageSince: at, stages: [] });
        return;
      case "job:progress": {
        const job = this.jobs.get(event.jobId);
        if (!job || job.stage === event.stage) return;
        this.closeStage(job, at);
        job.stage = event.stage;
        return;
      }
      case "job:succeeded":
        this.finish(event.jobId, "succeeded", at, event.result.durationMs / 1000);
        await this.countLlmTokens(event.sessionId, event.jobId);
        return;
      case "job:failed":
        if (!event.willRetry) this.finish(event.jobId, "failed", at);
        return;
      case "job:cancelled":
        this.finish(event.jobId, "cancelled", at);
        return;
      default:
        return;
    }
  }

  private track(jobId: string, job: JobTrack): void {
    this.jobs.set(jobId, job);
    for (const oldest of this.jobs.keys()) {
      if (this.jobs.size <= MAX_TRACKED_JOBS) break;
      this.jobs.delete(oldest);
    }
  }

  private closeStage(job: JobTrack, at: number): void {
    if (job.stage) job.stages.push({ stage: job.stage, seconds: Math.max(0, (at - job.stageSince) / 1000) });
    job.stageSince = at;
  }

  private finish(jobId: string, outcome: string, at: number, reportedSeconds?: number): void {
    const { metrics } = this;
    const job = this.jobs.get(jobId);
    this.jobs.delete(jobId);
    metrics.jobsFinished.inc({ outcome });
    const seconds = job ? Math.max(0, (at - job.startedAt) / 1000) : reportedSeconds;
    if (seconds !== undefined) metrics.jobDuration.observe({ outcome }, seconds);
    if (!job) return;
    this.closeStage(job, at);
    for (const stage of job.stages)
      metrics.stageDuration.observe({ stage: stage.stage, outcome }, stage.seconds);
  }

  /** The report's `llm` section, when the job's pipeline used a model. */
  private async countLlmTokens(sessionId: string, jobId: string): Promise<void> {
    const { storage, logger } = this.services;
    const key = storageKeys.artifact(sessionId, jobId, "report.json");
    try {
      const bytes = await storage.size(key);
      if (bytes === undefined || bytes > MAX_REPORT_BYTES) return;
      const report = JSON.parse(await text(storage.read(key))) as { llm?: unknown };
      const llm = LlmReport.safeParse(report.llm);
      if (!llm.success) return;
      for (const call of llm.data.calls) {
        this.metrics.llmTokens.inc({ direction: "in" }, call.tokensIn);
        this.metrics.llmTokens.inc({ direction: "out" }, call.tokensOut);
      }
    } catch (error) {
      logger.debug({ err: (error as Error).message, jobId }, "report unreadable for llm metrics");
    }
  }

  /** Keeps cursors of recently sampled sessions only (a few times the sample). */
  private forgetOldCursors(): void {
    const keep = this.options.sampleSize * 4;
    for (const sessionId of this.cursors.keys()) {
      if (this.cursors.size <= keep) break;
      this.cursors.delete(sessionId);
    }
  }
}
