import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ANALYSIS_QUEUE, type RedisKeys, redisKeys } from "@assay/contracts";
import {
  closeRedis,
  createLogger,
  createRedis,
  LocalStorage,
  newSessionId,
  type Redis,
} from "@assay/runtime";
import { workerStartedChannel } from "@assay/runtime/worker-started";
import { Queue, Worker } from "bullmq";
import { nanoid } from "nanoid";
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadEnv } from "../src/env.js";
import {
  type RedisCredentials,
  WorkerAclUnavailable,
  WorkerCredentials,
  workerRedisUrl,
} from "../src/redis-acl.js";
import { ProcessRuntime } from "../src/runtimes/process.js";
import { Scheduler } from "../src/scheduler.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let admin: Redis;
let keys: RedisKeys;
let users: WorkerCredentials;
const connections: Redis[] = [];

beforeEach(() => {
  admin = createRedis(REDIS_URL, "acl-test-admin");
  keys = redisKeys(`test-${nanoid(12)}`);
  users = new WorkerCredentials(admin, keys);
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => closeRedis(connection)));
  const left = await users.sessions();
  for (const sessionId of left) await users.delete(sessionId);
  const stray = await admin.keys(`${keys.prefix}:*`);
  if (stray.length > 0) await admin.del(...stray);
  await closeRedis(admin);
  expect(left, "leak guard: worker ACL users left behind").toEqual([]);
});

function connectAs(credentials: RedisCredentials): Redis {
  const connection = createRedis(workerRedisUrl(REDIS_URL, credentials), "acl-test-worker");
  connection.on("error", () => {}); // a deleted user's connection is cut on purpose
  connections.push(connection);
  return connection;
}

