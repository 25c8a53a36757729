import { z } from "zod";

/** Every error code the system can answer with, and the HTTP status it maps to. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  REQUEST_HEADER_TOO_LARGE: 431,
  DATASET_TOO_WIDE: 400,
  DATASET_LINE_TOO_LONG: 400,
  DATASET_NOT_TEXT: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  EMPTY_DATASET: 400,
  DATASET_UNPARSEABLE: 400,
  DATASET_NOT_IN_SESSION: 400,
  NOT_FOUND: 404,
  /** The api serves the dashboard from DASHBOARD_DIR, which holds no build. */
  DASHBOARD_NOT_BUILT: 404,
  SESSION_NOT_FOUND: 404,
  DATASET_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  ARTIFACT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  SESSION_NOT_ACTIVE: 409,
  JOB_ALREADY_FINISHED: 409,
  REPORT_NOT_READY: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REDIS_UNAVAILABLE: 503,
  SCHEDULER_UNAVAILABLE: 503,
  /** The data directory is full: an upload is refused, a job's artifacts cannot be written. */
  INSUFFICIENT_STORAGE: 507,
  INTERNAL: 500,
  // Job failure reasons (reported in job status and job:failed events, not as HTTP answers).
  JOB_TIMEOUT: 500,
  JOB_CANCELLED: 500,
  WORKER_OUT_OF_MEMORY: 500,
  WORKER_LOST: 500,
  DATASET_LOAD_FAILED: 500,
  ANALYSIS_FAILED: 500,
} as const;

export const ErrorCode = z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.object({ code: ErrorCode, message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** The body of every HTTP error answer. */
export const ErrorBody = z.object({ error: ErrorInfo.extend({ requestId: z.string().optional() }) });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Base of all typed errors; `code` decides the HTTP status in the api's one error middleware. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export class SessionNotFound extends AppError {
  constructor(readonly sessionId: string) {
    super("SESSION_NOT_FOUND", `session ${sessionId} not found`);
  }
}
export class DatasetNotFound extends AppError {
  constructor(readonly datasetId: string) {
    super("DATASET_NOT_FOUND", `dataset ${datasetId} not found`);
  }
}
export class JobNotFound extends AppError {
  constructor(readonly jobId: string) {
    super("JOB_NOT_FOUND", `job ${jobId} not found`);
  }
}
export class SessionNotActive extends AppError {
  constructor(
    readonly sessionId: string,
    readonly sessionStatus: string,
  ) {
    super("SESSION_NOT_ACTIVE", `session ${sessionId} is ${sessionStatus}`);
  }
}
export class ValidationFailed extends AppError {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super("VALIDATION_FAILED", message);
  }
}
export class DependencyDown extends AppError {
  constructor(code: "REDIS_UNAVAILABLE" | "SCHEDULER_UNAVAILABLE", message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}
