import type { StoredEvent } from "@assay/contracts";
import type { Command } from "commander";
import { type CliContext, type CliIo, contextOf } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { formatEvent } from "../format.js";

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
  try {
    // Without --follow the api ends the stream after the events stored so far (`?follow=false`).
    const options = { signal: stop.signal, follow };
    const events = isJob ? ctx.client.jobEvents(id, options) : ctx.client.sessionEvents(id, options);
    for await (const stored of events) print(ctx, stored);
  } finally {
    process.off("SIGINT", onSignal);
  }
}

function print(ctx: CliContext, stored: StoredEvent) {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(stored)}\n` : `${formatEvent(stored)}\n`);
}
