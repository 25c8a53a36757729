import { randomBytes } from "node:crypto";
import { closeRedis, createRedis } from "@assay/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { sendOnce } from "../src/one-shot-redis.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const admin = createRedis(REDIS_URL, "one-shot-test");
const prefix = `test-${randomBytes(8).toString("hex")}`;
const username = `${prefix}-user`;
const password = randomBytes(16).toString("hex");

/** REDIS_URL logged in as `user`, on `database`. */
function urlAs(user: string, secret: string, database = ""): string {
  const url = new URL(REDIS_URL);
  url.username = user;
  url.password = secret;
  url.pathname = database;
  return url.toString();
}

afterAll(async () => {
  await admin.call("ACL", "DELUSER", username);
  await admin.del(`${prefix}:a`);
  await closeRedis(admin);
});

describe("sendOnce", () => {
  it("logs in as the URL's user and returns each command's error, in order", async () => {
    await admin.call("ACL", "SETUSER", username, "on", `>${password}`, `~${prefix}:a`, "+set", "+auth");
    const errors = await sendOnce(urlAs(username, password), [
      ["SET", `${prefix}:a`, "1", "PX", "60000"],
      ["SET", `${prefix}:b`, "2"],
      ["PUBLISH", `${prefix}:channel`, "x"],
    ]);
    expect(errors[0]).toBeUndefined();
    expect(errors[1]?.message).toMatch(/NOPERM/);
    expect(errors[2]?.message).toMatch(/NOPERM/);
    expect(await admin.get(`${prefix}:a`)).toBe("1");
  });

  it("rejects when the login is refused or nothing answers", async () => {
    await expect(sendOnce(urlAs(username, "wrong"), [["PING"]])).rejects.toThrow(/WRONGPASS/);
    await expect(sendOnce("redis://127.0.0.1:1", [["PING"]])).rejects.toThrow(/ECONNREFUSED/);
  });

  it("selects the URL's database", async () => {
    const errors = await sendOnce(urlAs("", "", "/1"), [["SET", `${prefix}:a`, "in-db-1", "PX", "60000"]]);
    expect(errors).toEqual([undefined]);
    expect(await admin.get(`${prefix}:a`)).toBe("1");
    const db1 = createRedis(`${REDIS_URL.replace(/\/\d*$/, "")}/1`, "one-shot-test-db1");
    expect(await db1.get(`${prefix}:a`)).toBe("in-db-1");
    await db1.del(`${prefix}:a`);
    await closeRedis(db1);
  });
});
