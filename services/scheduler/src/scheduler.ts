import type { WorkerHeartbeat } from "@assay/contracts";
import { ACTIVE_SESSION_STATUSES, type RedisKeys, redisKeys, type WorkerRef } from "@assay/contracts";
import {
  closeRedis,
  EventLog,
  JobStore,
  type Logger,
  type Redis,
  type SessionRecord,
  SessionStore,
  type Storage,
  storageKeys,
} from "@assay/runtime";
import { sessionOfWorkerStarted, workerStartedPattern } from "@assay/runtime/worker-started";
import type { SchedulerSettings } from "./env.js";
import { Leases } from "./leases.js";
import { failJobsKilledOutOfMemory, KILLED_EXIT_CODE } from "./out-of-memory-jobs.js";
import { QueueProbe } from "./queue-probe.js";
import { ReadyTransition } from "./ready-transition.js";
import { WorkerCredentials, workerRedisUrl } from "./redis-acl.js";
import { LABELS, MANAGED_BY, type WorkerRuntime } from "./runtimes/runtime.js";
import { newWorkerId, ownerLabels, workerSpec } from "./worker-spec.js";

export interface SchedulerDeps {
  env: SchedulerSettings;
  /** Command connection; the scheduler duplicates it for its wake subscription. */
  redis: Redis;
  runtime: WorkerRuntime;
  storage: Storage;
  logger: Logger;
}

/** A session whose worker this scheduler owns (holds its lease). */
interface OwnedSession {
  sessionId: string;
  log: Logger;
  /** Absent while waiting out a restart backoff. */
  workerId?: string;
  phase: "starting" | "ready" | "backoff";
  /** When the current worker was started (or adopted), ms. */
  startedAt: number;
  readyAt?: number;
  /** When this scheduler last saw the current worker's heartbeat, ms. */
  heartbeatSeenAt?: number;
  restartAt?: number;
  /** Times of recent restarts, for the backoff exponent and the failure limit. */
  restarts: number[];
}

/** Whether a session in this status should have a worker. */
const isLive = (status: unknown) => (ACTIVE_SESSION_STATUSES as readonly unknown[]).includes(status);
/** Wakes come with every session created; a sweep over all sessions runs at most this often. */
const MIN_SWEEP_GAP_MS = 1_000;
/** How many sessions in line are looked at (and told their place) per loop. */
const WAITING_WINDOW = 200;

/**
 * Gives each live session its own worker (docs/architecture.md, "Session lifecycle"): claims sessions
 * in line within capacity, marks them ready on the worker's first heartbeat, restarts exited or hung
 * workers with backoff, reaps idle ones, purges deleted sessions and, on start, adopts its own
 * workers that outlived a restart. One loop every POLL_MS and on every wake; per-session work runs
 * beside the loop (one task per session at a time), so one slow or broken session never holds up the rest.
 */
export class Scheduler {
  readonly id: string;
  private readonly env: SchedulerSettings;
  private readonly redis: Redis;
  private readonly runtime: WorkerRuntime;
  private readonly storage: Storage;
  private readonly logger: Logger;
  private readonly keys: RedisKeys;
  private readonly events: EventLog;
  private readonly sessions: SessionStore;
  private readonly jobs: JobStore;
  private readonly leases: Leases;
  private readonly queues: QueueProbe;
  private readonly readiness: ReadyTransition;
  /** Per-session Redis ACL users; absent with WORKER_REDIS_ACL=false. */
  private readonly workerUsers: WorkerCredentials | undefined;
  private readonly owned = new Map<string, OwnedSession>();
  /** The one running task per session (watch, start, stop, purge). */
  private readonly tasks = new Map<string, Promise<void>>();
  /** Per session, a task to run as soon as its running one ends. */
  private readonly nextTasks = new Map<string, () => Promise<void>>();
  private subscriber: Redis | undefined;
  private loop: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;
  private wakeRequested = false;
  private wakeSleeper: (() => void) | undefined;
  private sweepRequested = true;
  private lastSweepAt = 0;
  /** When Redis last became reachable: workers get 3 beats from then to reconnect before they count as hung. */
  private redisReadyAt = Date.now();
  private readonly onRedisReady = () => {
    this.redisReadyAt = Date.now();
  };

