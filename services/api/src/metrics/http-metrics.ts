import type { Middleware } from "koa";
import type { ApiMetrics } from "./api-metrics.js";

/**
 * Times every request and labels it with the router's matched pattern (`/v1/jobs/:id`), never the
 * raw URL, so label values stay few. Outside the error handler: the status is the one sent.
 */
export function httpMetrics(metrics: ApiMetrics): Middleware {
  return async (ctx, next) => {
    const stop = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      stop({
        method: ctx.method,
        route: typeof matched === "string" ? matched : routeGroup(ctx.path, ctx.status),
        status: String(ctx.respond === false ? 200 : ctx.status),
      });
    }
  };
}

/** Requests no router pattern matched: a few fixed groups. */
function routeGroup(path: string, status: number): string {
  if (path.startsWith("/admin/queues")) return "/admin/queues";
  if (path.startsWith("/docs/assets/")) return "/docs/assets";
  return status === 404 ? "unmatched" : "dashboard";
}
