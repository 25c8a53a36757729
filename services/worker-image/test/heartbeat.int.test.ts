import { randomBytes } from "node:crypto";
import { redisKeys, WorkerHeartbeat } from "@assay/contracts";
import { closeRedis, createLogger, createRedis, newSessionId } from "@assay/runtime";
import { workerStartedChannel } from "@assay/runtime/worker-started";
import { afterAll, describe, expect, it } from "vitest";
import { Heartbeat } from "../src/heartbeat.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = createRedis(REDIS_URL, "heartbeat-test");
const subscriber = createRedis(REDIS_URL, "heartbeat-test-sub");
const keys = redisKeys(`test-${randomBytes(8).toString("hex")}`);

afterAll(async () => {
  await closeRedis(subscriber);
  await closeRedis(redis);
});

/** Announces and returns the beat in Redis and the notice the scheduler would get. */
async function announced() {
  const sessionId = newSessionId();
  const heartbeat = new Heartbeat(redis, keys, sessionId, "wrk-1", 1_000);
  const channel = workerStartedChannel(keys.prefix, sessionId);
  await subscriber.subscribe(channel);
  const notice = new Promise<string>((resolve) =>
    subscriber.on("message", (from: string, message: string) => from === channel && resolve(message)),
  );
  await heartbeat.announce();
  const beat = WorkerHeartbeat.parse(
    JSON.parse((await redis.get(keys.sessionHeartbeat(sessionId))) ?? "null"),
  );
  const ttl = await redis.pttl(keys.sessionHeartbeat(sessionId));
  const result = { beat, ttl, notice: await notice, heartbeat, sessionId };
  await subscriber.unsubscribe(channel);
  return result;
}

describe("Heartbeat", () => {
  it("announces the first beat, then the worker-started notice, and removes its beat on close", async () => {
    const { beat, ttl, notice, heartbeat, sessionId } = await announced();
    expect(beat).toMatchObject({ workerId: "wrk-1", state: "idle" });
    expect(ttl).toBeGreaterThan(2_000);
    expect(notice).toBe("wrk-1");
    heartbeat.reportTo(createLogger("heartbeat-test", "silent"));
    await heartbeat.busy("job_1");
    expect(JSON.parse((await redis.get(keys.sessionHeartbeat(sessionId))) ?? "{}")).toMatchObject({
      state: "busy",
      jobId: "job_1",
    });
    await heartbeat.close();
    expect(await redis.exists(keys.sessionHeartbeat(sessionId))).toBe(0);
  });

  it("keeps beating from its announcement on, before the rest of the worker has loaded", async () => {
    const sessionId = newSessionId();
    const heartbeat = new Heartbeat(redis, keys, sessionId, "wrk-1", 100);
    await heartbeat.announce();
    try {
      const beats = new Set<string>();
      for (let read = 0; read < 40 && beats.size < 3; read++) {
        const beat = await redis.get(keys.sessionHeartbeat(sessionId));
        if (beat) beats.add(WorkerHeartbeat.parse(JSON.parse(beat)).at);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(beats.size).toBe(3);
    } finally {
      await heartbeat.close();
    }
  });

  it("fails when Redis refuses the beat", async () => {
    const username = `heartbeat-test-${randomBytes(4).toString("hex")}`;
    await redis.acl("SETUSER", username, "on", ">secret", "+@all", "-set", "~*", "&*");
    const refused = createRedis(
      REDIS_URL.replace("redis://", `redis://${username}:secret@`),
      "heartbeat-refused",
    );
    try {
      const heartbeat = new Heartbeat(refused, keys, newSessionId(), "wrk-1", 1_000);
      await expect(heartbeat.announce()).rejects.toThrow(/NOPERM/);
      await heartbeat.close();
    } finally {
      await closeRedis(refused);
      await redis.acl("DELUSER", username);
    }
  });
});
