import { randomBytes } from "node:crypto";
import { redisKeys, WorkerHeartbeat } from "@assay/contracts";
import { closeRedis, createLogger, createRedis, newSessionId } from "@assay/runtime";
import { workerStartedChannel } from "@assay/runtime/worker-started";
import { afterAll, describe, expect, it } from "vitest";
import { Heartbeat } from "../src/heartbeat.js";
import { sendOnce } from "../src/one-shot-redis.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = createRedis(REDIS_URL, "heartbeat-test");
const subscriber = createRedis(REDIS_URL, "heartbeat-test-sub");
const keys = redisKeys(`test-${randomBytes(8).toString("hex")}`);

afterAll(async () => {
  await closeRedis(subscriber);
  await closeRedis(redis);
});

/** Announces with `send` and returns the beat in Redis and the notice the scheduler would get. */
async function announced(send: (heartbeat: Heartbeat) => Promise<void>) {
  const sessionId = newSessionId();
  const heartbeat = new Heartbeat(keys, sessionId, "wrk-1", 1_000);
  const channel = workerStartedChannel(keys.prefix, sessionId);
  await subscriber.subscribe(channel);
  const notice = new Promise<string>((resolve) =>
    subscriber.on("message", (from: string, message: string) => from === channel && resolve(message)),
  );
  await send(heartbeat);
  const beat = WorkerHeartbeat.parse(
    JSON.parse((await redis.get(keys.sessionHeartbeat(sessionId))) ?? "null"),
  );
  const ttl = await redis.pttl(keys.sessionHeartbeat(sessionId));
  const result = { beat, ttl, notice: await notice, heartbeat, sessionId };
  await subscriber.unsubscribe(channel);
  return result;
}

describe("Heartbeat", () => {
  it("announces over a one-off connection: the first beat, then the worker-started notice", async () => {
    const { beat, ttl, notice } = await announced(async (heartbeat) =>
      heartbeat.announced(await sendOnce(REDIS_URL, heartbeat.announcement())),
    );
    expect(beat).toMatchObject({ workerId: "wrk-1", state: "idle" });
    expect(ttl).toBeGreaterThan(2_000);
    expect(notice).toBe("wrk-1");
  });

  it("announces over ioredis, keeps beating there and removes its beat on close", async () => {
    const { beat, notice, heartbeat, sessionId } = await announced((heartbeat) => heartbeat.announce(redis));
    expect(beat.workerId).toBe("wrk-1");
    expect(notice).toBe("wrk-1");
    heartbeat.keepBeating(redis, createLogger("heartbeat-test", "silent"));
    await heartbeat.busy("job_1");
    expect(JSON.parse((await redis.get(keys.sessionHeartbeat(sessionId))) ?? "{}")).toMatchObject({
      state: "busy",
      jobId: "job_1",
    });
    await heartbeat.close();
    expect(await redis.exists(keys.sessionHeartbeat(sessionId))).toBe(0);
  });

  it("keeps beating over one-off connections while the rest of the worker loads", async () => {
    const sessionId = newSessionId();
    const heartbeat = new Heartbeat(keys, sessionId, "wrk-1", 100);
    heartbeat.beatWhileLoading((commands) => sendOnce(REDIS_URL, commands));
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
    const heartbeat = new Heartbeat(keys, newSessionId(), "wrk-1", 1_000);
    expect(() => heartbeat.announced([new Error("NOPERM"), undefined])).toThrow(/NOPERM/);
  });
});
