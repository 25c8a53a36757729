import {
  ACTIVE_SESSION_STATUSES,
  AnalysisRequest,
  AppError,
  DatasetId,
  SessionId,
  SessionNotFound,
} from "@assay/contracts";
import type Router from "@koa/router";
import { z } from "zod";
import { audit } from "../auth/audit.js";
import { callerOf } from "../auth/caller.js";
import { jsonBody } from "../middleware/json-body.js";
import { submitAnalysis } from "../operations/analyses.js";
import {
  createSession,
  deleteSession,
  getSessionRecord,
  getSessionView,
  parseSessionId,
} from "../operations/sessions.js";
import type { Services } from "../services.js";
import { openEventStream } from "../streams/event-stream.js";
import { followQuery } from "../streams/follow-query.js";
import { lastEventId } from "../streams/last-event-id.js";
import { parseBody } from "../validation.js";

/**
 * The seed project's routes, kept for its clients as a thin layer over the /v1 operations:
 *
 * | seed route                      | answer                                  | same as                             |
 * | ------------------------------- | --------------------------------------- | ----------------------------------- |
 * | GET  /hello                     | { message: "Hello from Assay" }         | -                                   |
 * | GET  /session_id                | { session_id }                          | POST /v1/sessions                   |
 * | GET  /validate_session/:id      | { session_id, valid } (never 404)       | GET /v1/sessions/:id, status active |
 * | GET  /session_status/:id        | { session_id, status }                  | GET /v1/sessions/:id                |
 * | POST /cleanup_session/:id       | { session_id, status: "stopping" }      | DELETE /v1/sessions/:id             |
 * | GET  /logs?session_id=          | the session's SSE stream                | GET /v1/sessions/:id/events         |
 * | POST /analyze                   | 202 { job_id, status }                  | POST /v1/sessions/:id/analyses      |
 *
 * /analyze takes { session_id, query, dataset? }; `dataset` is a dataset id of the session and
 * defaults to the session's most recent upload.
 */
export const SeedAnalyzeRequest = z.strictObject({
  session_id: SessionId,
  query: z.string(),
  dataset: DatasetId.optional(),
});

export function seedCompatRoutes(router: Router, services: Services): void {
  router.get("/hello", (ctx) => {
    ctx.body = { message: "Hello from Assay" };
  });

  router.get("/session_id", async (ctx) => {
    const session = await createSession(services, callerOf(ctx).tenant);
    audit(ctx, services.logger, "session.created", { sessionId: session.id });
    ctx.body = { session_id: session.id };
  });

  router.get("/validate_session/:id", async (ctx) => {
    const parsed = SessionId.safeParse(ctx.params.id);
    const record = parsed.success
      ? await getSessionRecord(services, callerOf(ctx).tenant, parsed.data).catch((error: unknown) => {
          if (error instanceof SessionNotFound) return undefined;
          throw error;
        })
      : undefined;
    const valid = record !== undefined && [...ACTIVE_SESSION_STATUSES, "stopped"].includes(record.status);
    ctx.body = { session_id: ctx.params.id, valid };
  });

  router.get("/session_status/:id", async (ctx) => {
    const view = await getSessionView(services, callerOf(ctx).tenant, parseSessionId(ctx.params.id));
    ctx.body = { session_id: view.id, status: view.status };
  });

  router.post("/cleanup_session/:id", async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    await deleteSession(services, callerOf(ctx).tenant, sessionId);
    audit(ctx, services.logger, "session.deleted", { sessionId });
    ctx.body = { session_id: sessionId, status: "stopping" };
  });

  router.get("/logs", async (ctx) => {
    const sessionId = parseSessionId(
      typeof ctx.query.session_id === "string" ? ctx.query.session_id : undefined,
    );
    const afterId = lastEventId(ctx);
    await getSessionRecord(services, callerOf(ctx).tenant, sessionId);
    await openEventStream(ctx, services, { sessionId, afterId, follow: followQuery(ctx) });
  });

  router.post("/analyze", jsonBody(services.env.MAX_JSON_BYTES), async (ctx) => {
    const request = parseBody(SeedAnalyzeRequest, ctx.state.body);
    const { tenant } = callerOf(ctx);
    const datasetId = request.dataset ?? (await latestDatasetId(services, tenant, request.session_id));
    const analysis = parseBody(AnalysisRequest, { datasetId, query: request.query });
    const accepted = await submitAnalysis(services, tenant, request.session_id, analysis);
    ctx.status = 202;
    ctx.body = { job_id: accepted.jobId, status: accepted.status };
  });
}

async function latestDatasetId(services: Services, tenant: string, sessionId: string): Promise<string> {
  await getSessionRecord(services, tenant, sessionId);
  const datasets = await services.sessions.datasets(sessionId);
  const latest = datasets.at(-1);
  if (!latest) throw new AppError("BAD_REQUEST", "the session has no dataset yet: upload one first");
  return latest.id;
}
