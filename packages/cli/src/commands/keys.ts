import { runKeysCli } from "@assay/auth/keys-cli";
import type { Command } from "commander";
import type { CliIo } from "../context.js";
import { ExitWith } from "../exit-codes.js";

/**
 * `assay keys ...`: hands its arguments to the auth package's key tool, which talks to Redis
 * (REDIS_URL, KEY_PREFIX), not to the api. Options are passed through untouched; only the global
 * `--json`, which commander takes for the program wherever it appears, is handed back.
 */
export function registerKeys(program: Command, io: CliIo): void {
  program
    .command("keys")
    .description(
      "API keys and tenant limits: create --tenant <t> | ls | revoke <keyId> | limits --tenant <t>",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]")
    .action(async (args: string[], _options: unknown, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const code = await runKeysCli(json ? [...args, "--json"] : args, {
        out: (line) => io.stdout.write(`${line}\n`),
        err: (line) => io.stderr.write(`${line}\n`),
        env: process.env,
      });
      if (code !== 0) throw new ExitWith(code);
    });
}