  constructor(deps: SchedulerDeps) {
    this.env = deps.env;
    this.id = deps.env.SCHEDULER_ID;
    this.redis = deps.redis;
    this.runtime = deps.runtime;
    this.storage = deps.storage;
    this.logger = deps.logger.child({ schedulerId: this.id });
    this.keys = redisKeys(deps.env.KEY_PREFIX);
    this.events = new EventLog(this.redis, this.keys, deps.env.EVENTS_MAX_LEN);
    this.sessions = new SessionStore(this.redis, this.keys, this.events);
    this.jobs = new JobStore(this.redis, this.keys, this.events);
    this.leases = new Leases(this.redis, this.keys, this.id, deps.env.LEASE_MS);
    this.queues = new QueueProbe(this.redis, this.keys);
    this.readiness = new ReadyTransition(this.redis, this.keys, this.id, deps.env.EVENTS_MAX_LEN);
    this.workerUsers = deps.env.WORKER_REDIS_ACL ? new WorkerCredentials(this.redis, this.keys) : undefined;
  }

  /** Subscribes to wakes, adopts or stops this scheduler's surviving workers, then starts the loop. */
  async start(): Promise<void> {
    if (this.loop) return;
    if (!this.workerUsers) {
      this.logger.warn(
        "WORKER_REDIS_ACL=false: workers log in to Redis with the scheduler's own credentials",
      );
    }
    // First: a Redis user that may not manage ACL users fails the start here (WorkerAclUnavailable).
    await this.workerUsers?.sessions();
    this.redis.on("ready", this.onRedisReady);
    this.subscriber = this.redis.duplicate({ connectionName: `scheduler-wake-${this.id}` });
    this.subscriber.on("message", () => this.wake());
    this.subscriber.on("pmessage", (_pattern, channel, workerId) => this.onWorkerStarted(channel, workerId));
    this.subscriber.on("error", (error) => this.logger.warn({ err: error }, "wake subscriber error"));
    await this.subscriber.subscribe(this.keys.schedulerWake);
    await this.subscriber.psubscribe(workerStartedPattern(this.keys.prefix));
    await this.register();
    await this.reconcile();
    this.loop = this.run();
    this.logger.info({ runtime: this.runtime.kind, maxWorkers: this.env.MAX_WORKERS }, "scheduler started");
  }

  /** Sessions whose worker this scheduler owns right now. */
  ownedSessions(): string[] {
    return [...this.owned.keys()];
  }

  /**
   * Stops the loop and leaves the scheduler registry. Workers keep running (a restarted scheduler with
   * the same id adopts them) unless SCHEDULER_STOP_WORKERS_ON_EXIT, which stops them and puts their
   * sessions back in line. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.wake();
      await this.loop;
      await Promise.allSettled(this.tasks.values());
      if (this.env.SCHEDULER_STOP_WORKERS_ON_EXIT) {
        await Promise.allSettled([...this.owned.values()].map((owned) => this.handBack(owned)));
      }
      try {
        await this.redis.zrem(this.keys.schedulers, this.id);
      } catch (error) {
        this.logger.warn({ err: error }, "could not leave the scheduler registry");
      }
      await this.queues.close();
      this.redis.off("ready", this.onRedisReady);
      if (this.subscriber) await closeRedis(this.subscriber);
      this.logger.info("scheduler closed");
    })();
    return this.closing;
  }

  private wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.tick();
      } catch (error) {
        // Mostly Redis being away: ioredis reconnects, the next loop retries.
        this.logger.warn({ err: error }, "scheduler loop failed, retrying");
      }
      await this.pause();
    }
  }

  /** Waits POLL_MS, or less when woken. */
  private async pause(): Promise<void> {
    if (this.closed) return;
    if (this.wakeRequested) {
      this.wakeRequested = false;
      this.sweepRequested = true;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.env.POLL_MS);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleeper = undefined;
    if (this.wakeRequested) {
      this.wakeRequested = false;
      this.sweepRequested = true;
    }
  }

