import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ACTIVE_SESSION_STATUSES, type AssayEvent, type RedisKeys, redisKeys } from "@assay/contracts";
import {
  closeRedis,
  createLogger,
  createRedis,
  EventLog,
  LocalStorage,
  type Redis,
  SessionStore,
  unlinkMatching,
} from "@assay/runtime";
import { nanoid } from "nanoid";
import { loadEnv } from "../src/env.js";
import { WorkerCredentials } from "../src/redis-acl.js";
import { ProcessRuntime } from "../src/runtimes/process.js";
import { LABELS, MANAGED_BY } from "../src/runtimes/runtime.js";
import { Scheduler } from "../src/scheduler.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
/** The worker program under test: the fixture until pointed at the real one with WORKER_ENTRY. */
export const WORKER_ENTRY = process.env.WORKER_ENTRY ?? path.join(fixtures, "fake-worker.mjs");
export const CRASHING_WORKER_ENTRY = path.join(fixtures, "crashing-worker.mjs");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const logger = createLogger("scheduler-test", process.env.TEST_LOG_LEVEL ?? "silent");

export interface RunningScheduler {
  scheduler: Scheduler;
  runtime: ProcessRuntime;
}

/** One isolated world per test: its own key prefix, DATA_DIR, connection and schedulers. */
export class Stack {
  readonly keys: RedisKeys;
  readonly events: EventLog;
  readonly sessions: SessionStore;
  readonly storage: LocalStorage;
  private readonly running: RunningScheduler[] = [];

  private constructor(
    readonly prefix: string,
    readonly dataDir: string,
    readonly redisUrl: string,
    readonly redis: Redis,
  ) {
    this.keys = redisKeys(prefix);
    this.events = new EventLog(redis, this.keys, 1_000);
    this.sessions = new SessionStore(redis, this.keys, this.events);
    this.storage = new LocalStorage(dataDir);
  }

  static async create(redisUrl = REDIS_URL): Promise<Stack> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-scheduler-"));
    const redis = createRedis(redisUrl, "scheduler-test");
    redis.on("error", () => {}); // outage tests drop the connection on purpose; ioredis reconnects
    return new Stack(`test-${nanoid(12)}`, dataDir, redisUrl, redis);
  }

  env(overrides: Record<string, string> = {}) {
    return loadEnv({
      REDIS_URL: this.redisUrl,
      KEY_PREFIX: this.prefix,
      DATA_DIR: this.dataDir,
      LOG_LEVEL: "warn",
      SCHEDULER_ID: "sched-a",
      WORKER_ENTRY,
      // Hung = 3 beats missed; 500 ms beats leave room for a loaded 2-core machine.
      HEARTBEAT_MS: "500",
      POLL_MS: "50",
      LEASE_MS: "3000",
      RESTART_BACKOFF_MS: "100",
      WORKER_STOP_GRACE_MS: "5000",
      WORKER_START_TIMEOUT_MS: "20000",
      ...overrides,
    });
  }

  async startScheduler(overrides: Record<string, string> = {}): Promise<RunningScheduler> {
    const env = this.env(overrides);
    const runtime = new ProcessRuntime({
      dataDir: env.DATA_DIR,
      entry: env.WORKER_ENTRY,
      path: env.PATH,
      logger,
    });
    const scheduler = new Scheduler({ env, redis: this.redis, runtime, storage: this.storage, logger });
    const running = { scheduler, runtime };
    this.running.push(running);
    await scheduler.start();
    return running;
  }

  async stopScheduler({ scheduler, runtime }: RunningScheduler): Promise<void> {
    await scheduler.close();
    await runtime.close();
  }

  async eventsOf(sessionId: string): Promise<AssayEvent[]> {
    return (await this.events.after(sessionId, "0")).map((stored) => stored.event);
  }

  /** Pids of live worker processes of this stack (or of one session), found by their environment. */
  workerPids(sessionId?: string): Promise<number[]> {
    return workerPids(this.prefix, sessionId);
  }

  /**
   * Closes schedulers, stops every worker the runtime knows, then fails if any worker process of
   * this stack is still alive or a worker Redis user outlived its session (the leak guard), and
   * removes keys, users and files.
   */
  async cleanup(): Promise<void> {
    for (const running of this.running) await this.stopScheduler(running);
    const runtime = new ProcessRuntime({ dataDir: this.dataDir, entry: WORKER_ENTRY, path: "", logger });
    for (const worker of await runtime.list({ [LABELS.managedBy]: MANAGED_BY }))
      await runtime.stop(worker.id, 5_000);
    const leaked = await this.workerPids();
    for (const pid of leaked) process.kill(pid, "SIGKILL");
    const leakedUsers = await this.deleteWorkerUsers();
    await unlinkMatching(this.redis, `${this.prefix}:*`);
    await closeRedis(this.redis);
    await rm(this.dataDir, { recursive: true, force: true });
    if (leaked.length > 0) throw new Error(`leak guard: worker processes left alive: ${leaked.join(", ")}`);
    if (leakedUsers.length > 0)
      throw new Error(`leak guard: Redis users of ended sessions left: ${leakedUsers.join(", ")}`);
  }

  /** The session's worker Redis user, or null. */
  redisUser(sessionId: string): Promise<unknown> {
    return this.redis.call(
      "ACL",
      "GETUSER",
      new WorkerCredentials(this.redis, this.keys).username(sessionId),
    );
  }

  /**
   * Deletes this stack's worker Redis users. Those of live sessions stay on purpose when a scheduler
   * closes (its workers outlive it); any other one is a leak, returned.
   */
  private async deleteWorkerUsers(): Promise<string[]> {
    const users = new WorkerCredentials(this.redis, this.keys);
    const leaked: string[] = [];
    for (const sessionId of await users.sessions()) {
      const status = (await this.sessions.get(sessionId))?.status;
      if (!status || !ACTIVE_SESSION_STATUSES.includes(status)) leaked.push(users.username(sessionId));
      await users.delete(sessionId);
    }
    return leaked;
  }
}

export async function workerPids(prefix: string, sessionId?: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let environ: string[];
    try {
      environ = (await readFile(`/proc/${name}/environ`, "latin1")).split("\0");
    } catch {
      continue;
    }
    if (!environ.includes(`KEY_PREFIX=${prefix}`)) continue;
    if (sessionId && !environ.includes(`SESSION_ID=${sessionId}`)) continue;
    pids.push(Number(name));
  }
  return pids;
}

/**
 * Polls until `probe` returns something truthy; fails with `what` after the timeout. The default is
 * generous because CI runs the container tests beside these on two cores.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 45_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
