import { randomBytes } from "node:crypto";
import { type AnalysisJob, type RedisKeys, redisKeys } from "@assay/contracts";
import { nanoid } from "nanoid";
import { afterEach, beforeEach, expect, it } from "vitest";
import { EventLog } from "./event-log.js";
import { newDatasetId, newJobId, newSessionId } from "./ids.js";
import { JobStarter } from "./job-start.js";
import { JobStore } from "./job-store.js";
import { closeRedis, createRedis, type Redis, unlinkMatching } from "./redis.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let admin: Redis;
let worker: Redis;
let keys: RedisKeys;
let jobs: JobStore;
let starter: JobStarter;
let username: string;
const sessionId = newSessionId();

// The worker runs the start as its session's ACL user: read-only cancel flags, write-only events.
beforeEach(async () => {
  admin = createRedis(REDIS_URL, "job-start-test-admin");
  keys = redisKeys(`test-${nanoid(12)}`);
  username = `${keys.prefix}-worker`;
  const password = randomBytes(16).toString("hex");
  await admin.call(
    "ACL",
    "SETUSER",
    username,
    "reset",
    "on",
    `>${password}`,
    ...keys.workerKeyPatterns(sessionId),
    "-@all",
    ...["+eval", "+hget", "+exists", "+hset", "+xadd", "+info", "+client|setname"],
  );
  const url = new URL(REDIS_URL);
  url.username = username;
  url.password = password;
  worker = createRedis(url.toString(), "job-start-test-worker");
  const events = new EventLog(admin, keys, 1_000);
  jobs = new JobStore(admin, keys, events);
  starter = new JobStarter(worker, keys, 1_000);
});

afterEach(async () => {
  await closeRedis(worker);
  await admin.call("ACL", "DELUSER", username);
  await unlinkMatching(admin, `${keys.prefix}:*`);
  await closeRedis(admin);
});

async function queuedJob(): Promise<string> {
  const jobId = newJobId();
  const job: AnalysisJob = {
    jobId,
    sessionId,
    datasetId: newDatasetId(),
    query: "summary",
    options: { alpha: 0.05, llm: "off" },
    submittedAt: new Date().toISOString(),
  };
  await jobs.create(job);
  return jobId;
}

const startOf = (jobId: string) =>
  starter.start(
    sessionId,
    jobId,
    { status: "running", stage: "loading", pct: 0, attempts: 1 },
    { sessionId, jobId, type: "job:started", attempt: 1 },
  );

const eventTypes = async () =>
  (await new EventLog(admin, keys, 1_000).after(sessionId, "0")).map(({ event }) => event.type);

it("writes the running state and job:started together", async () => {
  const jobId = await queuedJob();
  expect(await startOf(jobId)).toEqual({ outcome: "started" });
  const record = await jobs.get(sessionId, jobId);
  expect(record).toMatchObject({ status: "running", progress: { stage: "loading", pct: 0 }, attempts: 1 });
  expect(await eventTypes()).toEqual(["job:queued", "job:started"]);
});

it("writes nothing for a job with a cancel request", async () => {
  const jobId = await queuedJob();
  await jobs.requestCancel(sessionId, jobId);
  expect(await startOf(jobId)).toEqual({ outcome: "cancel-requested" });
  expect((await jobs.get(sessionId, jobId))?.status).toBe("queued");
  expect(await eventTypes()).toEqual(["job:queued"]);
});

it("writes nothing for a job whose record is final or missing", async () => {
  const jobId = await queuedJob();
  await jobs.update(sessionId, jobId, { status: "succeeded" });
  expect(await startOf(jobId)).toEqual({ outcome: "finished", status: "succeeded" });
  expect(await startOf(newJobId())).toEqual({ outcome: "missing" });
  expect(await eventTypes()).toEqual(["job:queued"]);
});