  /**
   * A worker's notice that it wrote its first heartbeat: its session is made ready at once (after
   * the task running for it, such as its start), without waiting for the next loop. The transition
   * checks the heartbeat itself; when it does not apply, the session is watched as on a loop. A
   * notice lost while the subscriber reconnects leaves the session to the next loop.
   */
  private onWorkerStarted(channel: string, workerId: string): void {
    const sessionId = sessionOfWorkerStarted(this.keys.prefix, channel);
    const owned = sessionId === undefined ? undefined : this.owned.get(sessionId);
    if (owned?.phase !== "starting" || owned.workerId !== workerId) return;
    const readyOrWatch = async () => {
      if (owned.phase !== "starting" || owned.workerId !== workerId) return;
      if (!(await this.markReady(owned, Date.now()))) await this.watch(owned);
    };
    this.runTask(owned.sessionId, readyOrWatch, { afterCurrent: true });
  }

  /** Sessions in line are claimed first: a wake most often means a new session. */
  private async tick(): Promise<void> {
    for (const owned of this.owned.values()) this.runTask(owned.sessionId, () => this.watch(owned));
    await this.claimPending();
    await this.register();
    const now = Date.now();
    const sinceSweep = now - this.lastSweepAt;
    if ((this.sweepRequested && sinceSweep >= MIN_SWEEP_GAP_MS) || sinceSweep >= this.env.LEASE_MS) {
      this.sweepRequested = false;
      this.lastSweepAt = now;
      await this.sweep();
    }
  }

  private async register(): Promise<void> {
    await this.redis.zadd(this.keys.schedulers, Date.now() + this.env.LEASE_MS, this.id);
  }

  /**
   * Runs one task for a session unless one is already running (then, with `afterCurrent`, right
   * after it); a failure is logged, never thrown.
   */
  private runTask(
    sessionId: string,
    task: () => Promise<void>,
    options: { afterCurrent?: boolean } = {},
  ): void {
    if (this.closed) return;
    if (this.tasks.has(sessionId)) {
      if (options.afterCurrent) this.nextTasks.set(sessionId, task);
      return;
    }
    const running = task()
      .catch((error: unknown) => {
        this.logger.child({ sessionId }).error({ err: error }, "session task failed");
      })
      .finally(() => {
        this.tasks.delete(sessionId);
        const next = this.nextTasks.get(sessionId);
        this.nextTasks.delete(sessionId);
        if (next) this.runTask(sessionId, next);
      });
    this.tasks.set(sessionId, running);
  }

  // ---- claiming ----------------------------------------------------------------------------

  private async claimPending(): Promise<void> {
    let capacity = this.env.MAX_WORKERS - this.owned.size;
    if (capacity > 0) {
      const pending = await this.redis.zrange(
        this.keys.pendingSessions,
        "0",
        String(capacity + WAITING_WINDOW - 1),
      );
      for (const sessionId of pending) {
        if (capacity <= 0) break;
        if (this.tasks.has(sessionId) || this.owned.has(sessionId)) continue;
        try {
          if (await this.claim(sessionId)) capacity -= 1;
        } catch (error) {
          this.logger.child({ sessionId }).error({ err: error }, "claim failed");
        }
      }
    }
    if (capacity <= 0) await this.announceWaiting();
  }

  /** Takes a session out of line (ZREM decides between schedulers) and starts its worker. */
  private async claim(sessionId: string): Promise<boolean> {
    if ((await this.redis.zrem(this.keys.pendingSessions, sessionId)) !== 1) return false;
    const log = this.logger.child({ sessionId });
    const [leased, record] = await Promise.all([this.leases.claim(sessionId), this.sessions.get(sessionId)]);
    if (!leased) {
      log.debug("session in line is owned by another scheduler, left to it");
      return false;
    }
    if (!record || record.status === "failed") {
      await this.leases.release(sessionId);
      return false;
    }
    if (record.status === "stopping") {
      this.runTask(sessionId, () => this.purgeUnowned(sessionId, log));
      return false;
    }
    const owned: OwnedSession = { sessionId, log, phase: "starting", startedAt: Date.now(), restarts: [] };
    this.owned.set(sessionId, owned);
    await Promise.all([
      this.redis.hdel(this.keys.session(sessionId), "waitingPosition"),
      this.sessions.setStatus(sessionId, "starting"),
    ]);
    this.runTask(sessionId, () => this.startWorker(owned));
    return true;
  }

