import {
  ACTIVE_SESSION_STATUSES,
  type ListQuery,
  SessionId,
  type SessionList,
  SessionNotActive,
  SessionNotFound,
  type SessionStatus,
  type SessionView,
  type WorkerHeartbeat,
} from "@assay/contracts";
import { newSessionId, type SessionRecord } from "@assay/runtime";
import type { Services } from "../services.js";
import { newestFirstPage } from "./newest-first-page.js";

/** A malformed id is answered like an unknown one: nothing to learn from probing. */
export function parseSessionId(raw: string | undefined): string {
  const parsed = SessionId.safeParse(raw);
  if (!parsed.success) throw new SessionNotFound(String(raw ?? ""));
  return parsed.data;
}

/** Creates a session for the tenant, within its session quota. */
export async function createSession(services: Services, tenant: string): Promise<SessionView> {
  const sessionId = newSessionId();
  await services.quotas.admitSession(tenant, sessionId, Date.now());
  try {
    const record = await services.sessions.create(sessionId, tenant);
    return toView(record, undefined, undefined);
  } catch (error) {
    await services.quotas.releaseSession(tenant, sessionId).catch(() => {});
    throw error;
  }
}

/**
 * The session if it exists and belongs to the tenant. Another tenant's session is answered
 * exactly like an unknown one, so ids of other tenants cannot be confirmed by probing.
 */
export async function getSessionRecord(
  services: Services,
  tenant: string,
  sessionId: string,
): Promise<SessionRecord> {
  const record = await services.sessions.get(sessionId);
  if (!record || record.tenantId !== tenant) throw new SessionNotFound(sessionId);
  return record;
}

/** The session, failing with 409 unless it accepts work (a "stopped" one is woken by its caller). */
export async function getActiveSession(
  services: Services,
  tenant: string,
  sessionId: string,
): Promise<SessionRecord> {
  const record = await getSessionRecord(services, tenant, sessionId);
  if (!ACTIVE_SESSION_STATUSES.includes(record.status) && record.status !== "stopped") {
    throw new SessionNotActive(sessionId, record.status);
  }
  return record;
}

export async function getSessionView(
  services: Services,
  tenant: string,
  sessionId: string,
): Promise<SessionView> {
  return viewOf(services, await getSessionRecord(services, tenant, sessionId));
}

/** The tenant's live sessions, newest first; ids whose session is gone are dropped from the index. */
export async function listSessions(
  services: Services,
  tenant: string,
  query: ListQuery,
): Promise<SessionList> {
  const key = services.keys.tenantSessions(tenant);
  const page = await newestFirstPage(services.redis, key, query.limit, query.cursor);
  const records = await Promise.all(page.members.map((sessionId) => services.sessions.get(sessionId)));
  const gone = page.members.filter((_, index) => records[index]?.tenantId !== tenant);
  if (gone.length > 0) await services.redis.zrem(key, ...gone);
  const live = records.filter((record): record is SessionRecord => record?.tenantId === tenant);
  return {
    sessions: await Promise.all(live.map((record) => viewOf(services, record))),
    nextCursor: page.nextCursor,
  };
}

/** Marks the session stopping and wakes the schedulers, which stop its worker and purge it. */
export async function deleteSession(services: Services, tenant: string, sessionId: string): Promise<void> {
  const record = await getSessionRecord(services, tenant, sessionId);
  if (record.status === "stopping") return;
  const reason = "deleted by client";
  await services.sessions.setStatus(sessionId, "stopping", reason);
  await services.events.append({ type: "session:stopping", sessionId, reason });
  await services.redis.zrem(services.keys.pendingSessions, sessionId);
  await services.quotas.releaseSession(tenant, sessionId);
  await services.redis.publish(services.keys.schedulerWake, sessionId);
}

/** Puts an idle-reaped session back in line for a worker. */
export async function wakeSession(services: Services, sessionId: string): Promise<void> {
  await services.sessions.setStatus(sessionId, "starting");
  await services.sessions.requestWorker(sessionId);
}

async function viewOf(services: Services, record: SessionRecord): Promise<SessionView> {
  const [heartbeat, queuePosition, datasets] = await Promise.all([
    services.sessions.heartbeat(record.id),
    record.status === "starting" ? services.sessions.queuePosition(record.id) : undefined,
    services.sessions.datasets(record.id),
  ]);
  return { ...toView(record, heartbeat, queuePosition), datasets };
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
