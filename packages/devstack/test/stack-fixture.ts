import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { AssayClient } from "@assay/client";
import { nanoid } from "nanoid";
import { type Stack, startStack } from "../src/stack.js";

export interface TestStack {
  stack: Stack;
  client: AssayClient;
  dataDir: string;
  keyPrefix: string;
  /** Pids of the session workers the process runtime has running now. */
  workerPids(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A whole stack (api + scheduler + process workers) isolated by key prefix and data dir. */
export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-e2e-"));
  const keyPrefix = `test-${nanoid(10)}`;
  const lines: string[] = [];
  const stack = await startStack({
    env: {
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      KEY_PREFIX: keyPrefix,
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      SCHEDULER_ID: `sched-${keyPrefix}`,
      ...env,
    },
    port: await freePort(),
    onLine: (service, line) => lines.push(`[${service}] ${line}`),
  });
  const processDir = path.join(dataDir, "runtime", "process");
  return {
    stack,
    client: new AssayClient({ baseUrl: stack.apiUrl, reconnectDelayMs: 100 }),
    dataDir,
    keyPrefix,
    async workerPids() {
      const pids = new Map<string, number>();
      const files = await readdir(processDir).catch(() => [] as string[]);
      for (const file of files.filter((name) => name.endsWith(".json"))) {
        const state = JSON.parse(await readFile(path.join(processDir, file), "utf8")) as { pid: number };
        if (isAlive(state.pid)) pids.set(file.replace(/\.json$/, ""), state.pid);
      }
      return pids;
    },
    async close() {
      await stack.close();
      if (process.env.ASSAY_TEST_KEEP_LOGS) console.log(lines.join("\n"));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
