import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeRedis, createLogger, createRedis, parseEnv, type Redis } from "@assay/runtime";
import { nanoid } from "nanoid";
import { type ApiApp, createApp } from "../src/app.js";
import { ApiEnv } from "../src/env.js";

export interface ApiFixture {
  api: ApiApp;
  url: string;
  env: ApiEnv;
  /** A separate connection for arranging and checking state. */
  redis: Redis;
  close(): Promise<void>;
}

/** Starts the api in-process on a free port with its own key prefix and data directory. */
export async function startApi(overrides: Record<string, string> = {}): Promise<ApiFixture> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-api-"));
  const env = parseEnv(ApiEnv, {
    KEY_PREFIX: `test-${nanoid(10).replace(/[^A-Za-z0-9]/g, "x")}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    PORT: "0",
    ...overrides,
  });
  const api = createApp({ env, logger: createLogger("api-test", env.LOG_LEVEL) });
  const { url } = await api.listen();
  const redis = createRedis(env.REDIS_URL, "api-test");
  redis.on("error", () => {}); // the redis-down test points it at nothing on purpose
  return {
    api,
    url,
    env,
    redis,
    async close() {
      await api.close();
      await purgePrefix(redis, env.KEY_PREFIX);
      await closeRedis(redis);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function purgePrefix(redis: Redis, prefix: string): Promise<void> {
  if (redis.status === "end") return;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", "1000");
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}
