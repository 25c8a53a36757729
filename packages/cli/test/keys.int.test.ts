import { verifyKey } from "@assay/auth";
import { redisKeys } from "@assay/contracts";
import { closeRedis, createRedis, type Redis } from "@assay/runtime";
import { nanoid } from "nanoid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// `assay keys` talks to Redis directly (the deployment's key store), not to the api.
const prefix = `test-${nanoid(10).replace(/[^A-Za-z0-9]/g, "x")}`;
const env = { KEY_PREFIX: prefix, API_URL: "http://127.0.0.1:9" };
const keys = redisKeys(prefix);
let redis: Redis;

beforeAll(() => {
  redis = createRedis("redis://127.0.0.1:6379", "cli-keys-test");
});
afterAll(async () => {
  const found = await redis.keys(`${prefix}:*`);
  if (found.length > 0) await redis.unlink(...found);
  await closeRedis(redis);
});

describe("assay keys", () => {
  it("creates a key, prints its token once, lists it without the secret, and revokes it", async () => {
    const created = await runCli(["keys", "create", "--tenant", "acme", "--label", "ci"], env);
    expect(created.code).toBe(0);
    const token = /^ak_\S+$/m.exec(created.stdout)?.[0] ?? "";
    const keyId = /Created key (\S+) for tenant acme/.exec(created.stdout)?.[1] ?? "";
    expect(await verifyKey(redis, keys, token)).toMatchObject({ keyId, tenant: "acme", label: "ci" });

    // --json is a global option of assay: it still reaches the keys tool.
    const listed = await runCli(["keys", "ls", "--json"], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ keyId, tenant: "acme" })]);
    expect(listed.stdout).not.toContain(token.split("_")[2]);

    expect((await runCli(["keys", "revoke", keyId], env)).code).toBe(0);
    expect(await verifyKey(redis, keys, token)).toBeUndefined();
  });

  it("prints usage and exits 2 on a bad command, 0 on --help", async () => {
    const bad = await runCli(["keys", "bogus"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("usage: assay keys");
    const help = await runCli(["keys", "--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("create --tenant <tenant>");
    expect((await runCli(["keys", "create"], env)).code).toBe(2);
  });
});
