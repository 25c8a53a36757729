#!/usr/bin/env node
import { parseCliEnv } from "./env.js";
import { errorLine, exitCodeOf } from "./exit-codes.js";
import { createProgram } from "./program.js";

async function main(): Promise<number> {
  try {
    const env = parseCliEnv(process.env);
    await createProgram({ env, stdout: process.stdout, stderr: process.stderr }).parseAsync(process.argv);
    return 0;
  } catch (error) {
    const line = errorLine(error);
    if (line) process.stderr.write(`${line}\n`);
    return exitCodeOf(error);
  }
}

process.exitCode = await main();
