import { AppError, type ErrorBody, type ErrorCode } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import type { Middleware } from "koa";
import { Unauthorized } from "../auth/authenticate.js";
import { isRedisConnectionError, redisDown, TooManyRequests } from "../errors.js";

/** Status codes Koa or its libraries throw, as our codes. */
const CODE_OF_HTTP_STATUS: Record<number, ErrorCode> = {
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isRedisConnectionError(error)) return redisDown(error);
  const status = (error as { status?: unknown; expose?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500 && (error as { expose?: unknown }).expose) {
    return new AppError(CODE_OF_HTTP_STATUS[status] ?? "BAD_REQUEST", (error as Error).message);
  }
  return new AppError("INTERNAL", "internal error", { cause: error });
}

/** The one place that turns errors into HTTP answers: status from ERROR_STATUS, body `{ error }`. */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      const error = toAppError(caught);
      const log: Logger = ctx.state.logger ?? logger;
      if (error.status >= 500) log.error({ err: error.cause ?? error, code: error.code }, "request failed");
      if (ctx.headerSent || ctx.respond === false) return; // a stream already started: nothing to answer
      const body: ErrorBody = { error: { ...error.toInfo(), requestId: ctx.state.requestId } };
      ctx.status = error.status;
      ctx.body = body;
      if (error instanceof TooManyRequests)
        ctx.set("Retry-After", String(Math.max(1, error.retryAfterSeconds)));
      if (error instanceof Unauthorized) ctx.set("WWW-Authenticate", error.challenge);
      // Answering before the body was read (too large, refused content, timeout): don't wait for the rest.
      if (!ctx.req.complete) ctx.set("Connection", "close");
    }
  };
}
