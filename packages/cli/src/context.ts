import { AssayClient } from "@assay/client";
import type { Command } from "commander";
import type { CliEnv } from "./env.js";

/** What every command needs: the client, where to print, and whether output is for scripts. */
export interface CliContext {
  client: AssayClient;
  apiUrl: string;
  /** Machine-readable output only: one JSON document on stdout, nothing else. */
  json: boolean;
  stdout: NodeJS.WritableStream;
  /** Progress and messages for people; silent with --json. */
  stderr: NodeJS.WriteStream;
}

export interface CliIo {
  env: CliEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

export function contextOf(command: Command, io: CliIo): CliContext {
  const { json } = command.optsWithGlobals<{ json?: boolean }>();
  return {
    client: new AssayClient({
      baseUrl: io.env.API_URL,
      ...(io.env.ASSAY_API_KEY ? { apiKey: io.env.ASSAY_API_KEY } : {}),
    }),
    apiUrl: io.env.API_URL,
    json: json === true,
    stdout: io.stdout,
    stderr: io.stderr,
  };
}

/** Prints `data` as JSON with --json, else the human text. */
export function output(ctx: CliContext, data: unknown, human: () => string): void {
  ctx.stdout.write(ctx.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

/** A note for people (stderr), never mixed into --json output. */
export function note(ctx: CliContext, line: string): void {
  if (!ctx.json) ctx.stderr.write(`${line}\n`);
}
