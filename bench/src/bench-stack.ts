import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { AssayClient } from "@assay/client";
import { type Stack, startStack } from "@assay/devstack";
import { Redis } from "ioredis";
import { nanoid } from "nanoid";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A whole stack (api + scheduler + process workers) on 127.0.0.1, isolated by key prefix and data dir. */
export interface BenchStack {
  stack: Stack;
  client: AssayClient;
  redis: Redis;
  keyPrefix: string;
  dataDir: string;
  /** Pid of the process-runtime worker of each running session. */
  workerPids(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** Stacks not closed yet, so an interrupted run can still stop its processes and drop its keys. */
const openStacks = new Set<BenchStack>();

export async function closeOpenStacks(): Promise<void> {
  await Promise.allSettled([...openStacks].map((bench) => bench.close()));
}

/** The message of a pino JSON line (its error's message when it has one), else the line itself. */
function logMessage(line: string): string {
  try {
    const entry = JSON.parse(line.slice(line.indexOf("{"))) as { msg?: string; err?: { message?: string } };
    return entry.err?.message ?? entry.msg ?? line;
  } catch {
    return line;
  }
}

/** Deletes every key under the prefix (SCAN, never KEYS: Redis is shared). */
export async function deleteKeys(redis: Redis, keyPrefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${keyPrefix}:*`, "COUNT", 1_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

/**
 * Auth is off (loopback only, as the demo stack runs) and tenant limits are raised, so the
 * benchmarks measure the request path rather than hit quotas meant for shared deployments.
 */
export async function startBenchStack(env: Record<string, string> = {}): Promise<BenchStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-bench-"));
  const keyPrefix = `bench-${nanoid(10)}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const recent: string[] = [];
  let stack: Stack;
  try {
    stack = await startStack({
      env: {
        REDIS_URL,
        KEY_PREFIX: keyPrefix,
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        SCHEDULER_ID: `sched-${keyPrefix}`,
        AUTH_DISABLED: "true",
        MAX_WORKERS: "64",
        TENANT_MAX_SESSIONS: "1000",
        TENANT_MAX_CONCURRENT_JOBS: "100000",
        TENANT_REQUESTS_PER_MINUTE: "10000000",
        ...env,
      },
      port: await freePort(),
      host: "127.0.0.1",
      // BENCH_VERBOSE=1 shows the services' own log lines (warnings and errors at LOG_LEVEL=warn).
      onLine: (service, line) => {
        recent.push(`[${service}] ${line}`);
        if (recent.length > 20) recent.shift();
        if (process.env.BENCH_VERBOSE) console.error(`[${service}] ${line}`);
      },
    });
  } catch (error) {
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
    await rm(dataDir, { recursive: true, force: true });
    // The services' last words say why (a bad env value, a missing image, ...).
    throw new Error(`${(error as Error).message}: ${recent.slice(-1).map(logMessage).join(" ")}`);
  }
  const processDir = path.join(dataDir, "runtime", "process");
  let closed: Promise<void> | undefined;
  const bench: BenchStack = {
    stack,
    client: new AssayClient({ baseUrl: stack.apiUrl, reconnectDelayMs: 100 }),
    redis,
    keyPrefix,
    dataDir,
    async workerPids() {
      const pids = new Map<string, number>();
      const files = await readdir(processDir).catch(() => [] as string[]);
      for (const file of files.filter((name) => name.endsWith(".json"))) {
        const state = JSON.parse(await readFile(path.join(processDir, file), "utf8")) as { pid: number };
        pids.set(file.replace(/\.json$/, ""), state.pid);
      }
      return pids;
    },
    close() {
      closed ??= (async () => {
        await stack.close();
        await deleteKeys(redis, keyPrefix);
        redis.disconnect();
        await rm(dataDir, { recursive: true, force: true });
        openStacks.delete(bench);
      })();
      return closed;
    },
  };
  openStacks.add(bench);
  return bench;
}