  /** Tells each session still in line its place when it changed (kept in the session hash, so schedulers agree). */
  private async announceWaiting(): Promise<void> {
    const waiting = await this.redis.zrange(this.keys.pendingSessions, "0", String(WAITING_WINDOW - 1));
    if (waiting.length === 0) return;
    const batch = this.redis.pipeline();
    for (const sessionId of waiting) batch.hmget(this.keys.session(sessionId), "id", "waitingPosition");
    const known = (await batch.exec()) ?? [];
    for (const [index, sessionId] of waiting.entries()) {
      const [error, fields] = known[index] ?? [];
      const [id, previous] = (fields as (string | null)[] | undefined) ?? [];
      const position = index + 1;
      if (error || !id || previous === String(position)) continue;
      const update = this.redis.multi().hset(this.keys.session(sessionId), "waitingPosition", position);
      this.events.appendTo(update, { type: "session:waiting", sessionId, position });
      await update.exec();
    }
  }

  private async startWorker(owned: OwnedSession): Promise<void> {
    const workerId = newWorkerId();
    owned.workerId = workerId;
    owned.phase = "starting";
    owned.startedAt = Date.now();
    owned.heartbeatSeenAt = undefined;
    owned.readyAt = undefined;
    try {
      const warm = await this.runtime.startWarm?.({ sessionId: owned.sessionId, workerId });
      if (!warm) {
        const redisUrl = await this.workerRedisUrl(owned.sessionId);
        await this.runtime.start(workerSpec(this.env, owned.sessionId, workerId, redisUrl));
      }
    } catch (error) {
      owned.log.error({ err: error, workerId }, "worker start failed");
      await this.afterExit(owned, `start failed: ${(error as Error).message}`, null);
      return;
    }
    await this.sessions.setWorker(owned.sessionId, this.workerRef(workerId));
    owned.log.info({ workerId }, "worker started");
  }

  /** A fresh password for the session's Redis user on every start: only the newest worker knows it. */
  private async workerRedisUrl(sessionId: string): Promise<string> {
    if (!this.workerUsers) return this.env.REDIS_URL;
    return workerRedisUrl(this.env.REDIS_URL, await this.workerUsers.create(sessionId));
  }

  // ---- watching ----------------------------------------------------------------------------

  private async watch(owned: OwnedSession): Promise<void> {
    const { sessionId } = owned;
    // Sent together: a new worker's first beat is checked within one round trip of its notice.
    const [lease, found, heartbeat] = await Promise.all([
      this.leases.hold(sessionId),
      this.sessions.get(sessionId),
      this.sessions.heartbeat(sessionId),
    ]);
    const record = lease === "gone" ? undefined : found;
    if (lease === "lost" || !record) {
      owned.log.warn({ lease }, lease === "lost" ? "lease taken over, stopping worker" : "session gone");
      await this.stopWorker(owned);
      // A scheduler that took the lease over has reset the session's Redis user for its own worker (a cold start).
      await this.forget(owned, { keepRedisUser: lease === "lost" });
      return;
    }
    if (record.status === "stopping") return this.purgeOwned(owned);
    if (record.status === "stopped" || record.status === "failed") {
      await this.stopWorker(owned);
      await this.forget(owned, { releaseLease: true });
      return;
    }
    if (owned.phase === "backoff") {
      if (Date.now() >= (owned.restartAt ?? 0)) await this.startWorker(owned);
      return;
    }
    const now = Date.now();
    const ours = heartbeat?.workerId === owned.workerId ? heartbeat : undefined;
    if (ours) owned.heartbeatSeenAt = now;
    // A new worker's first beat shows it runs: ready without waiting for the runtime's inspect (a podman call).
    if (owned.phase === "starting" && ours && (await this.markReady(owned, now))) return;
    const info = owned.workerId ? await this.runtime.inspect(owned.workerId) : undefined;
    if (!info || info.state === "exited") {
      return this.afterExit(owned, info?.exitReason ?? "worker vanished", info?.exitCode ?? null);
    }
    if (owned.phase === "starting") {
      if (now - owned.startedAt > this.env.WORKER_START_TIMEOUT_MS) {
        return this.restartHung(owned, `no heartbeat within ${this.env.WORKER_START_TIMEOUT_MS} ms of start`);
      }
      return;
    }
    const silentMs = now - Math.max(owned.heartbeatSeenAt ?? owned.startedAt, this.redisReadyAt);
    if (silentMs > 3 * this.env.HEARTBEAT_MS)
      return this.restartHung(owned, `no heartbeat for ${silentMs} ms`);
    if (ours) await this.reapIfIdle(owned, record, ours);
  }

