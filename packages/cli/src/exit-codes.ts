import { AssayApiError, explainError, isNotFound } from "@assay/client";
import { CommanderError } from "commander";

/** What the process exit status means, for scripts. */
export const ExitCode = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  api: 3,
  notFound: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Wrong arguments or environment: exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A job that ended failed or cancelled: exit 1, after its outcome was printed. */
export class JobDidNotSucceed extends Error {
  override name = "JobDidNotSucceed";
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof JobDidNotSucceed) return ExitCode.jobFailed;
  if (isNotFound(error)) return ExitCode.notFound;
  if (error instanceof AssayApiError) return ExitCode.api;
  return ExitCode.api;
}

/** The line printed for an error, or nothing when commander already printed it. */
export function errorLine(error: unknown): string | undefined {
  if (error instanceof CommanderError) return undefined;
  return `error: ${explainError(error)}`;
}
