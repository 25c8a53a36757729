import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { PoolAssignment, type RedisKeys, SessionId } from "@assay/contracts";
import { type Logger, type Redis, storageKeys } from "@assay/runtime";
import { type WorkerCredentials, workerRedisUrl } from "../redis-acl.js";
import type { DockerRuntime } from "./docker.js";
import { handOverDir } from "./hand-over-dir.js";
import {
  LABELS,
  type WarmWorkerSpec,
  type WorkerInfo,
  type WorkerRuntime,
  type WorkerSpec,
} from "./runtime.js";

export const POOL_ROLE = "pool";
/**
 * How a pooled container logs in to Redis: as its slot's own ACL user (host, port and database of
 * the scheduler's `redisUrl`), or, with WORKER_REDIS_ACL=false, with one shared URL.
 */
export type PoolRedisAccess =
  | { users: WorkerCredentials; redisUrl: string }
  | { users?: undefined; redisUrl: string };

/** A pooled container's assignment waits this long for it before Redis drops it. */
const ASSIGNMENT_TTL_SECONDS = 300;

export interface DockerWarmPoolOptions {
  /** How many started, unassigned containers to keep waiting. */
  size: number;
  redis: Redis;
  keys: RedisKeys;
  /** Owner labels every pooled container carries (managed-by, scheduler id). */
  labels: Record<string, string>;
  /**
   * The worker contract's env without SESSION_ID and WORKER_ID, which arrive with the assignment,
   * and without REDIS_URL, which comes from `access`.
   */
  env: Record<string, string>;
  access: PoolRedisAccess;
  logger: Logger;
}

/** Where a pooled container finds its slot's dirs; the worker links its session's storage keys to them. */
export function poolMounts(containerDataDir: string): { datasets: string; jobs: string } {
  return {
    datasets: path.posix.join(containerDataDir, "pool/datasets"),
    jobs: path.posix.join(containerDataDir, "pool/jobs"),
  };
}

const containerName = (slot: string) => `assay-pool-${slot}`;

/** Waits for every step, then fails with the first failure, so cleanup never races a step still running. */
async function settleAll<T>(first: Promise<T>, rest: (Promise<unknown> | undefined)[]): Promise<T> {
  const [settled, ...others] = await Promise.allSettled([first, ...rest]);
  const failed = [settled, ...others].find((result) => result?.status === "rejected");
  if (failed) throw failed.reason;
  return (settled as PromiseFulfilledResult<T>).value;
}

/**
 * Keeps `size` worker containers started ahead of demand, so a session gets a warm one.
 *
 * A pooled container starts with POOL_SLOT instead of SESSION_ID/WORKER_ID and BLPOPs
 * `keys.poolAssignment(slot)` as its slot's Redis user, which may touch that key only; its data
 * mounts are per-slot host dirs. Giving it a session: the slot dirs are renamed into the session's
 * storage dirs (bind mounts follow the directory), the slot→session record is written, the slot's
 * user is granted the session's keys, and the assignment is pushed. Podman's own work waits until
 * the worker is ready (`workerReady`), so it never competes with the start a session waits for:
 * then the container is renamed to the worker id and the pool refilled. The slot's user is
 * deleted with its container.
 * A pooled container serves one session and is never reused. Used as the scheduler's runtime:
 * it wraps `DockerRuntime` and reports assigned pool containers with their session label.
 */
export class DockerWarmPool implements WorkerRuntime {
  readonly kind = "docker" as const;
  private readonly idle: string[] = [];
  /** Assigned workers not ready yet: their readiness, or their stop, refills the pool. */
  private readonly starting = new Set<string>();
  /** Assigned workers whose container still has its slot's name (worker id -> slot). */
  private readonly slotNamed = new Map<string, string>();
  /** Renames in flight: an inspect or stop of the worker waits for its rename. */
  private readonly renames = new Map<string, Promise<void>>();
  private filling: Promise<void> = Promise.resolve();
  private adopted = false;
  private closed = false;

  constructor(
    private readonly runtime: DockerRuntime,
    private readonly options: DockerWarmPoolOptions,
  ) {}

