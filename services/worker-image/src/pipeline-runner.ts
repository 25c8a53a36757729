import { Worker } from "node:worker_threads";
import type { LogLevel } from "@assay/agents";
import type { LlmConfig } from "@assay/agents/llm-config";
import type { JobStage } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import { AnalysisFailed, DatasetLoadFailed, WorkerOutOfMemory } from "./errors.js";
import {
  type PipelineRequest,
  type PipelineResult,
  type PipelineThreadData,
  ThreadMessage,
} from "./pipeline-messages.js";
import { AutogroupNice, PIPELINE_NICE } from "./pipeline-priority.js";

const THREAD_ENTRY = new URL("./pipeline-thread.js", import.meta.url);

export interface PipelineRunHooks {
  onProgress(stage: JobStage, pct: number, detail?: string): void;
  onLog(level: LogLevel, message: string): void;
  /** Aborting terminates the thread: the run rejects with `signal.reason` at once. */
  signal: AbortSignal;
}

export interface PipelineRunnerOptions {
  logger: Logger;
  /** V8 heap limit of the thread (`resourceLimits.maxOldGenerationSizeMb`); V8's default if unset. */
  heapLimitMb?: number | undefined;
  /** The model endpoint the pipeline may use; null runs it deterministically. */
  llm: LlmConfig | null;
}

/**
 * Runs jobs' pipelines on one reusable worker thread, so the main thread's event loop (heartbeats,
 * BullMQ lock renewal, cancel polling) stays free while polars computes. The thread is started
 * ahead of the first job (importing polars and the agents takes ~0.6-1 s) and kept between jobs;
 * an aborted or dead thread is dropped and the next run starts a fresh one.
 */
export class PipelineRunner {
  private thread: Worker | undefined;
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;
  /** Lowered while a run is in progress, so an idle worker picks up its next job at full priority. */
  private readonly priority = new AutogroupNice();

  constructor(private readonly options: PipelineRunnerOptions) {}

  /** Starts the thread now, so the next run does not wait for its imports. */
  warm(): void {
    if (!this.closed) this.current();
  }

  run(request: PipelineRequest, hooks: PipelineRunHooks): Promise<PipelineResult> {
    if (this.closed) return Promise.reject(new AnalysisFailed("the pipeline runner is closed"));
    if (hooks.signal.aborted) return Promise.reject(hooks.signal.reason);
    const thread = this.current();
    return new Promise<PipelineResult>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        this.priority.set(0);
        thread.off("message", onMessage).off("error", onError).off("exit", onExit);
        hooks.signal.removeEventListener("abort", onAbort);
        outcome();
      };
      const fail = (error: Error) => {
        // After close() the process is exiting: a job still running is left unfinished, so
        // BullMQ's stalled-job check hands it to the next worker instead of it failing here.
        if (this.closed) return;
        this.discard(thread);
        settle(() => reject(error));
      };
      const onMessage = (raw: unknown) => {
        const parsed = ThreadMessage.safeParse(raw);
        if (!parsed.success)
          return fail(new AnalysisFailed(`the pipeline sent a malformed message: ${parsed.error.message}`));
        const message = parsed.data;
        switch (message.type) {
          case "progress":
            return hooks.onProgress(message.stage, message.pct, message.detail);
          case "log":
            return hooks.onLog(message.level, message.message);
          case "result": {
            const { type: _type, ...result } = message;
            return settle(() => resolve(result));
          }
          case "error":
            return settle(() =>
              reject(
                message.code === "DATASET_LOAD_FAILED"
                  ? new DatasetLoadFailed(message.message)
                  : new AnalysisFailed(`the analysis failed: ${message.message}`),
              ),
            );
        }
      };
      const onError = (error: Error) => fail(this.threadFailure(error));
      const onExit = (code: number) =>
        fail(new AnalysisFailed(`the pipeline thread exited with code ${code}`));
      const onAbort = () => fail(hooks.signal.reason);
      thread.on("message", onMessage).on("error", onError).on("exit", onExit);
      hooks.signal.addEventListener("abort", onAbort, { once: true });
      this.priority.set(PIPELINE_NICE);
      thread.postMessage(request);
    });
  }

  /**
   * Terminates the thread and waits until every dropped thread has stopped; a run still in
   * progress never settles. Safe to call twice.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.thread) this.discard(this.thread);
    await Promise.all(this.stopping);
  }

  private current(): Worker {
    if (this.thread) return this.thread;
    const { heapLimitMb, logger, llm } = this.options;
    // Workers inherit the process's execArgv, so a `--import` module hook applies in here too.
    const thread = new Worker(THREAD_ENTRY, {
      name: "assay-pipeline",
      workerData: { llm } satisfies PipelineThreadData,
      ...(heapLimitMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapLimitMb } }),
    });
    // An idle thread keeps no process alive; runs and close() handle its end.
    thread.unref();
    thread.on("error", (error) => {
      logger.error({ err: error }, "pipeline thread failed");
      this.discard(thread);
    });
    thread.once("exit", () => this.discard(thread));
    this.thread = thread;
    return thread;
  }

  /**
   * Drops a thread and terminates it. A thread inside a native polars call stops when that call
   * returns; nobody waits for it but close().
   */
  private discard(thread: Worker): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    const stopped = thread.terminate().then(
      (exitCode) => this.options.logger.info({ exitCode }, "pipeline thread stopped"),
      (error: unknown) => this.options.logger.warn({ err: error }, "pipeline thread did not stop cleanly"),
    );
    this.stopping.add(stopped);
    void stopped.finally(() => this.stopping.delete(stopped));
  }

  private threadFailure(error: Error): Error {
    if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY") {
      return new WorkerOutOfMemory(this.options.heapLimitMb, error);
    }
    return new AnalysisFailed(`the pipeline thread failed: ${error.message}`, error);
  }
}
