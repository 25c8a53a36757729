import { Command } from "commander";
import { registerAnalyze } from "./commands/analyze.js";
import { registerJobs } from "./commands/jobs.js";
import { registerKeys } from "./commands/keys.js";
import { registerLogs } from "./commands/logs.js";
import { registerSessions } from "./commands/sessions.js";
import type { CliIo } from "./context.js";

/** The `assay` command tree; errors propagate to main, which maps them to exit codes. */
export function createProgram(io: CliIo): Command {
  const program = new Command("assay")
    .description("Analyse datasets with an Assay server")
    .option("--json", "machine-readable output only (JSON on stdout)")
    .addHelpText(
      "after",
      [
        "",
        "Environment:",
        "  API_URL         the Assay api (default http://127.0.0.1:8080)",
        "  ASSAY_API_KEY   api key sent as a Bearer token",
        "  REDIS_URL, KEY_PREFIX   the deployment's Redis, for `assay keys` only",
        "",
        "Exit codes: 0 ok, 1 job failed or cancelled, 2 usage error, 3 api or network error, 4 not found",
      ].join("\n"),
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerAnalyze(program, io);
  registerSessions(program, io);
  registerJobs(program, io);
  registerLogs(program, io);
  registerKeys(program, io);
  // Sub-commands inherit neither exitOverride nor the output streams: apply them throughout.
  const applyAll = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
      });
      applyAll(sub);
    }
  };
  applyAll(program);
  return program;
}
