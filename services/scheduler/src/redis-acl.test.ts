import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, it } from "vitest";
import { WORKER_COMMANDS, workerRedisUrl } from "./redis-acl.js";

const credentials = { username: "assay-worker-ses_x", password: "p4ss_-word" };

it("gives the worker the scheduler's host, port, TLS and database with its own user only", () => {
  const url = new URL(
    workerRedisUrl("rediss://admin:s3cret@redis.internal:6380/2?password=leak", credentials),
  );
  expect(url.protocol).toBe("rediss:");
  expect(url.host).toBe("redis.internal:6380");
  expect(url.pathname).toBe("/2");
  expect(url.username).toBe(credentials.username);
  expect(url.password).toBe(credentials.password);
  expect(url.search).toBe("");
  expect(url.toString()).not.toContain("s3cret");
  expect(url.toString()).not.toContain("admin");
});

it("allows every command BullMQ's Lua scripts call (a BullMQ upgrade that needs more fails here)", async () => {
  const bullmqMain = createRequire(import.meta.url).resolve("bullmq");
  const commandsDir = path.join(
    bullmqMain.slice(0, bullmqMain.lastIndexOf(`${path.sep}dist${path.sep}`)),
    "dist/esm/commands",
  );
  const called = new Set<string>();
  for (const dir of [commandsDir, path.join(commandsDir, "includes")]) {
    for (const file of (await readdir(dir)).filter((name) => name.endsWith(".lua"))) {
      const source = await readFile(path.join(dir, file), "utf8");
      for (const [, command] of source.matchAll(/(?:rcall|redis\.p?call)\(\s*["']([A-Za-z]+)["']/g)) {
        called.add(command!.toLowerCase());
      }
    }
  }
  expect(called.size).toBeGreaterThan(40);
  const allowed = new Set<string>(WORKER_COMMANDS);
  expect([...called].filter((command) => !allowed.has(command))).toEqual([]);
});
