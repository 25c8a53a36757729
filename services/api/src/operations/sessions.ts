import {
  ACTIVE_SESSION_STATUSES,
  SessionId,
  SessionNotActive,
  SessionNotFound,
  type SessionStatus,
  type SessionView,
  type WorkerHeartbeat,
} from "@assay/contracts";
import { newSessionId, type SessionRecord } from "@assay/runtime";
import type { Services } from "../services.js";

const DEFAULT_TENANT = "default";

/** A malformed id is answered like an unknown one: nothing to learn from probing. */
export function parseSessionId(raw: string | undefined): string {
  const parsed = SessionId.safeParse(raw);
  if (!parsed.success) throw new SessionNotFound(String(raw ?? ""));
  return parsed.data;
}

export async function createSession(services: Services): Promise<SessionView> {
  const record = await services.sessions.create(newSessionId(), DEFAULT_TENANT);
  return toView(record, undefined, undefined);
}

export async function getSessionRecord(services: Services, sessionId: string): Promise<SessionRecord> {
  const record = await services.sessions.get(sessionId);
  if (!record) throw new SessionNotFound(sessionId);
  return record;
}

/** The session, failing with 409 unless it accepts work (a "stopped" one is woken by its caller). */
export async function getActiveSession(services: Services, sessionId: string): Promise<SessionRecord> {
  const record = await getSessionRecord(services, sessionId);
  if (!ACTIVE_SESSION_STATUSES.includes(record.status) && record.status !== "stopped") {
    throw new SessionNotActive(sessionId, record.status);
  }
  return record;
}

export async function getSessionView(services: Services, sessionId: string): Promise<SessionView> {
  const record = await getSessionRecord(services, sessionId);
  const [heartbeat, queuePosition, datasets] = await Promise.all([
    services.sessions.heartbeat(sessionId),
    record.status === "starting" ? services.sessions.queuePosition(sessionId) : undefined,
    services.sessions.datasets(sessionId),
  ]);
  return { ...toView(record, heartbeat, queuePosition), datasets };
}

/** Marks the session stopping and wakes the schedulers, which stop its worker and purge it. */
export async function deleteSession(services: Services, sessionId: string): Promise<void> {
  const record = await getSessionRecord(services, sessionId);
  if (record.status === "stopping") return;
  const reason = "deleted by client";
  await services.sessions.setStatus(sessionId, "stopping", reason);
  await services.events.append({ type: "session:stopping", sessionId, reason });
  await services.redis.zrem(services.keys.pendingSessions, sessionId);
  await services.redis.publish(services.keys.schedulerWake, sessionId);
}

/** Puts an idle-reaped session back in line for a worker. */
export async function wakeSession(services: Services, sessionId: string): Promise<void> {
  await services.sessions.setStatus(sessionId, "starting");
  await services.sessions.requestWorker(sessionId);
}

function derivedStatus(stored: SessionStatus, heartbeat: WorkerHeartbeat | undefined): SessionStatus {
  if (stored !== "ready" || !heartbeat) return stored;
  if (heartbeat.state === "busy") return "busy";
  return heartbeat.lastJobAt ? "idle" : "ready";
}

function toView(
  record: SessionRecord,
  heartbeat: WorkerHeartbeat | undefined,
  queuePosition: number | undefined,
): SessionView {
  const lastJobAt = heartbeat?.lastJobAt;
  return {
    id: record.id,
    status: derivedStatus(record.status, heartbeat),
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
    createdAt: record.createdAt,
    lastActiveAt:
      lastJobAt && Date.parse(lastJobAt) > Date.parse(record.lastActiveAt) ? lastJobAt : record.lastActiveAt,
    ...(queuePosition ? { queuePosition } : {}),
    datasets: [],
    worker: record.worker ?? null,
  };
}
