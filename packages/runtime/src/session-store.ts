import {
  Dataset,
  type RedisKeys,
  type RuntimeKind,
  type SessionStatus,
  WorkerHeartbeat,
} from "@assay/contracts";
import type { Redis } from "ioredis";
import type { EventLog } from "./event-log.js";
import { unlinkMatching } from "./redis.js";

export interface SessionRecord {
  id: string;
  tenantId: string;
  status: SessionStatus;
  statusReason?: string;
  createdAt: string;
  lastActiveAt: string;
  worker?: { runtime: RuntimeKind; id: string };
}

/** Session metadata in Redis: one hash per session plus the global indexes. */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly events: EventLog,
  ) {}

  /** Records a new session and puts it in line for a worker; wakes the schedulers. */
  async create(sessionId: string, tenantId: string): Promise<SessionRecord> {
    const now = new Date();
    const record: SessionRecord = {
      id: sessionId,
      tenantId,
      status: "starting",
      createdAt: now.toISOString(),
      lastActiveAt: now.toISOString(),
    };
    const batch = this.redis.multi().hset(this.keys.session(sessionId), {
      id: sessionId,
      tenantId,
      status: record.status,
      createdAt: record.createdAt,
      lastActiveAt: record.lastActiveAt,
    });
    this.events.appendTo(batch, { type: "session:created", sessionId });
    await batch.exec();
    // Global indexes live in other cluster slots: separate commands, not one MULTI.
    await this.redis.zadd(this.keys.sessions, now.getTime(), sessionId);
    await this.requestWorker(sessionId);
    return record;
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.session(sessionId));
    return hash.id ? toRecord(hash) : undefined;
  }

  async setStatus(sessionId: string, status: SessionStatus, reason?: string): Promise<void> {
    const batch = this.redis.multi().hset(this.keys.session(sessionId), "status", status);
    if (reason) batch.hset(this.keys.session(sessionId), "statusReason", reason);
    else batch.hdel(this.keys.session(sessionId), "statusReason");
    await batch.exec();
  }

  async setWorker(
    sessionId: string,
    worker: { runtime: RuntimeKind; id: string } | undefined,
  ): Promise<void> {
    const key = this.keys.session(sessionId);
    if (worker) await this.redis.hset(key, { workerRuntime: worker.runtime, workerId: worker.id });
    else await this.redis.hdel(key, "workerRuntime", "workerId");
  }

  async touch(sessionId: string): Promise<void> {
    await this.redis.hset(this.keys.session(sessionId), "lastActiveAt", new Date().toISOString());
  }

  /** 1-based place in the line for a worker, or undefined when not waiting. */
  async queuePosition(sessionId: string): Promise<number | undefined> {
    const rank = await this.redis.zrank(this.keys.pendingSessions, sessionId);
    return rank === null ? undefined : rank + 1;
  }

  /** Puts a session (back) in line for a worker and wakes the schedulers. */
  async requestWorker(sessionId: string): Promise<void> {
    await this.redis.zadd(this.keys.pendingSessions, "NX", Date.now(), sessionId);
    await this.redis.publish(this.keys.schedulerWake, sessionId);
  }

  async addDataset(sessionId: string, dataset: Dataset): Promise<void> {
    await this.redis.hset(
      this.keys.sessionDatasets(sessionId),
      dataset.id,
      JSON.stringify(Dataset.parse(dataset)),
    );
  }

  async datasets(sessionId: string): Promise<Dataset[]> {
    const hash = await this.redis.hgetall(this.keys.sessionDatasets(sessionId));
    return Object.values(hash)
      .map((json) => Dataset.parse(JSON.parse(json)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async dataset(sessionId: string, datasetId: string): Promise<Dataset | undefined> {
    const json = await this.redis.hget(this.keys.sessionDatasets(sessionId), datasetId);
    return json ? Dataset.parse(JSON.parse(json)) : undefined;
  }

  async heartbeat(sessionId: string): Promise<WorkerHeartbeat | undefined> {
    const json = await this.redis.get(this.keys.sessionHeartbeat(sessionId));
    if (!json) return undefined;
    const parsed = WorkerHeartbeat.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  }

  /** Live session ids, oldest first. */
  async list(): Promise<string[]> {
    return this.redis.zrange(this.keys.sessions, "0", "-1");
  }

  /** Removes every Redis key of a session, its job index entries and its place in the indexes. */
  async purge(sessionId: string): Promise<void> {
    const jobIds = await this.redis.zrange(this.keys.sessionJobs(sessionId), "0", "-1");
    await unlinkMatching(this.redis, this.keys.sessionPattern(sessionId));
    await Promise.all([
      ...jobIds.map((jobId) => this.redis.unlink(this.keys.jobIndex(jobId))),
      this.redis.zrem(this.keys.sessions, sessionId),
      this.redis.zrem(this.keys.pendingSessions, sessionId),
    ]);
  }
}

function toRecord(hash: Record<string, string>): SessionRecord {
  return {
    id: hash.id!,
    tenantId: hash.tenantId ?? "default",
    status: hash.status as SessionStatus,
    ...(hash.statusReason ? { statusReason: hash.statusReason } : {}),
    createdAt: hash.createdAt!,
    lastActiveAt: hash.lastActiveAt ?? hash.createdAt!,
    ...(hash.workerId && hash.workerRuntime
      ? { worker: { runtime: hash.workerRuntime as RuntimeKind, id: hash.workerId } }
      : {}),
  };
}
