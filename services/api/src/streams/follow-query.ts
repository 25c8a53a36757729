import { AppError } from "@assay/contracts";
import type { Context } from "koa";

/** `?follow=false` ends an event stream after its replay; absent or `true` keeps it live. */
export function followQuery(ctx: Context): boolean {
  const follow = ctx.query.follow;
  if (follow === undefined || follow === "true") return true;
  if (follow === "false") return false;
  throw new AppError("BAD_REQUEST", "follow must be true or false");
}
