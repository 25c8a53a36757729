import type Router from "@koa/router";
import {
  createSession,
  deleteSession,
  getSessionRecord,
  getSessionView,
  parseSessionId,
} from "../operations/sessions.js";
import type { Services } from "../services.js";
import { openEventStream } from "../streams/event-stream.js";
import { lastEventId } from "../streams/last-event-id.js";

export function sessionRoutes(router: Router, services: Services): void {
  router.post("/v1/sessions", async (ctx) => {
    ctx.status = 201;
    ctx.body = await createSession(services);
  });

  router.get("/v1/sessions/:id", async (ctx) => {
    ctx.body = await getSessionView(services, parseSessionId(ctx.params.id));
  });

  router.delete("/v1/sessions/:id", async (ctx) => {
    await deleteSession(services, parseSessionId(ctx.params.id));
    ctx.status = 204;
  });

  router.get("/v1/sessions/:id/events", async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    const afterId = lastEventId(ctx);
    await getSessionRecord(services, sessionId); // 404 before the stream opens
    await openEventStream(ctx, services, { sessionId, afterId });
  });
}
