import { DependencyDown } from "@assay/contracts";
import type Router from "@koa/router";
import { redisDown } from "../errors.js";
import type { Services } from "../services.js";

export function healthRoutes(router: Router, services: Services): void {
  /** Liveness: the process answers. */
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });

  /** Readiness: Redis answers and at least one scheduler holds an unexpired lease. */
  router.get("/readyz", async (ctx) => {
    try {
      await services.redis.ping();
    } catch (error) {
      throw redisDown(error);
    }
    const schedulers = await services.redis.zcount(services.keys.schedulers, Date.now(), "+inf");
    if (schedulers === 0) throw new DependencyDown("SCHEDULER_UNAVAILABLE", "no scheduler is running");
    ctx.body = { status: "ready", schedulers };
  });
}
