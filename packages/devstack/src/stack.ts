import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureRedis, type PrivateRedis } from "./redis-check.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface StackOptions {
  /** Environment for every service (REDIS_URL, DATA_DIR, KEY_PREFIX, ...). */
  env: Record<string, string>;
  port: number;
  host?: string;
  /** Receives each line a service prints, tagged with the service name. */
  onLine?: (service: string, line: string) => void;
  say?: (line: string) => void;
}

export interface Stack {
  apiUrl: string;
  services: Record<string, ChildProcess>;
  close(): Promise<void>;
}

function startService(
  name: string,
  entry: string,
  env: Record<string, string>,
  onLine: StackOptions["onLine"],
) {
  const child = spawn(process.execPath, [path.join(repoRoot, entry)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) onLine?.(name, line);
    });
  }
  return child;
}

const isLoopback = (host: string) => host === "localhost" || host === "::1" || host.startsWith("127.");

const stopChild = (child: ChildProcess, graceMs = 10_000) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });

/** Starts Redis (if needed), the scheduler and the api as processes, and waits until /readyz answers. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const say = options.say ?? (() => {});
  const redisUrl = options.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const dataDir = options.env.DATA_DIR ?? ".data";
  const privateRedis: PrivateRedis | undefined = await ensureRedis(redisUrl, dataDir, say);
  const host = options.host ?? "127.0.0.1";
  // One machine, loopback only: no keys unless asked for (AUTH_DISABLED=false). Any other host keeps
  // auth on (the api refuses AUTH_DISABLED there anyway); create keys with `pnpm assay keys create`.
  const authDisabled = options.env.AUTH_DISABLED ?? (isLoopback(host) ? "true" : "false");
  if (authDisabled === "true") say(`API keys are off (AUTH_DISABLED=true, listening on ${host} only)`);
  const env = {
    REDIS_URL: redisUrl,
    DATA_DIR: dataDir,
    ...options.env,
    AUTH_DISABLED: authDisabled,
    PORT: String(options.port),
    HOST: host,
  };
  const services = {
    scheduler: startService(
      "scheduler",
      "services/scheduler/dist/main.js",
      { SCHEDULER_STOP_WORKERS_ON_EXIT: "true", ...env },
      options.onLine,
    ),
    api: startService("api", "services/api/dist/main.js", env, options.onLine),
  };
  const apiUrl = `http://${host}:${options.port}`;
  let closed: Promise<void> | undefined;
  const stack: Stack = {
    apiUrl,
    services,
    close: () => {
      closed ??= (async () => {
        await stopChild(services.api);
        await stopChild(services.scheduler);
        await privateRedis?.stop();
      })();
      return closed;
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const [name, child] of Object.entries(services)) {
      if (child.exitCode !== null) {
        await stack.close();
        throw new Error(`${name} exited with code ${child.exitCode} during start`);
      }
    }
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return stack;
    if (Date.now() > deadline) {
      await stack.close();
      throw new Error(`the stack did not become ready at ${apiUrl}/readyz within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
