import { randomUUID } from "node:crypto";
import type { Logger } from "@assay/runtime";
import type { Middleware } from "koa";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Gives every request an id (the client's X-Request-Id when sane) and a child logger; logs the outcome. */
export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get("X-Request-Id");
    const requestId = CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    ctx.state.requestId = requestId;
    ctx.state.logger = log;
    ctx.set("X-Request-Id", requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      // Path only: query strings may carry client-chosen names.
      log.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.respond === false ? 200 : ctx.status,
          ms: Math.round(performance.now() - started),
        },
        "request",
      );
    }
  };
}
