import type { Context } from "koa";

/** Who is calling: the tenant of the key in use (and the key), set by the authenticate middleware. */
export interface Caller {
  tenant: string;
  /** Absent when auth is disabled. */
  keyId?: string;
}

export function callerOf(ctx: Context): Caller {
  const caller = ctx.state.caller as Caller | undefined;
  if (!caller) throw new Error("route reached without an authenticated caller");
  return caller;
}
