import { AppError } from "@assay/contracts";

export class DatasetLoadFailed extends AppError {
  constructor(message: string, cause?: unknown) {
    super("DATASET_LOAD_FAILED", message, { cause });
  }
}

export class JobTimedOut extends AppError {
  constructor(readonly timeoutMs: number) {
    super("JOB_TIMEOUT", `the analysis did not finish within ${timeoutMs} ms`);
  }
}

export class JobCancelled extends AppError {
  constructor(readonly jobId: string) {
    super("JOB_CANCELLED", `job ${jobId} was cancelled`);
  }
}

export class AnalysisFailed extends AppError {
  constructor(message: string, cause?: unknown) {
    super("ANALYSIS_FAILED", message, { cause });
  }
}

/** Another attempt owns the job now (our BullMQ lock expired): this one must not finish it. */
export class JobLockLost extends AppError {
  constructor(readonly jobId: string) {
    super("WORKER_LOST", `lost the lock on job ${jobId}; another attempt owns it`);
  }
}

/** The pipeline thread hit its heap limit; the same data would exhaust it again. */
export class WorkerOutOfMemory extends AppError {
  constructor(
    readonly heapLimitMb: number | undefined,
    cause?: unknown,
  ) {
    const limit = heapLimitMb === undefined ? "its memory limit" : `its ${heapLimitMb} MB heap limit`;
    super("WORKER_OUT_OF_MEMORY", `the analysis ran out of memory (${limit})`, { cause });
  }
}
