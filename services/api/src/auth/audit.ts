import type { Logger } from "@assay/runtime";
import type { Context } from "koa";

export type AuditEvent = "key.used" | "auth.failed" | "session.created" | "session.deleted";

/** One audit line (`audit: true`), on the request's logger; never carries a secret. */
export function audit(
  ctx: Context,
  fallback: Logger,
  event: AuditEvent,
  fields: Record<string, unknown>,
): void {
  const log: Logger = ctx.state.logger ?? fallback;
  log.info({ audit: true, event, ...fields }, event);
}
