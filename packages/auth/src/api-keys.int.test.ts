import { redisKeys } from "@assay/contracts";
import { closeRedis, createRedis } from "@assay/runtime";
import { nanoid } from "nanoid";
import { afterAll, describe, expect, it } from "vitest";
import { ApiKeyVerifier, createKey, listKeys, revokeKey, verifyKey } from "./api-keys.js";
import { runKeysCli } from "./keys-cli.js";
import { getTenantLimitOverrides, setTenantLimitOverrides } from "./tenant-limits.js";

const prefix = `test-${nanoid(10).replace(/[^A-Za-z0-9]/g, "x")}`;
const keys = redisKeys(prefix);
const redis = createRedis("redis://127.0.0.1:6379", "auth-test");

afterAll(async () => {
  const found = await redis.keys(`${prefix}:*`);
  if (found.length > 0) await redis.unlink(...found);
  await closeRedis(redis);
});

describe("api keys", () => {
  it("stores only a scrypt hash, verifies the token, and refuses it once revoked", async () => {
    const { token, key } = await createKey(redis, keys, "acme", { label: "ci" });
    expect(token).toMatch(/^ak_[0-9A-Za-z]{16}_[0-9A-Za-z]{43}$/);
    const stored = await redis.hgetall(keys.apiKey(key.keyId));
    expect(stored.hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(stored)).not.toContain(token.split("_")[2]);
    expect(await verifyKey(redis, keys, token)).toMatchObject({
      keyId: key.keyId,
      tenant: "acme",
      label: "ci",
    });

    const verifier = new ApiKeyVerifier(redis, keys);
    expect((await verifier.verify(token))?.tenant).toBe("acme");
    expect((await verifier.verify(token))?.tenant).toBe("acme"); // from the cache
    const wrongSecret = `${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`;
    expect(await verifier.verify(wrongSecret)).toBeUndefined();
    expect(await verifier.verify("ak_short_x")).toBeUndefined();
    expect(await verifier.verify("")).toBeUndefined();

    expect((await revokeKey(redis, keys, key.keyId))?.revokedAt).toEqual(expect.any(String));
    expect(await verifier.verify(token)).toBeUndefined(); // cached, yet refused at once
    expect(await revokeKey(redis, keys, "nosuchkey0000000")).toBeUndefined();
  });

  it("lists a tenant's keys, or all, without secrets", async () => {
    const a = await createKey(redis, keys, "list-a");
    const b = await createKey(redis, keys, "list-b");
    expect((await listKeys(redis, keys, "list-a")).map((key) => key.keyId)).toEqual([a.key.keyId]);
    const all = (await listKeys(redis, keys)).map((key) => key.keyId);
    expect(all).toEqual(expect.arrayContaining([a.key.keyId, b.key.keyId]));
    expect(JSON.stringify(await listKeys(redis, keys))).not.toContain("scrypt");
    await expect(createKey(redis, keys, "Bad Tenant")).rejects.toThrow();
  });

  it("keeps per-tenant limit overrides", async () => {
    expect(await getTenantLimitOverrides(redis, keys, "lim")).toEqual({});
    await setTenantLimitOverrides(redis, keys, "lim", { sessions: 3, requestsPerMinute: 10 });
    expect(await getTenantLimitOverrides(redis, keys, "lim")).toEqual({ sessions: 3, requestsPerMinute: 10 });
    await setTenantLimitOverrides(redis, keys, "lim", { sessions: null });
    expect(await getTenantLimitOverrides(redis, keys, "lim")).toEqual({ requestsPerMinute: 10 });
  });
});

describe("keys cli", () => {
  it("creates (showing the token once), lists and revokes", async () => {
    const lines: string[] = [];
    const io = {
      out: (line: string) => lines.push(line),
      err: (line: string) => lines.push(`ERR ${line}`),
      env: { KEY_PREFIX: prefix, REDIS_URL: "redis://127.0.0.1:6379" },
    };
    expect(await runKeysCli(["create", "--tenant", "cli-t", "--label", "laptop"], io)).toBe(0);
    const token = lines.find((line) => line.startsWith("ak_"))!;
    expect((await verifyKey(redis, keys, token))?.tenant).toBe("cli-t");
    const keyId = token.split("_")[1]!;
    lines.length = 0;
    expect(await runKeysCli(["ls", "--tenant", "cli-t"], io)).toBe(0);
    expect(lines.join("\n")).toContain(`${keyId}  cli-t  active`);
    expect(lines.join("\n")).not.toContain(token);
    expect(await runKeysCli(["revoke", keyId], io)).toBe(0);
    expect(await verifyKey(redis, keys, token)).toBeUndefined();
    expect(await runKeysCli(["create"], io)).toBe(2);
    expect(await runKeysCli(["frobnicate"], io)).toBe(2);
    expect(await runKeysCli(["limits", "--tenant", "cli-t", "--sessions", "2"], io)).toBe(0);
    expect(await getTenantLimitOverrides(redis, keys, "cli-t")).toEqual({ sessions: 2 });
  });
});
