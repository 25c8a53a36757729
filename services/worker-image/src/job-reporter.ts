import type { LogLevel } from "@assay/agents";
import type { AssayEventInput, JobStage } from "@assay/contracts";
import type { JobPatch, JobStore, Logger } from "@assay/runtime";

/** At most this many progress updates per second reach Redis; stage changes always do. */
const PROGRESS_MIN_INTERVAL_MS = 100;

/**
 * Turns a job's progress and log callbacks into status updates and events. Writes go out one at a
 * time in call order, so events keep the order the pipeline reported them in.
 */
export class JobReporter {
  private queue: Promise<void> = Promise.resolve();
  private lastStage: JobStage | undefined;
  private lastProgressAt = 0;

  constructor(
    private readonly jobs: JobStore,
    private readonly sessionId: string,
    private readonly jobId: string,
    private readonly logger: Logger,
  ) {}

  readonly progress = (stage: JobStage, pct: number, detail?: string): void => {
    const now = Date.now();
    if (stage === this.lastStage && now - this.lastProgressAt < PROGRESS_MIN_INTERVAL_MS) return;
    this.lastStage = stage;
    this.lastProgressAt = now;
    const clamped = Math.min(100, Math.max(0, pct));
    this.enqueue(
      { stage, pct: clamped },
      { ...this.ids(), type: "job:progress", stage, pct: clamped, ...(detail ? { detail } : {}) },
    );
  };

  readonly log = (level: LogLevel, message: string): void => {
    this.logger[level]({ from: "pipeline" }, message);
    if (level !== "debug") this.enqueue({}, { ...this.ids(), type: "job:log", level, message });
  };

  /** A status change with its event, after everything reported before it. */
  update(patch: JobPatch, event: AssayEventInput): Promise<void> {
    const write = this.queue.then(() => this.jobs.update(this.sessionId, this.jobId, patch, event));
    this.queue = write.catch(() => {});
    return write;
  }

  /** Waits for every queued write. */
  flush(): Promise<void> {
    return this.queue;
  }

  private enqueue(patch: JobPatch, event: AssayEventInput): void {
    this.update(patch, event).catch((error: unknown) =>
      this.logger.warn({ err: error, event: event.type }, "job update failed"),
    );
  }

  private ids() {
    return { sessionId: this.sessionId, jobId: this.jobId };
  }
}
