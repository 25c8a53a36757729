import { AppError } from "@assay/contracts";
import type { Middleware } from "koa";
import { PayloadTooLarge } from "../errors.js";

/**
 * Parses a JSON request body into `ctx.state.body`, refusing bodies over `limitBytes` while
 * reading (not after) and answering INVALID_JSON for malformed text. An empty body parses as undefined.
 */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    const declared = Number(ctx.get("Content-Length") || 0);
    if (declared > limitBytes) throw new PayloadTooLarge(limitBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limitBytes) throw new PayloadTooLarge(limitBytes);
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    if (text.trim() !== "") {
      if (!ctx.is("application/json", "+json")) {
        throw new AppError("UNSUPPORTED_MEDIA_TYPE", "the body must be application/json");
      }
      try {
        ctx.state.body = JSON.parse(text);
      } catch (error) {
        throw new AppError("INVALID_JSON", `the body is not valid JSON: ${(error as Error).message}`);
      }
    }
    await next();
  };
}
