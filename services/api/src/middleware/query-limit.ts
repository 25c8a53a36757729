import { AppError } from "@assay/contracts";
import type { Middleware } from "koa";

/** Refuses long query strings before anything parses them (headers are bounded by the server's maxHeaderSize). */
export function queryLimit(maxBytes: number): Middleware {
  return async (ctx, next) => {
    if (Buffer.byteLength(ctx.querystring) > maxBytes) {
      throw new AppError("BAD_REQUEST", `the query string is longer than ${maxBytes} bytes`);
    }
    await next();
  };
}
