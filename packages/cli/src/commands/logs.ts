import type { StoredEvent } from "@assay/contracts";
import type { Command } from "commander";
import { type CliContext, type CliIo, contextOf } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { formatEvent } from "../format.js";

/** Without --follow, the replay is over once no event arrived for this long (SSE has no end-of-replay marker). */
const REPLAY_QUIET_MS = 750;

export function registerLogs(program: Command, io: CliIo): void {
  program
    .command("logs")
    .description("print the events of a session or a job (one line each; NDJSON with --json)")
    .argument("<id>", "session id (ses_...) or job id (job_...)")
    .option("-f, --follow", "keep printing new events (a job's stream ends with the job)")
    .action(async (id: string, options: { follow?: boolean }, command: Command) => {
      await printLogs(contextOf(command, io), id, options.follow === true);
    });
}

async function printLogs(ctx: CliContext, id: string, follow: boolean) {
  const isJob = id.startsWith("job_");
  if (!isJob && !id.startsWith("ses_"))
    throw new UsageError(`'${id}' is neither a session id (ses_...) nor a job id (job_...)`);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  // A finished job's stream ends by itself after the replay; anything else needs the quiet window.
  const endsByItself =
    follow || (isJob && ["succeeded", "failed", "cancelled"].includes((await ctx.client.getJob(id)).status));
  let quiet: NodeJS.Timeout | undefined;
  const rearm = () => {
    if (endsByItself) return;
    clearTimeout(quiet);
    quiet = setTimeout(() => stop.abort(), REPLAY_QUIET_MS);
  };
  try {
    rearm();
    const events = isJob
      ? ctx.client.jobEvents(id, { signal: stop.signal })
      : ctx.client.sessionEvents(id, { signal: stop.signal });
    for await (const stored of events) {
      print(ctx, stored);
      rearm();
    }
  } finally {
    clearTimeout(quiet);
    process.off("SIGINT", onSignal);
  }
}

function print(ctx: CliContext, stored: StoredEvent) {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(stored)}\n` : `${formatEvent(stored)}\n`);
}
