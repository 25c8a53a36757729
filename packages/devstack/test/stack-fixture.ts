import { type IsolatedStack, startIsolatedStack } from "../src/index.js";

export type TestStack = IsolatedStack;

/** A whole stack isolated by key prefix and data dir; ASSAY_TEST_KEEP_LOGS=1 prints its logs at close. */
export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const lines: string[] = [];
  const stack = await startIsolatedStack({
    name: "test",
    env: { LOG_LEVEL: "info", ...env },
    onLine: (service, line) => lines.push(`[${service}] ${line}`),
  });
  return {
    ...stack,
    close: async () => {
      await stack.close();
      if (process.env.ASSAY_TEST_KEEP_LOGS) console.log(lines.join("\n"));
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
