import type { JobStore } from "@assay/runtime";
import { JobCancelled, JobTimedOut } from "./errors.js";

/** How often a running job looks for a cancel request. */
export const CANCEL_POLL_MS = 250;

/**
 * The abort signal of one running job: fires when a cancel is requested (polled) or the job's
 * time limit passes. `signal.reason` says which (JobCancelled or JobTimedOut).
 */
export class JobAbort {
  private readonly controller = new AbortController();
  private readonly poller: NodeJS.Timeout;
  private readonly deadline: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly jobs: JobStore,
    private readonly sessionId: string,
    private readonly jobId: string,
    timeoutMs: number,
  ) {
    this.poller = setInterval(() => void this.pollCancel(), CANCEL_POLL_MS);
    this.deadline = setTimeout(() => this.controller.abort(new JobTimedOut(timeoutMs)), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles like `work`, or rejects with the abort reason as soon as the signal fires. */
  race<T>(work: Promise<T>): Promise<T> {
    const { signal } = this;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Stops watching; safe to call twice. */
  close(): void {
    clearInterval(this.poller);
    clearTimeout(this.deadline);
  }

  private async pollCancel(): Promise<void> {
    if (this.polling || this.signal.aborted) return;
    this.polling = true;
    try {
      if (await this.jobs.isCancelRequested(this.sessionId, this.jobId)) {
        this.controller.abort(new JobCancelled(this.jobId));
      }
    } catch {
      // Redis hiccup: the next poll asks again.
    } finally {
      this.polling = false;
    }
  }
}