  /** False when the session was not ready to mark (deleted, taken over, another worker's beat). */
  private async markReady(owned: OwnedSession, now: number): Promise<boolean> {
    const workerId = owned.workerId;
    if (!workerId) return false;
    const startMs = now - owned.startedAt;
    const event = {
      type: "session:ready" as const,
      sessionId: owned.sessionId,
      worker: this.workerRef(workerId),
      startMs,
    };
    if (!(await this.readiness.mark(owned.sessionId, workerId, event))) return false;
    owned.phase = "ready";
    owned.readyAt = now;
    owned.heartbeatSeenAt = now;
    this.runtime.workerReady?.(workerId);
    owned.log.info({ workerId, startMs }, "worker ready");
    return true;
  }

  private async restartHung(owned: OwnedSession, reason: string): Promise<void> {
    owned.log.warn({ workerId: owned.workerId, reason }, "worker hung, restarting");
    if (owned.workerId) await this.runtime.stop(owned.workerId, this.env.WORKER_STOP_GRACE_MS);
    await this.afterExit(owned, `hung: ${reason}`, null);
  }

  /** Reports an exited worker and schedules its restart, or fails the session after too many. */
  private async afterExit(owned: OwnedSession, reason: string, exitCode: number | null): Promise<void> {
    const { sessionId } = owned;
    const workerId = owned.workerId;
    if (workerId) await this.runtime.stop(workerId, 0); // clears what the runtime keeps of a dead worker
    // A container killed at its memory limit (cgroup v1 podman reports only the 137) must not get its job back.
    if (this.runtime.kind === "docker" && exitCode === KILLED_EXIT_CODE) {
      const limit = `${this.env.WORKER_MEMORY_MB} MiB`;
      await failJobsKilledOutOfMemory(this.jobs, sessionId, limit, owned.log);
    }
    const now = Date.now();
    owned.restarts = owned.restarts.filter((at) => now - at < this.env.RESTART_WINDOW_MS);
    const giveUp = owned.restarts.length >= this.env.MAX_RESTARTS;
    const restartInMs = giveUp
      ? null
      : Math.min(this.env.RESTART_BACKOFF_MS * 2 ** owned.restarts.length, this.env.RESTART_BACKOFF_MAX_MS);
    owned.log.warn({ workerId, reason, exitCode, restartInMs }, "worker exited");
    if (workerId) {
      await this.events.append({
        type: "session:worker-exited",
        sessionId,
        worker: this.workerRef(workerId),
        reason,
        exitCode,
        restartInMs,
      });
    }
    if (restartInMs === null) {
      const failure = `worker exited ${owned.restarts.length + 1} times within ${this.env.RESTART_WINDOW_MS} ms, last: ${reason}`;
      await this.sessions.setStatus(sessionId, "failed", failure);
      await this.sessions.setWorker(sessionId, undefined);
      await this.events.append({ type: "session:failed", sessionId, reason: failure });
      await this.forget(owned, { releaseLease: true });
      return;
    }
    owned.restarts.push(now);
    owned.phase = "backoff";
    owned.restartAt = now + restartInMs;
    owned.workerId = undefined;
    await this.sessions.setStatus(sessionId, "starting", `restarting: ${reason}`);
  }

