import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";

/** True when a Redis answers PING at the URL within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

const onPath = (command: string) =>
  new Promise<boolean>((resolve) => {
    const child = spawn("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    child.on("exit", (code) => resolve(code === 0));
    child.on("error", () => resolve(false));
  });

/**
 * Makes sure a Redis answers at `url`. When none does and the URL points at this machine and
 * `redis-server` is installed, starts a private one with its files under `dataDir/redis`.
 */
export async function ensureRedis(
  url: string,
  dataDir: string,
  say: (line: string) => void,
): Promise<PrivateRedis | undefined> {
  if (await redisAnswers(url)) return undefined;
  const parsed = new URL(url);
  const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(parsed.hostname);
  if (!local || !(await onPath("redis-server"))) {
    throw new Error(
      `No Redis answers at ${parsed.host}. Start one (Debian: sudo apt-get install -y redis-server) ` +
        "or point REDIS_URL at yours.",
    );
  }
  const dir = path.resolve(dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const port = parsed.port || "6379";
  const child = spawn(
    "redis-server",
    ["--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes"],
    {
      stdio: "ignore",
    },
  );
  for (let attempt = 0; attempt < 50 && !(await redisAnswers(url)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!(await redisAnswers(url)))
    throw new Error(`started redis-server on port ${port}, but it does not answer`);
  say(`No Redis was running: started a private redis-server on port ${port} (files in ${dir}).`);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
