import cors from "@koa/cors";
import type { Middleware } from "koa";

/** CORS for the listed origins only (exact match); with none listed, browsers get no CORS grant at all. */
export function corsAllowlist(origins: readonly string[]): Middleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => (allowed.has(ctx.get("Origin")) ? ctx.get("Origin") : ""),
    allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining"],
    maxAge: 600,
  });
}