  /** Stops an idle worker (keeping the session's data); never while a job waits or runs. */
  private async reapIfIdle(
    owned: OwnedSession,
    record: SessionRecord,
    heartbeat: WorkerHeartbeat,
  ): Promise<void> {
    if (heartbeat.state !== "idle") return;
    const lastActive = Math.max(
      Date.parse(record.lastActiveAt) || 0,
      heartbeat.lastJobAt ? Date.parse(heartbeat.lastJobAt) : 0,
      owned.readyAt ?? 0,
    );
    if (Date.now() - lastActive < this.env.IDLE_TTL_MS) return;
    if (await this.queues.hasWork(owned.sessionId)) return;
    owned.log.info({ workerId: owned.workerId, idleMs: Date.now() - lastActive }, "stopping idle worker");
    await this.stopWorker(owned);
    await this.sessions.setStatus(owned.sessionId, "stopped", "idle");
    await this.sessions.setWorker(owned.sessionId, undefined);
    await this.events.append({ type: "session:stopped", sessionId: owned.sessionId, reason: "idle" });
    const jobSlippedIn = await this.queues.hasWork(owned.sessionId);
    await this.forget(owned, { releaseLease: true });
    if (jobSlippedIn) {
      // A job was queued while the worker stopped: the session needs a worker after all.
      await this.sessions.setStatus(owned.sessionId, "starting");
      await this.sessions.requestWorker(owned.sessionId);
    }
  }

  // ---- stopping and purging ----------------------------------------------------------------

  private async purgeOwned(owned: OwnedSession): Promise<void> {
    await this.stopWorker(owned);
    await this.purgeData(owned.sessionId);
    await this.forget(owned);
    owned.log.info("session purged");
  }

