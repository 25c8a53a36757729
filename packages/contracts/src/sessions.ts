import { z } from "zod";
import { Dataset } from "./datasets.js";
import { SessionId } from "./ids.js";

export const SessionStatus = z.enum(["starting", "ready", "busy", "idle", "stopping", "stopped", "failed"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** Statuses in which a session accepts uploads and analyses. */
export const ACTIVE_SESSION_STATUSES: readonly SessionStatus[] = ["starting", "ready", "busy", "idle"];

export const RuntimeKind = z.enum(["process", "docker"]);
export type RuntimeKind = z.infer<typeof RuntimeKind>;

export const WorkerRef = z.object({ runtime: RuntimeKind, id: z.string() });
export type WorkerRef = z.infer<typeof WorkerRef>;

/** What the api answers for a session. */
export const SessionView = z.object({
  id: SessionId,
  status: SessionStatus,
  statusReason: z.string().optional(),
  createdAt: z.iso.datetime(),
  lastActiveAt: z.iso.datetime(),
  /** 1-based place in the line of sessions waiting for worker capacity, while starting. */
  queuePosition: z.number().int().positive().optional(),
  datasets: z.array(Dataset),
  worker: WorkerRef.nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

/** What the worker writes into its heartbeat key, refreshed every few seconds. */
export const WorkerHeartbeat = z.object({
  workerId: z.string(),
  state: z.enum(["idle", "busy"]),
  jobId: z.string().optional(),
  /** When the worker last finished a job: drives lastActiveAt and idle reaping. */
  lastJobAt: z.iso.datetime().optional(),
  startedAt: z.iso.datetime(),
  at: z.iso.datetime(),
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeat>;

/**
 * What a pooled worker (started with POOL_SLOT instead of SESSION_ID/WORKER_ID) receives once a
 * session is given to it. It serves that one session and is never reused.
 */
export const PoolAssignment = z.object({ sessionId: SessionId, workerId: z.string().min(1).max(200) });
export type PoolAssignment = z.infer<typeof PoolAssignment>;
