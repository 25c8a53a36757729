import { AppError, DependencyDown } from "@assay/contracts";

export class PayloadTooLarge extends AppError {
  constructor(readonly limitBytes: number) {
    super("PAYLOAD_TOO_LARGE", `the body is larger than the limit of ${limitBytes} bytes`);
  }
}

export class JobAlreadyFinished extends AppError {
  constructor(
    readonly jobId: string,
    readonly jobStatus: string,
  ) {
    super("JOB_ALREADY_FINISHED", `job ${jobId} already ${jobStatus}`);
  }
}

export class ReportNotReady extends AppError {
  constructor(
    readonly jobId: string,
    readonly jobStatus: string,
  ) {
    super("REPORT_NOT_READY", `job ${jobId} is ${jobStatus}; its report exists once it has succeeded`);
  }
}

export class ArtifactNotFound extends AppError {
  constructor(readonly jobId: string) {
    super("ARTIFACT_NOT_FOUND", `no such artifact for job ${jobId}`);
  }
}

const REDIS_DOWN_MESSAGES = [
  "Command timed out",
  "Connection is closed",
  "Stream isn't writeable",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
];

/** ioredis errors that mean Redis cannot be reached (as opposed to a bad command). */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "MaxRetriesPerRequestError") return true;
  return REDIS_DOWN_MESSAGES.some((text) => error.message.includes(text));
}

export function redisDown(cause: unknown): DependencyDown {
  return new DependencyDown("REDIS_UNAVAILABLE", "Redis is unavailable; try again shortly", cause);
}

/** 429s carry how long to wait; the error handler turns it into `Retry-After`. */
export class TooManyRequests extends AppError {
  constructor(
    code: "RATE_LIMITED" | "QUOTA_EXCEEDED",
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

export class UploadTimedOut extends AppError {
  constructor(readonly timeoutMs: number) {
    super("REQUEST_TIMEOUT", `the upload did not finish within ${timeoutMs} ms`);
  }
}
