import { randomBytes } from "node:crypto";
import { closeRedis, createLogger, createRedis } from "@assay/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { exitWhenRedisUserIsLost, REDIS_USER_LOST_EXIT_CODE } from "../src/redis-user-lost.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("exitWhenRedisUserIsLost", () => {
  const admin = createRedis(redisUrl, "test-admin");
  const username = `test-${randomBytes(6).toString("hex")}-worker`;
  const password = randomBytes(16).toString("hex");
  afterAll(async () => {
    await admin.call("ACL", "DELUSER", username);
    await closeRedis(admin);
  });

  it("exits with 75 once Redis refuses the worker's user (deleted, or forgotten by a restart)", async () => {
    await admin.call("ACL", "SETUSER", username, "reset", "on", `>${password}`, "~*", "+@all");
    const url = new URL(redisUrl);
    url.username = username;
    url.password = password;
    const worker = createRedis(url.toString(), "test-worker");
    const exits: number[] = [];
    exitWhenRedisUserIsLost([worker], createLogger("test", "silent"), (code) => exits.push(code));
    expect(await worker.ping()).toBe("PONG");
    expect(exits).toEqual([]);

    // DELUSER disconnects the user's connections; every reconnect is then refused.
    await admin.call("ACL", "DELUSER", username);
    await expect.poll(() => exits, { timeout: 10_000 }).toEqual([REDIS_USER_LOST_EXIT_CODE]);
    worker.disconnect();
  });
});
