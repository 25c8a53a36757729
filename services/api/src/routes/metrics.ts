import type Router from "@koa/router";
import type { Middleware } from "koa";
import { SessionSampler } from "../metrics/session-sampler.js";
import type { Services } from "../services.js";

/** GET /metrics (Prometheus text format), behind `adminGuard`. */
export function metricsRoutes(router: Router, services: Services, adminGuard: Middleware): void {
  const { metrics, env } = services;
  const sampler = new SessionSampler(services, metrics, {
    sampleSize: env.METRICS_SAMPLE_SESSIONS,
    cacheMs: env.METRICS_CACHE_MS,
  });
  router.get("/metrics", adminGuard, async (ctx) => {
    await sampler.refresh();
    metrics.sseClients.set(services.hub.clientCount);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}
