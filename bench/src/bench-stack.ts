import { type IsolatedStack, startIsolatedStack } from "@assay/devstack";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A whole stack (api + scheduler + process workers) on 127.0.0.1, isolated by key prefix and data dir. */
export type BenchStack = IsolatedStack;

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

/**
 * Auth is off (loopback only, as the demo stack runs) and tenant limits are raised, so the
 * benchmarks measure the request path rather than hit quotas meant for shared deployments.
 */
export async function startBenchStack(env: Record<string, string> = {}): Promise<BenchStack> {
  const recent: string[] = [];
  let stack: IsolatedStack;
  try {
    stack = await startIsolatedStack({
      name: "bench",
      env: {
        REDIS_URL,
        LOG_LEVEL: "warn",
        AUTH_DISABLED: "true",
        MAX_WORKERS: "64",
        TENANT_MAX_SESSIONS: "1000",
        TENANT_MAX_CONCURRENT_JOBS: "100000",
        TENANT_REQUESTS_PER_MINUTE: "10000000",
        ...env,
      },
      // BENCH_VERBOSE=1 shows the services' own log lines (warnings and errors at LOG_LEVEL=warn).
      onLine: (service, line) => {
        recent.push(`[${service}] ${line}`);
        if (recent.length > 20) recent.shift();
        if (process.env.BENCH_VERBOSE) console.error(`[${service}] ${line}`);
      },
    });
  } catch (error) {
    // The services' last words say why (a bad env value, a missing image, ...).
    throw new Error(`${(error as Error).message}: ${recent.slice(-1).map(logMessage).join(" ")}`);
  }
  const bench: BenchStack = {
    ...stack,
    close: () => stack.close().finally(() => openStacks.delete(bench)),
  };
  openStacks.add(bench);
  return bench;
}
