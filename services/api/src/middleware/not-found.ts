import { AppError } from "@assay/contracts";
import type { Middleware } from "koa";

/** Requests no route answered become a 404 in the standard error shape. */
export function notFound(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.respond !== false && ctx.status === 404 && ctx.body == null) {
      throw new AppError("NOT_FOUND", `no route for ${ctx.method} ${ctx.path}`);
    }
  };
}
