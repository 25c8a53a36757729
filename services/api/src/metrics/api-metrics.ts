import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const JOB_SECONDS_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The api's Prometheus metrics, on a registry of its own (several apps can live in one process,
 * as in tests). Names are documented in docs/observability.md.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: "assay_http_request_duration_seconds",
    help: "Time to answer a request (to open the stream, for SSE), by the router's route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: "assay_queue_jobs",
    help: "BullMQ jobs by state, summed over the sampled sessions' queues",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  readonly sampledSessions = new Gauge({
    name: "assay_metrics_sampled_sessions",
    help: "Live sessions (newest first, at most METRICS_SAMPLE_SESSIONS) behind the sampled gauges",
    registers: [this.registry],
  });

  readonly liveSessions = new Gauge({
    name: "assay_sessions_live",
    help: "Live sessions (exact)",
    registers: [this.registry],
  });

  readonly pendingSessions = new Gauge({
    name: "assay_sessions_pending",
    help: "Sessions waiting for worker capacity (exact)",
    registers: [this.registry],
  });

  readonly sessionsByStatus = new Gauge({
    name: "assay_sessions",
    help: "Sampled sessions by stored status",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });

  readonly workers = new Gauge({
    name: "assay_workers",
    help: "Workers (processes or containers) of the sampled sessions, by runtime and session status",
    labelNames: ["runtime", "state"] as const,
    registers: [this.registry],
  });

  readonly workerExits = new Counter({
    name: "assay_worker_exits_total",
    help: "session:worker-exited events seen in the sampled sessions' streams; restarted=true when a restart followed",
    labelNames: ["runtime", "restarted"] as const,
    registers: [this.registry],
  });

  readonly jobsFinished = new Counter({
    name: "assay_jobs_finished_total",
    help: "Final job events seen in the sampled sessions' streams, by outcome",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: "assay_job_duration_seconds",
    help: "From job:started to the final event (the worker's durationMs when the start was not seen)",
    labelNames: ["outcome"] as const,
    buckets: JOB_SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: "assay_job_stage_duration_seconds",
    help: "Time a job spent in a pipeline stage (between job:progress events), by the job's outcome",
    labelNames: ["stage", "outcome"] as const,
    buckets: JOB_SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly sseClients = new Gauge({
    name: "assay_sse_clients",
    help: "Open event-stream clients on this api process",
    registers: [this.registry],
  });

  readonly redisErrors = new Counter({
    name: "assay_redis_errors_total",
    help: "ioredis 'error' events on this process's connections",
    labelNames: ["connection"] as const,
    registers: [this.registry],
  });

  readonly llmTokens = new Counter({
    name: "assay_llm_tokens_total",
    help: "LLM tokens spent, from the llm section of succeeded jobs' reports",
    labelNames: ["direction"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "assay_api_" });
  }
}
