import type { ErrorCode } from "@assay/contracts";
import { AssayApiError } from "./errors.js";

type ClientCode = "UNREACHABLE" | "SESSION_NOT_READY" | "TIMEOUT" | "HTTP_ERROR";

/**
 * What each error code means for the person using Assay, in a sentence. Partial on purpose: a code
 * added to the contracts later still gets the api's own message, with a generic sentence.
 */
const SENTENCES: Partial<Record<ErrorCode | ClientCode, string>> = {
  BAD_REQUEST: "The request was not understood.",
  UNAUTHORIZED: "The api needs a valid api key (set ASSAY_API_KEY).",
  FORBIDDEN: "This api key is not allowed to do that.",
  REQUEST_TIMEOUT: "The request took too long to arrive; check the network and try again.",
  RATE_LIMITED: "Too many requests in a short time; wait a moment and try again.",
  QUOTA_EXCEEDED: "This api key has used up its quota.",
  REQUEST_HEADER_TOO_LARGE: "The request headers are too large.",
  DATASET_TOO_WIDE: "The file has more columns than the api accepts.",
  DATASET_LINE_TOO_LONG: "The file has a line longer than the api accepts.",
  DATASET_NOT_TEXT: "The file does not look like text; is it the format its name says?",
  INVALID_JSON: "The request body is not valid JSON.",
  VALIDATION_FAILED: "Some of what was sent is not valid.",
  EMPTY_DATASET: "The file has no rows to analyse.",
  DATASET_UNPARSEABLE: "The file could not be read as the format it claims to be.",
  DATASET_NOT_IN_SESSION: "That dataset belongs to another session.",
  NOT_FOUND: "The api has no such route; it may be older than this tool.",
  SESSION_NOT_FOUND: "There is no session with that id; it may have been deleted or stopped for good.",
  DATASET_NOT_FOUND: "There is no dataset with that id.",
  JOB_NOT_FOUND: "There is no job with that id.",
  ARTIFACT_NOT_FOUND: "The job has no such output file.",
  METHOD_NOT_ALLOWED: "The api does not allow that action on this resource.",
  NOT_ACCEPTABLE: "The api cannot answer in the format asked for.",
  SESSION_NOT_ACTIVE: "The session is not running any more; start a new one.",
  JOB_ALREADY_FINISHED: "The job has already finished.",
  REPORT_NOT_READY: "The report is not ready yet; the job has not succeeded.",
  PAYLOAD_TOO_LARGE: "The file is larger than the api accepts.",
  UNSUPPORTED_MEDIA_TYPE: "That file type is not supported; use CSV, TSV, JSON, NDJSON or Parquet.",
  REDIS_UNAVAILABLE: "The api cannot reach its database (Redis) right now; try again shortly.",
  SCHEDULER_UNAVAILABLE: "No scheduler is running, so no worker can start; try again shortly.",
  INTERNAL: "The api hit an unexpected error.",
  JOB_TIMEOUT: "The analysis took longer than its time limit.",
  JOB_CANCELLED: "The analysis was cancelled.",
  WORKER_OUT_OF_MEMORY: "The worker ran out of memory on this dataset.",
  WORKER_LOST: "The worker running the analysis stopped unexpectedly.",
  DATASET_LOAD_FAILED: "The worker could not load the dataset.",
  ANALYSIS_FAILED: "The analysis failed.",
  UNREACHABLE: "Cannot reach the Assay api; check that it is running and that its address is right.",
  SESSION_NOT_READY: "The session's worker did not start.",
  TIMEOUT: "Gave up waiting.",
  HTTP_ERROR: "The api answered with an unexpected error.",
};

/** A sentence for an error code, with the api's own message as the detail. */
export function explainCode(code: string, detail?: string): string {
  const sentence = (SENTENCES as Record<string, string>)[code] ?? "Something went wrong.";
  return detail && detail !== sentence ? `${sentence} (${detail})` : sentence;
}

/** Any thrown value in words a person understands. */
export function explainError(error: unknown): string {
  if (error instanceof AssayApiError) return explainCode(error.code, error.message);
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True for answers that mean "no such thing" (any 404). */
export const isNotFound = (error: unknown) => error instanceof AssayApiError && error.status === 404;
