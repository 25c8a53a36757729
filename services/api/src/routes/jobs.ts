import type Router from "@koa/router";
import { callerOf } from "../auth/caller.js";
import { cancelJob, getJob, parseJobId } from "../operations/jobs.js";
import type { Services } from "../services.js";
import { openJobEventStream } from "../streams/job-events.js";

export function jobRoutes(router: Router, services: Services): void {
  router.get("/v1/jobs/:id", async (ctx) => {
    ctx.body = await getJob(services, callerOf(ctx).tenant, parseJobId(ctx.params.id));
  });

  /** 202 with the job: cancelled when it was still waiting, otherwise a cancel the worker acts on. */
  router.post("/v1/jobs/:id/cancel", async (ctx) => {
    ctx.status = 202;
    ctx.body = await cancelJob(services, callerOf(ctx).tenant, parseJobId(ctx.params.id));
  });

  router.get("/v1/jobs/:id/events", async (ctx) => {
    await openJobEventStream(ctx, services, callerOf(ctx).tenant, parseJobId(ctx.params.id));
  });
}
