import { access, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { ANALYSIS_QUEUE } from "@assay/contracts";
import { newSessionId, storageKeys } from "@assay/runtime";
import { Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CRASHING_WORKER_ENTRY, Stack, waitFor } from "./harness.js";

let stack: Stack;
beforeEach(async () => {
  stack = await Stack.create();
});
afterEach(async () => {
  await stack.cleanup();
});

async function createSession(): Promise<string> {
  const sessionId = newSessionId();
  await stack.sessions.create(sessionId, "tenant-test");
  return sessionId;
}

async function waitReady(sessionId: string): Promise<string> {
  const record = await waitFor(`${sessionId} ready`, async () => {
    const current = await stack.sessions.get(sessionId);
    return current?.status === "ready" ? current : undefined;
  });
  return record.worker!.id;
}

async function deleteSession(sessionId: string): Promise<void> {
  await stack.sessions.setStatus(sessionId, "stopping", "deleted");
  await stack.redis.publish(stack.keys.schedulerWake, sessionId);
}

async function sessionKeys(sessionId: string): Promise<string[]> {
  const [, keys] = await stack.redis.scan(
    "0",
    "MATCH",
    stack.keys.sessionPattern(sessionId),
    "COUNT",
    "1000",
  );
  return keys;
}

describe("Scheduler with the process runtime", () => {
  it("starts a worker for a new session and marks it ready", async () => {
    await stack.startScheduler();
    const sessionId = await createSession();
    const workerId = await waitReady(sessionId);

    const ready = (await stack.eventsOf(sessionId)).find((event) => event.type === "session:ready");
    expect(ready).toMatchObject({ type: "session:ready", worker: { runtime: "process", id: workerId } });
    expect(await stack.workerPids(sessionId)).toHaveLength(1);
    expect(await stack.redis.get(stack.keys.sessionLease(sessionId))).toBe("sched-a");
    expect(await stack.sessions.queuePosition(sessionId)).toBeUndefined();
  });

  it("gives each worker its own Redis ACL user, never the scheduler's credentials", async () => {
    await stack.startScheduler({ REDIS_URL: "redis://default:unused-admin-secret@127.0.0.1:6379/0" });
    const sessionId = await createSession();
    await waitReady(sessionId); // the worker heartbeats and runs BullMQ under its user

    const [pid] = await stack.workerPids(sessionId);
    const environ = (await readFile(`/proc/${pid}/environ`, "latin1")).split("\0");
    const redisUrl = new URL(
      environ.find((line) => line.startsWith("REDIS_URL="))!.slice("REDIS_URL=".length),
    );
    expect(redisUrl.username).toBe(`${stack.prefix}-worker-${sessionId}`);
    expect(redisUrl.host).toBe("127.0.0.1:6379");
    expect(environ.join("\n")).not.toContain("unused-admin-secret");
    expect(await stack.redisUser(sessionId)).not.toBeNull();
  });

  it("stops the worker and purges keys and data of a deleted session", async () => {
    await stack.startScheduler();
    const sessionId = await createSession();
    await waitReady(sessionId);
    await stack.storage.write(storageKeys.dataset(sessionId, "ds_000000000000000000000000", "csv"), "a\n1\n");
    const sessionDir = await stack.storage.localPath(storageKeys.sessionRoot(sessionId));

    await deleteSession(sessionId);

    await waitFor("session purged", async () => !(await stack.sessions.get(sessionId)));
    await waitFor("worker gone", async () => (await stack.workerPids(sessionId)).length === 0);
    expect(await sessionKeys(sessionId)).toEqual([]);
    expect(await stack.redisUser(sessionId)).toBeNull();
    expect(await stack.sessions.list()).not.toContain(sessionId);
    await expect(access(sessionDir)).rejects.toThrow();
  });

  it("restarts a killed worker and gets ready again", async () => {
    await stack.startScheduler();
    const sessionId = await createSession();
    const firstWorker = await waitReady(sessionId);
    const [pid] = await stack.workerPids(sessionId);

    process.kill(pid!, "SIGKILL");

    const exited = await waitFor("worker-exited event", async () =>
      (await stack.eventsOf(sessionId)).find((event) => event.type === "session:worker-exited"),
    );
    expect(exited).toMatchObject({
      worker: { id: firstWorker },
      reason: "killed by SIGKILL",
      exitCode: null,
    });
    expect(exited.type === "session:worker-exited" && exited.restartInMs).toBeGreaterThan(0);
    const secondWorker = await waitFor("a new worker ready", async () => {
      const record = await stack.sessions.get(sessionId);
      return record?.status === "ready" && record.worker?.id !== firstWorker ? record.worker?.id : undefined;
    });
    expect(secondWorker).not.toBe(firstWorker);
    const pids = await stack.workerPids(sessionId);
    expect(pids).toHaveLength(1);
    expect(pids).not.toContain(pid);
  });

  it("restarts a worker whose heartbeat stopped", async () => {
    await stack.startScheduler({ WORKER_STOP_GRACE_MS: "300" });
    const sessionId = await createSession();
    const firstWorker = await waitReady(sessionId);
    const [pid] = await stack.workerPids(sessionId);

    process.kill(pid!, "SIGSTOP"); // alive but silent: hung

    const exited = await waitFor("worker-exited event", async () =>
      (await stack.eventsOf(sessionId)).find((event) => event.type === "session:worker-exited"),
    );
    expect(exited).toMatchObject({
      worker: { id: firstWorker },
      reason: expect.stringMatching(/^hung: no heartbeat/),
    });
    await waitFor("a new worker ready", async () => {
      const record = await stack.sessions.get(sessionId);
      return record?.status === "ready" && record.worker?.id !== firstWorker;
    });
    const pids = await stack.workerPids(sessionId);
    expect(pids).toHaveLength(1);
    expect(pids).not.toContain(pid);
  });

  it("puts a live session without worker, lease or place in line back in line on start", async () => {
    const sessionId = await createSession();
    // As left by a scheduler that died after claiming it: out of line, no lease, no worker.
    await stack.redis.zrem(stack.keys.pendingSessions, sessionId);
    await stack.sessions.setStatus(sessionId, "ready");

    await stack.startScheduler();

    await waitFor("worker started", async () => (await stack.workerPids(sessionId)).length === 1);
    await waitReady(sessionId);
  });

  it("fails a session whose worker keeps exiting", async () => {
    await stack.startScheduler({ WORKER_ENTRY: CRASHING_WORKER_ENTRY, MAX_RESTARTS: "2" });
    const sessionId = await createSession();

    const record = await waitFor("session failed", async () => {
      const current = await stack.sessions.get(sessionId);
      return current?.status === "failed" ? current : undefined;
    });
    expect(record.statusReason).toMatch(/exited 3 times/);
    const events = await stack.eventsOf(sessionId);
    const exits = events.filter((event) => event.type === "session:worker-exited");
    expect(exits.map((event) => event.type === "session:worker-exited" && event.restartInMs)).toEqual([
      100,
      200,
      null,
    ]);
    expect(events.at(-1)).toMatchObject({ type: "session:failed" });
    expect(await stack.redis.exists(stack.keys.sessionLease(sessionId))).toBe(0);
    expect(await stack.redisUser(sessionId)).toBeNull();
  });

  it("keeps sessions over capacity in line and starts them when a worker frees up", async () => {
    await stack.startScheduler({ MAX_WORKERS: "1" });
    const first = await createSession();
    await waitReady(first);
    const second = await createSession();

    await waitFor("waiting event", async () =>
      (await stack.eventsOf(second)).some(
        (event) => event.type === "session:waiting" && event.position === 1,
      ),
    );
    expect(await stack.sessions.queuePosition(second)).toBe(1);
    expect((await stack.sessions.get(second))?.status).toBe("starting");
    expect(await stack.workerPids(second)).toEqual([]);

    await deleteSession(first);

    await waitReady(second);
    expect(await stack.sessions.queuePosition(second)).toBeUndefined();
  });

  it("reaps an idle worker but never while it is busy", async () => {
    await stack.startScheduler({ IDLE_TTL_MS: "400" });
    const sessionId = await createSession();
    await waitReady(sessionId);
    await stack.storage.write(storageKeys.dataset(sessionId, "ds_000000000000000000000000", "csv"), "a\n1\n");
    const queue = new Queue(ANALYSIS_QUEUE, {
      connection: stack.redis,
      prefix: stack.keys.queuePrefix(sessionId),
    });
    // A key the worker's ACL user may read: one of its session's cancel flags.
    const releaseKey = stack.keys.jobCancel(sessionId, "release");
    try {
      await queue.add("hold", { releaseKey });
      await waitFor(
        "busy heartbeat",
        async () => (await stack.sessions.heartbeat(sessionId))?.state === "busy",
      );

      await sleep(1_500); // several idle TTLs, all while busy
      expect((await stack.sessions.get(sessionId))?.status).toBe("ready");
      expect(await stack.workerPids(sessionId)).toHaveLength(1);

      await stack.redis.set(releaseKey, "1");
      const record = await waitFor("session stopped", async () => {
        const current = await stack.sessions.get(sessionId);
        return current?.status === "stopped" ? current : undefined;
      });
      expect(record.statusReason).toBe("idle");
      expect(record.worker).toBeUndefined();
    } finally {
      await queue.close();
    }
    expect((await stack.eventsOf(sessionId)).at(-1)).toMatchObject({
      type: "session:stopped",
      reason: "idle",
    });
    expect(await stack.workerPids(sessionId)).toEqual([]);
    expect(await stack.redis.exists(stack.keys.sessionLease(sessionId))).toBe(0);
    expect(await stack.redisUser(sessionId)).toBeNull();
    expect(await stack.storage.list(storageKeys.datasetsDir(sessionId))).toHaveLength(1);
  });

  it("adopts its running workers after a restart and stops orphans", async () => {
    const first = await stack.startScheduler();
    const kept = await createSession();
    const orphaned = await createSession();
    const keptWorker = await waitReady(kept);
    await waitReady(orphaned);
    const [keptPid] = await stack.workerPids(kept);
    await stack.stopScheduler(first);
    expect(await stack.workerPids()).toHaveLength(2); // workers outlive their scheduler
    await stack.sessions.purge(orphaned);

    const second = await stack.startScheduler();

    expect(second.scheduler.ownedSessions()).toEqual([kept]);
    expect(await stack.workerPids(orphaned)).toEqual([]);
    expect(await stack.redisUser(orphaned)).toBeNull(); // its session is gone: reconcile removed it
    expect(await stack.redisUser(kept)).not.toBeNull();
    await sleep(500); // a few loops: nothing restarts or duplicates the adopted worker
    expect(await stack.workerPids(kept)).toEqual([keptPid]);
    const record = await stack.sessions.get(kept);
    expect(record).toMatchObject({ status: "ready", worker: { id: keptWorker } });
  });

  it("never lets two schedulers start a worker for the same session", async () => {
    const a = await stack.startScheduler({ SCHEDULER_ID: "sched-a" });
    const b = await stack.startScheduler({ SCHEDULER_ID: "sched-b" });
    const sessionIds = await Promise.all(Array.from({ length: 6 }, () => createSession()));
    for (const sessionId of sessionIds) await waitReady(sessionId);
    await sleep(300);

    for (const sessionId of sessionIds) {
      expect(await stack.workerPids(sessionId)).toHaveLength(1);
      const readies = (await stack.eventsOf(sessionId)).filter((event) => event.type === "session:ready");
      expect(readies).toHaveLength(1);
    }
    const owned = [...a.scheduler.ownedSessions(), ...b.scheduler.ownedSessions()];
    expect(owned.sort()).toEqual([...sessionIds].sort());
  });
});
