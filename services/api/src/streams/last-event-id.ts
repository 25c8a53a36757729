import { AppError } from "@assay/contracts";
import { STREAM_ID } from "@assay/runtime";
import type { Context } from "koa";

/** Where a client resumes: the Last-Event-ID header or `?lastEventId=`, else the stream's start ("0"). */
export function lastEventId(ctx: Context): string {
  const query = ctx.query.lastEventId;
  const raw = ctx.get("Last-Event-ID") || (typeof query === "string" ? query : "");
  if (raw === "") return "0";
  if (!STREAM_ID.test(raw))
    throw new AppError("BAD_REQUEST", "Last-Event-ID must be a stream id like 1700000000000-0");
  return raw;
}