  /** Starts containers until `size` wait idle (adopting idle ones this scheduler left before). */
  fill(): Promise<void> {
    this.filling = this.filling.catch(() => {}).then(() => this.topUp());
    return this.filling;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  async start(spec: WorkerSpec): Promise<WorkerInfo> {
    return (await this.startWarm(spec)) ?? this.runtime.start(spec); // pool empty: a cold start
  }

  /** Assigns an idle pooled container, passing over (and refilling for) any found dead. */
  async startWarm(worker: WarmWorkerSpec): Promise<WorkerInfo | undefined> {
    const spec = { sessionId: SessionId.parse(worker.sessionId), workerId: worker.workerId };
    for (let slot = this.idle.shift(); slot !== undefined; slot = this.idle.shift()) {
      const info = await this.assign(slot, spec);
      if (info) return info;
      this.refill();
    }
    return undefined;
  }

  workerReady(workerId: string): void {
    if (!this.starting.delete(workerId)) return;
    const slot = this.slotNamed.get(workerId);
    if (slot !== undefined) {
      const renamed = this.runtime
        .rename(containerName(slot), workerId)
        .then(() => {
          this.slotNamed.delete(workerId);
        })
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error, workerId, slot }, "pooled container keeps its slot name"),
        )
        .finally(() => this.renames.delete(workerId));
      this.renames.set(workerId, renamed);
    }
    this.refill();
  }

  async stop(workerId: string, graceMs: number): Promise<void> {
    const container = await this.containerOf(workerId);
    const slot = (await this.runtime.inspect(container))?.labels[LABELS.poolSlot];
    await this.runtime.stop(container, graceMs);
    this.slotNamed.delete(workerId);
    if (this.starting.delete(workerId)) this.refill();
    if (!slot) return;
    await this.options.redis.hdel(this.options.keys.poolSessions, slot);
    await this.options.access.users?.deletePoolSlot(slot);
  }

  async inspect(workerId: string): Promise<WorkerInfo | undefined> {
    const info = await this.runtime.inspect(await this.containerOf(workerId));
    const slot = info?.labels[LABELS.poolSlot];
    if (!info || !slot) return info;
    const assigned = await this.options.redis.hget(this.options.keys.poolSessions, slot);
    return this.withSession({ ...info, id: this.slotNamed.has(workerId) ? workerId : info.id }, assigned);
  }

  /**
   * Like the runtime's, with pooled containers' sessions and, for those not renamed yet, their
   * worker ids; idle pooled ones only when role=pool is asked for.
   */
  async list(labels: Record<string, string>): Promise<WorkerInfo[]> {
    const { [LABELS.sessionId]: _session, ...containerLabels } = labels;
    const [workers, sessions] = await Promise.all([
      this.runtime.list(containerLabels),
      this.options.redis.hgetall(this.options.keys.poolSessions),
    ]);
    const workerOfSlot = new Map([...this.slotNamed].map(([workerId, slot]) => [slot, workerId]));
    return workers
      .map((worker) => {
        const slot = worker.labels[LABELS.poolSlot] ?? "";
        return this.withSession({ ...worker, id: workerOfSlot.get(slot) ?? worker.id }, sessions[slot]);
      })
      .filter((worker) => Object.entries(labels).every(([key, value]) => worker.labels[key] === value))
      .filter((worker) => labels[LABELS.role] === POOL_ROLE || !this.isIdlePooled(worker));
  }

  /** Stops the idle pooled containers; assigned ones belong to their sessions. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.renames.values());
    await this.filling.catch(() => {});
    await Promise.all(this.idle.splice(0).map((slot) => this.discard(slot)));
    await this.runtime.close();
  }

  private async topUp(): Promise<void> {
    if (!this.adopted) await this.adoptIdle();
    const missing = this.closed ? 0 : this.options.size - this.idle.length;
    await Promise.all(Array.from({ length: Math.max(0, missing) }, () => this.startSlot()));
  }

  /**
   * After a restart: idle pooled containers of this scheduler are reused, dead ones removed, and
   * slot users whose container is gone (of any scheduler on this engine) deleted.
   */
  private async adoptIdle(): Promise<void> {
    const pooled = await this.list({ ...this.options.labels, [LABELS.role]: POOL_ROLE });
    for (const worker of pooled.filter((candidate) => this.isIdlePooled(candidate))) {
      const slot = worker.labels[LABELS.poolSlot] as string;
      if (worker.state === "running") this.idle.push(slot);
      else await this.discard(slot);
    }
    await this.removeStaleSlotUsers();
    this.adopted = true;
  }

  private async removeStaleSlotUsers(): Promise<void> {
    const users = this.options.access.users;
    if (!users) return;
    const managed = { [LABELS.managedBy]: this.options.labels[LABELS.managedBy] ?? "" };
    const containers = await this.runtime.list({ ...managed, [LABELS.role]: POOL_ROLE });
    const live = new Set(containers.map((container) => container.labels[LABELS.poolSlot]));
    for (const slot of await users.poolSlots()) {
      if (live.has(slot)) continue;
      await users.deletePoolSlot(slot);
      this.options.logger.info({ slot }, "stale pool slot Redis user removed");
    }
  }

  private async startSlot(): Promise<void> {
    const slot = `p${randomBytes(6).toString("hex")}`;
    const datasets = path.join(this.slotDir(slot), "datasets");
    const jobs = path.join(this.slotDir(slot), "jobs");
    await mkdir(datasets, { recursive: true });
    await mkdir(jobs, { recursive: true });
    await this.runtime.giveToWorkerUser(jobs);
    const inside = poolMounts(this.runtime.containerDataDir);
    try {
      const redisUrl = await this.slotRedisUrl(slot);
      const container = await this.runtime.create(
        containerName(slot),
        { ...this.options.labels, [LABELS.role]: POOL_ROLE, [LABELS.poolSlot]: slot },
        {
          ...this.options.env,
          REDIS_URL: redisUrl,
          POOL_SLOT: slot,
          DATA_DIR: this.runtime.containerDataDir,
        },
        [
          `${this.runtime.hostPath(datasets)}:${inside.datasets}:ro`,
          `${this.runtime.hostPath(jobs)}:${inside.jobs}:rw`,
        ],
      );
      await container.start();
    } catch (error) {
      await this.discard(slot);
      throw error;
    }
    this.idle.push(slot);
  }

  private async slotRedisUrl(slot: string): Promise<string> {
    const { users, redisUrl } = this.options.access;
    return users ? workerRedisUrl(redisUrl, await users.createPoolSlot(slot)) : redisUrl;
  }

  /**
   * The slot user's grant and the dirs' hand-over must precede the push (the worker uses both at
   * once); the container's state is checked alongside them. Undefined when the container is dead.
   */
  private async assign(slot: string, spec: WarmWorkerSpec): Promise<WorkerInfo | undefined> {
    const { redis, keys } = this.options;
    const assignment = PoolAssignment.parse({ sessionId: spec.sessionId, workerId: spec.workerId });
    let info: WorkerInfo | undefined;
    try {
      info = await settleAll(this.runtime.inspect(containerName(slot)), [
        this.handOver(slot, "datasets", storageKeys.datasetsDir(spec.sessionId)),
        this.handOver(slot, "jobs", storageKeys.jobsDir(spec.sessionId)),
        this.options.access.users?.grantSession(slot, spec.sessionId),
        redis.hset(keys.poolSessions, slot, spec.sessionId),
      ]);
      if (info?.state === "running") {
        await redis
          .multi()
          .lpush(keys.poolAssignment(slot), JSON.stringify(assignment))
          .expire(keys.poolAssignment(slot), ASSIGNMENT_TTL_SECONDS)
          .exec();
      }
    } catch (error) {
      await this.unassign(slot);
      throw error;
    }
    if (info?.state !== "running") {
      await this.unassign(slot);
      return undefined;
    }
    this.starting.add(spec.workerId);
    this.slotNamed.set(spec.workerId, slot);
    await rm(this.slotDir(slot), { recursive: true, force: true });
    this.options.logger.info(
      { sessionId: spec.sessionId, workerId: spec.workerId, slot },
      "pooled worker assigned",
    );
    return this.withSession({ ...info, id: spec.workerId }, spec.sessionId);
  }

  /** A slot whose assignment failed: its container, dirs and user go, and it serves no session. */
  private async unassign(slot: string): Promise<void> {
    await this.discard(slot);
    await this.options.redis.hdel(this.options.keys.poolSessions, slot);
  }

  /** The container a worker runs in: its slot's until renamed (waiting for a rename in flight). */
  private async containerOf(workerId: string): Promise<string> {
    await this.renames.get(workerId);
    const slot = this.slotNamed.get(workerId);
    return slot === undefined ? workerId : containerName(slot);
  }

  private refill(): void {
    this.fill().catch((error: unknown) =>
      this.options.logger.warn({ err: error }, "warm pool refill failed"),
    );
  }

  private handOver(slot: string, kind: "datasets" | "jobs", storageKey: string): Promise<void> {
    return handOverDir(path.join(this.slotDir(slot), kind), path.join(this.runtime.dataDir, storageKey));
  }

  private async discard(slot: string): Promise<void> {
    await this.runtime.stop(containerName(slot), 0);
    await rm(this.slotDir(slot), { recursive: true, force: true });
    await this.options.access.users?.deletePoolSlot(slot);
  }

  private slotDir(slot: string): string {
    return path.join(this.runtime.dataDir, "pool", slot);
  }

  private isIdlePooled(worker: WorkerInfo): boolean {
    return worker.labels[LABELS.role] === POOL_ROLE && !worker.labels[LABELS.sessionId];
  }

  private withSession(info: WorkerInfo, sessionId: string | null | undefined): WorkerInfo {
    if (!sessionId || info.labels[LABELS.sessionId]) return info;
    return { ...info, labels: { ...info.labels, [LABELS.sessionId]: sessionId } };
  }
}