  /** Purges a deleted session nobody owns, stopping any worker of it this runtime still has. */
  private async purgeUnowned(sessionId: string, log: Logger): Promise<void> {
    const workers = await this.runtime.list({
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.sessionId]: sessionId,
    });
    await Promise.all(workers.map((worker) => this.runtime.stop(worker.id, this.env.WORKER_STOP_GRACE_MS)));
    await this.purgeData(sessionId);
    await this.workerUsers?.delete(sessionId);
    log.info({ workers: workers.length }, "unowned session purged");
  }

  private async purgeData(sessionId: string): Promise<void> {
    await this.storage.deletePrefix(storageKeys.sessionRoot(sessionId));
    await this.sessions.purge(sessionId);
  }

  private async stopWorker(owned: OwnedSession): Promise<void> {
    if (!owned.workerId) return;
    await this.runtime.stop(owned.workerId, this.env.WORKER_STOP_GRACE_MS);
    owned.workerId = undefined;
  }

  /** Lets go of a session whose worker is stopped; its Redis user goes too unless another scheduler now uses it. */
  private async forget(
    owned: OwnedSession,
    options: { releaseLease?: boolean; keepRedisUser?: boolean } = {},
  ): Promise<void> {
    this.owned.delete(owned.sessionId);
    await this.queues.forget(owned.sessionId);
    if (!options.keepRedisUser) await this.workerUsers?.delete(owned.sessionId);
    if (options.releaseLease) await this.leases.release(owned.sessionId);
  }

  /** On close with SCHEDULER_STOP_WORKERS_ON_EXIT: stops the worker and puts the session back in line. */
  private async handBack(owned: OwnedSession): Promise<void> {
    try {
      await this.stopWorker(owned);
      await this.sessions.setWorker(owned.sessionId, undefined);
      await this.sessions.setStatus(owned.sessionId, "starting", "scheduler stopped");
      await this.forget(owned, { releaseLease: true });
      await this.sessions.requestWorker(owned.sessionId);
    } catch (error) {
      owned.log.error({ err: error }, "could not hand the session back");
    }
  }

  // ---- consistency -------------------------------------------------------------------------

  /**
   * Over all live sessions: purges deleted ones nobody owns, and puts back in line those that should
   * have a worker but have neither a lease nor a place in line (their scheduler died).
   */
  private async sweep(): Promise<void> {
    await this.redis.zremrangebyscore(this.keys.schedulers, "-inf", Date.now() - 10 * this.env.LEASE_MS);
    const sessionIds = await this.sessions.list();
    const batch = this.redis.pipeline();
    for (const sessionId of sessionIds) {
      batch.hget(this.keys.session(sessionId), "status");
      batch.exists(this.keys.sessionLease(sessionId));
      batch.zscore(this.keys.pendingSessions, sessionId);
    }
    const replies = ((await batch.exec()) ?? []).map(([error, value]) => (error ? undefined : value));
    for (const [index, sessionId] of sessionIds.entries()) {
      const [status, leased, pendingScore] = replies.slice(index * 3, index * 3 + 3);
      if (leased !== 0 || this.owned.has(sessionId) || this.tasks.has(sessionId)) continue;
      const log = this.logger.child({ sessionId });
      try {
        if (status === "stopping" && (await this.leases.claim(sessionId))) {
          this.runTask(sessionId, () => this.purgeUnowned(sessionId, log));
        } else if (isLive(status) && pendingScore === null) {
          log.warn({ status }, "live session without a worker, back in line");
          await this.sessions.requestWorker(sessionId);
        }
      } catch (error) {
        log.error({ err: error }, "sweep failed for session");
      }
    }
  }

  /** Adopts this scheduler's workers whose session lives; stops the rest. */
  private async reconcile(): Promise<void> {
    const workers = await this.runtime.list(ownerLabels(this.id));
    const orphans: string[] = [];
    for (const worker of workers) {
      const sessionId = worker.labels[LABELS.sessionId];
      const log = this.logger.child({ sessionId });
      try {
        if (worker.state === "running" && sessionId && (await this.adopt(sessionId, worker.id, log)))
          continue;
      } catch (error) {
        log.error({ err: error, workerId: worker.id }, "adoption failed");
      }
      orphans.push(worker.id);
    }
    await Promise.allSettled(
      orphans.map(async (workerId) => {
        await this.runtime.stop(workerId, this.env.WORKER_STOP_GRACE_MS);
        this.logger.info({ workerId }, "orphan worker stopped");
      }),
    );
    this.logger.info({ adopted: this.owned.size, stopped: orphans.length }, "reconciled workers");
    await this.removeStaleRedisUsers();
  }

  /** Deletes worker Redis users of sessions that no longer live (their scheduler died before it could). */
  private async removeStaleRedisUsers(): Promise<void> {
    if (!this.workerUsers) return;
    let removed = 0;
    for (const sessionId of await this.workerUsers.sessions()) {
      if (this.owned.has(sessionId)) continue;
      const record = await this.sessions.get(sessionId);
      if (record && isLive(record.status)) continue;
      await this.workerUsers.delete(sessionId);
      removed += 1;
    }
    if (removed > 0) this.logger.info({ removed }, "stale worker Redis users removed");
  }

  private async adopt(sessionId: string, workerId: string, log: Logger): Promise<boolean> {
    if (this.owned.has(sessionId)) return false; // a second worker of one session is an orphan
    const record = await this.sessions.get(sessionId);
    if (!record || !isLive(record.status)) return false;
    if ((await this.leases.hold(sessionId)) !== "held") return false;
    await this.redis.zrem(this.keys.pendingSessions, sessionId);
    const now = Date.now();
    const ready = record.status !== "starting";
    this.owned.set(sessionId, {
      sessionId,
      log,
      workerId,
      phase: ready ? "ready" : "starting",
      startedAt: now,
      ...(ready ? { readyAt: now, heartbeatSeenAt: now } : {}),
      restarts: [],
    });
    await this.sessions.setWorker(sessionId, this.workerRef(workerId));
    log.info({ workerId }, "worker adopted");
    return true;
  }

  private workerRef(workerId: string): WorkerRef {
    return { runtime: this.runtime.kind, id: workerId };
  }
}
