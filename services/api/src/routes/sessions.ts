import { ListQuery } from "@assay/contracts";
import type Router from "@koa/router";
import { audit } from "../auth/audit.js";
import { callerOf } from "../auth/caller.js";
import { listJobs } from "../operations/jobs.js";
import {
  createSession,
  deleteSession,
  getSessionRecord,
  getSessionView,
  listSessions,
  parseSessionId,
} from "../operations/sessions.js";
import type { Services } from "../services.js";
import { openEventStream } from "../streams/event-stream.js";
import { followQuery } from "../streams/follow-query.js";
import { lastEventId } from "../streams/last-event-id.js";
import { parseBody } from "../validation.js";

export function sessionRoutes(router: Router, services: Services): void {
  router.post("/v1/sessions", async (ctx) => {
    const { tenant } = callerOf(ctx);
    const session = await createSession(services, tenant);
    audit(ctx, services.logger, "session.created", { sessionId: session.id });
    ctx.status = 201;
    ctx.body = session;
  });

  /** The caller's live sessions, newest first: `?limit=&cursor=` → `{ sessions, nextCursor }`. */
  router.get("/v1/sessions", async (ctx) => {
    ctx.body = await listSessions(services, callerOf(ctx).tenant, parseBody(ListQuery, ctx.query));
  });

  router.get("/v1/sessions/:id", async (ctx) => {
    ctx.body = await getSessionView(services, callerOf(ctx).tenant, parseSessionId(ctx.params.id));
  });

  router.delete("/v1/sessions/:id", async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    await deleteSession(services, callerOf(ctx).tenant, sessionId);
    audit(ctx, services.logger, "session.deleted", { sessionId });
    ctx.status = 204;
  });

  /** The session's jobs, newest first: `?limit=&cursor=` → `{ jobs, nextCursor }`. */
  router.get("/v1/sessions/:id/jobs", async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    ctx.body = await listJobs(services, callerOf(ctx).tenant, sessionId, parseBody(ListQuery, ctx.query));
  });

  router.get("/v1/sessions/:id/events", async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    const afterId = lastEventId(ctx);
    await getSessionRecord(services, callerOf(ctx).tenant, sessionId); // 404 before the stream opens
    await openEventStream(ctx, services, { sessionId, afterId, follow: followQuery(ctx) });
  });
}
