import { AnalysisRequest } from "@assay/contracts";
import type Router from "@koa/router";
import { callerOf } from "../auth/caller.js";
import { jsonBody } from "../middleware/json-body.js";
import { submitAnalysis } from "../operations/analyses.js";
import { parseSessionId } from "../operations/sessions.js";
import type { Services } from "../services.js";
import { parseBody } from "../validation.js";

/**
 * POST /v1/sessions/:id/analyses → 202 AnalysisAccepted.
 * A dataset id that is not this session's (including another session's) answers 404 DATASET_NOT_FOUND.
 */
export function analysisRoutes(router: Router, services: Services): void {
  router.post("/v1/sessions/:id/analyses", jsonBody(services.env.MAX_JSON_BYTES), async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    const request = parseBody(AnalysisRequest, ctx.state.body);
    ctx.status = 202;
    ctx.body = await submitAnalysis(services, callerOf(ctx).tenant, sessionId, request);
  });
}
