// Entry of the pipeline thread (node:worker_threads): reads a job's dataset and runs the analysis
// pipeline, so synchronous polars work never blocks the main thread's heartbeats, BullMQ lock
// renewal and cancel polling. One job at a time; the main thread terminates it to abort a job.
import { parentPort, workerData } from "node:worker_threads";
import { AppError } from "@assay/contracts";
import { DatasetLoadFailed } from "./errors.js";
import {
  PipelineRequest,
  type PipelineResult,
  PipelineThreadData,
  type ThreadMessage,
} from "./pipeline-messages.js";
import { lowerThreadPriority } from "./pipeline-priority.js";

const port = parentPort;
if (!port) throw new Error("pipeline-thread.js runs only as a worker thread");
const { llm } = PipelineThreadData.parse(workerData);
// Before polars loads, so the threads it starts inherit the priority.
lowerThreadPriority();

// Imported as the thread starts, so a warm thread runs its first job without waiting for polars.
const modules = Promise.all([import("@assay/datasets"), import("@assay/agents")]);
// A failed import surfaces as the error of the job that awaits it, not as a thread crash.
modules.catch(() => {});

/** Never fires: the main thread aborts a job by terminating this thread, even mid native call. */
const notAborted = new AbortController().signal;

const post = (message: ThreadMessage) => port.postMessage(message);

port.on("message", (raw: unknown) => {
  analyse(PipelineRequest.parse(raw)).then(
    (result) => post({ type: "result", ...result }),
    (error: unknown) => post(failure(error)),
  );
});

async function analyse({ datasetPath, format, datasetName, job }: PipelineRequest): Promise<PipelineResult> {
  const [{ readDataset }, { runPipeline }] = await modules;
  let df: Awaited<ReturnType<typeof readDataset>>;
  try {
    df = await readDataset(datasetPath, format);
  } catch (error) {
    throw new DatasetLoadFailed(`dataset ${job.datasetId} could not be read: ${messageOf(error)}`, error);
  }
  const output = await runPipeline(
    {
      df,
      sessionId: job.sessionId,
      jobId: job.jobId,
      datasetId: job.datasetId,
      datasetName,
      query: job.query,
      ...(job.hypotheses ? { hypotheses: job.hypotheses } : {}),
      options: job.options,
      llm,
    },
    {
      onProgress: (stage, pct, detail) =>
        post({ type: "progress", stage, pct, ...(detail ? { detail } : {}) }),
      onLog: (level, message) => post({ type: "log", level, message }),
      signal: notAborted,
    },
  );
  return { rows: df.height, columns: df.width, ...output };
}

function failure(error: unknown): ThreadMessage {
  const code =
    error instanceof AppError && error.code === "DATASET_LOAD_FAILED" ? error.code : "ANALYSIS_FAILED";
  return { type: "error", code, message: messageOf(error) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
