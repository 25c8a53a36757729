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

/** A sub-tool already reported its failure and chose the exit code. */
export class ExitWith extends Error {
  override name = "ExitWith";
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof ExitWith) return error.code;
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof JobDidNotSucceed) return ExitCode.jobFailed;
  if (isNotFound(error)) return ExitCode.notFound;
  if (error instanceof AssayApiError) return ExitCode.api;
  return ExitCode.api;
}

/** The line printed for an error, or nothing when commander already printed it. */
export function errorLine(error: unknown): string | undefined {
  if (error instanceof CommanderError || error instanceof ExitWith) return undefined;
  return `error: ${explainError(error)}`;
}