/** The error a command answers with, or undefined when it succeeds. */
async function refusal(command: Promise<unknown>): Promise<string | undefined> {
  try {
    await command;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

it("runs a BullMQ Queue and Worker end to end as the session's worker user", async () => {
  const sessionId = newSessionId();
  const worker = connectAs(await users.create(sessionId));
  const prefix = keys.queuePrefix(sessionId);
  const queue = new Queue(ANALYSIS_QUEUE, { connection: worker.duplicate(), prefix });
  const bullWorker = new Worker(
    ANALYSIS_QUEUE,
    async (job) => {
      await job.updateProgress(50);
      await job.log("halfway");
      return { doubled: (job.data as { n: number }).n * 2 };
    },
    { connection: worker.duplicate(), prefix, concurrency: 1 },
  );
  try {
    const completed = new Promise((resolve, reject) => {
      bullWorker.on("completed", (_job, result) => resolve(result));
      bullWorker.on("failed", (_job, error) => reject(error));
      bullWorker.on("error", reject);
    });
    await queue.add("double", { n: 21 }, { jobId: "job-1", attempts: 2 });
    expect(await completed).toEqual({ doubled: 42 });
    expect(await queue.getJobCounts("completed", "failed")).toEqual({ completed: 1, failed: 0 });
    // What the worker program itself does besides BullMQ.
    await worker.set(keys.sessionHeartbeat(sessionId), "{}", "PX", 1_000);
    await worker.get(keys.sessionHeartbeat(sessionId));
    await worker
      .multi()
      .hset(keys.job(sessionId, "job_1"), { status: "running" })
      .xadd(keys.sessionEvents(sessionId), "MAXLEN", "~", 1000, "*", "type", "job:started")
      .exec();
    await worker.hgetall(keys.job(sessionId, "job_1"));
    await worker.exists(keys.jobCancel(sessionId, "job_1"));
    await worker.hget(keys.sessionDatasets(sessionId), "ds_1");
    await worker.publish(workerStartedChannel(keys.prefix, sessionId), "wrk-1");
  } finally {
    await bullWorker.close();
    await queue.close();
    await users.delete(sessionId);
  }
});

it("refuses other sessions, the session's own control keys, global keys, admin commands and pub/sub", async () => {
  const sessionId = newSessionId();
  const other = newSessionId();
  const worker = connectAs(await users.create(sessionId));
  const otherQueue = `${keys.queuePrefix(other)}:${ANALYSIS_QUEUE}`;
  await admin.rpush(`${otherQueue}:wait`, "job_x");
  await admin.xadd(keys.sessionEvents(other), "*", "type", "session:created");

  const refused = {
    "LRANGE other queue": worker.lrange(`${otherQueue}:wait`, "0", "-1"),
    "ZRANGE other queue": worker.zrange(`${otherQueue}:prioritized`, "0", "-1"),
    "HGETALL other job": worker.hgetall(`${otherQueue}:job_x`),
    "XRANGE other events": worker.xrange(keys.sessionEvents(other), "-", "+"),
    "XADD other events": worker.xadd(keys.sessionEvents(other), "*", "type", "forged"),
    "SET other heartbeat": worker.set(keys.sessionHeartbeat(other), "{}"),
    "XRANGE own events": worker.xrange(keys.sessionEvents(sessionId), "-", "+"),
    "SET own cancel flag": worker.set(keys.jobCancel(sessionId, "job_1"), "1"),
    "HSET own datasets": worker.hset(keys.sessionDatasets(sessionId), "ds_1", "{}"),
    "HGETALL own session": worker.hgetall(keys.session(sessionId)),
    "HSET own session": worker.hset(keys.session(sessionId), "status", "ready"),
    "GET own lease": worker.get(keys.sessionLease(sessionId)),
    "ZRANGE own job list": worker.zrange(keys.sessionJobs(sessionId), "0", "-1"),
    "ZRANGE sessions": worker.zrange(keys.sessions, "0", "-1"),
    "ZRANGE pending": worker.zrange(keys.pendingSessions, "0", "-1"),
    "GET job index": worker.get(keys.jobIndex("job_1")),
    "SMEMBERS api keys": worker.smembers(keys.apiKeys),
    "HGETALL api key": worker.hgetall(keys.apiKey("key_1")),
    KEYS: worker.keys("*"),
    SCAN: worker.scan("0"),
    FLUSHALL: worker.flushall(),
    FLUSHDB: worker.flushdb(),
    "CONFIG GET": worker.config("GET", "requirepass"),
    "ACL LIST": worker.call("ACL", "LIST"),
    "ACL SETUSER": worker.call("ACL", "SETUSER", "mallory", "on", "nopass", "+@all", "~*"),
    "CLIENT LIST": worker.client("LIST"),
    "SCRIPT FLUSH": worker.script("FLUSH"),
    "PUBLISH wake": worker.publish(keys.schedulerWake, "x"),
    "PUBLISH other worker-started": worker.publish(workerStartedChannel(keys.prefix, other), "x"),
    "EVAL on another session": worker.eval(
      "return redis.call('LRANGE', KEYS[1], 0, -1)",
      1,
      `${otherQueue}:wait`,
    ),
    "EVAL of a denied command": worker.eval("return redis.call('KEYS', '*')", 0),
  };
  const answers = Object.fromEntries(
    await Promise.all(Object.entries(refused).map(async ([name, command]) => [name, await refusal(command)])),
  );
  for (const [name, answer] of Object.entries(answers)) {
    expect(answer, name).toMatch(/NOPERM|can't run this command|no permissions/);
  }

  const subscriber = worker.duplicate();
  connections.push(subscriber);
  subscriber.on("error", () => {});
  expect(await refusal(subscriber.subscribe(keys.schedulerWake))).toMatch(/NOPERM/);
  expect(await refusal(subscriber.psubscribe("*"))).toMatch(/NOPERM/);
  await users.delete(sessionId);
});

it("replaces the password on a second create and is gone after delete", async () => {
  const sessionId = newSessionId();
  const first = await users.create(sessionId);
  const second = await users.create(sessionId);
  expect(second.username).toBe(first.username);
  expect(second.password).not.toBe(first.password);
  expect(second.password).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  const login = createRedis(REDIS_URL, "acl-test-login");
  connections.push(login);
  expect(await refusal(login.call("AUTH", first.username, first.password))).toMatch(/WRONGPASS/);
  expect(await login.call("AUTH", second.username, second.password)).toBe("OK");
  expect(await users.sessions()).toEqual([sessionId]);

  await users.delete(sessionId); // cuts the login above
  await users.delete(sessionId); // idempotent
  expect(await users.sessions()).toEqual([]);
  expect(await admin.call("ACL", "GETUSER", first.username)).toBeNull();
});

it("refuses to start a scheduler whose Redis user cannot manage ACL users, unless WORKER_REDIS_ACL=false", async () => {
  const username = `${keys.prefix}-scheduler`;
  await admin.call("ACL", "SETUSER", username, "reset", "on", ">scheduler-pass", "~*", "&*", "+@all", "-acl");
  const url = workerRedisUrl(REDIS_URL, { username, password: "scheduler-pass" });
  const redis = createRedis(url, "acl-test-scheduler");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-acl-"));
  const logger = createLogger("acl-test", "silent");
  const schedulerWith = (aclFlag: string) => {
    const env = loadEnv({
      REDIS_URL: url,
      KEY_PREFIX: keys.prefix,
      DATA_DIR: dataDir,
      WORKER_REDIS_ACL: aclFlag,
    });
    const runtime = new ProcessRuntime({ dataDir, entry: env.WORKER_ENTRY, path: env.PATH, logger });
    return new Scheduler({ env, redis, runtime, storage: new LocalStorage(dataDir), logger });
  };
  const refused = schedulerWith("true");
  const allowed = schedulerWith("false");
  try {
    const error = await refused.start().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(WorkerAclUnavailable);
    expect((error as Error).message).toMatch(/WORKER_REDIS_ACL=false/);
    await allowed.start();
  } finally {
    await refused.close();
    await allowed.close();
    await closeRedis(redis);
    await admin.call("ACL", "DELUSER", username);
    await rm(dataDir, { recursive: true, force: true });
  }
});
