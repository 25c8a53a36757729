#!/usr/bin/env node
// `pnpm start`: the whole stack on this machine with the process runtime.
import { prettyLogSink } from "./pretty-logs.js";
import { startStack } from "./stack.js";

const port = Number(process.env.PORT ?? 8080);
const stack = await startStack({
  env: Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ),
  port,
  host: process.env.HOST ?? "127.0.0.1",
  onLine: prettyLogSink(),
  say: (line) => console.log(line),
}).catch((error: Error) => {
  console.error(`Assay could not start: ${error.message}`);
  process.exit(1);
});

console.log(`\nAssay is up: ${stack.apiUrl}  (health: ${stack.apiUrl}/readyz; Ctrl-C stops)\n`);
const stop = () => void stack.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
for (const [name, child] of Object.entries(stack.services)) {
  child.once("exit", (code) => {
    console.error(`${name} exited (code ${code}); stopping the stack`);
    void stack.close().then(() => process.exit(1));
  });
}
