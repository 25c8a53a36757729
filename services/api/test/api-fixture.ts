import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createKey } from "@assay/auth";
import {
  closeRedis,
  createLogger,
  createRedis,
  type Logger,
  parseEnv,
  type Redis,
  unlinkMatching,
} from "@assay/runtime";
import { nanoid } from "nanoid";
import { type ApiApp, createApp } from "../src/app.js";
import { ApiEnv } from "../src/env.js";

export interface ApiFixture {
  api: ApiApp;
  url: string;
  env: ApiEnv;
  /** A separate connection for arranging and checking state. */
  redis: Redis;
  /** The tenant of `token`, unique to this fixture. */
  tenant: string;
  /** An API key of `tenant`, created at start. */
  token: string;
  /** fetch against the api with `token` as the Bearer key (unless init sets Authorization). */
  call(route: string, init?: RequestInit): Promise<Response>;
  /** A fresh key for another (or the same) tenant. */
  newKey(tenant: string): Promise<string>;
  close(): Promise<void>;
}

export const freshTenant = () =>
  `t-${nanoid(10)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}`;

/**
 * Starts the api in-process on a free port with its own key prefix and data directory, and
 * creates a tenant with a key (skipped with `{ withKey: false }`, e.g. when Redis is unreachable).
 */
export async function startApi(
  overrides: Record<string, string> = {},
  { withKey = true, logger }: { withKey?: boolean; logger?: Logger } = {},
): Promise<ApiFixture> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-api-"));
  const env = parseEnv(ApiEnv, {
    KEY_PREFIX: `test-${nanoid(10).replace(/[^A-Za-z0-9]/g, "x")}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    PORT: "0",
    ...overrides,
  });
  const api = createApp({ env, logger: logger ?? createLogger("api-test", env.LOG_LEVEL) });
  const { url } = await api.listen();
  const redis = createRedis(env.REDIS_URL, "api-test");
  redis.on("error", () => {}); // the redis-down test points it at nothing on purpose
  const newKey = async (tenant: string) => (await createKey(redis, api.services.keys, tenant)).token;
  const tenant = freshTenant();
  const token = withKey ? await newKey(tenant) : "";
  return {
    api,
    url,
    env,
    redis,
    tenant,
    token,
    newKey,
    call(route, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has("Authorization") && token) headers.set("Authorization", `Bearer ${token}`);
      return fetch(`${url}${route}`, { ...init, headers });
    },
    async close() {
      await api.close();
      await purgePrefix(redis, env.KEY_PREFIX);
      await closeRedis(redis);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function purgePrefix(redis: Redis, prefix: string): Promise<void> {
  if (redis.status !== "end") await unlinkMatching(redis, `${prefix}:*`);
}
