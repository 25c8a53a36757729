import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "@assay/runtime";
import type { Middleware } from "koa";
import { audit } from "./audit.js";
import { Unauthorized } from "./authenticate.js";

export interface AdminOnlyOptions {
  /** ADMIN_TOKEN; when unset nobody gets in (unless auth is disabled). */
  token: string | undefined;
  disabled: boolean;
  logger: Logger;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Guards operator routes (/metrics, /admin) with the admin token, as a Bearer token (Prometheus'
 * `authorization`) or as the password of Basic auth (a browser opening bull-board gets a prompt).
 */
export function adminOnly({ token, disabled, logger }: AdminOnlyOptions): Middleware {
  const expected = token === undefined ? undefined : digest(token);
  return async (ctx, next) => {
    if (disabled) return next();
    const presented = presentedAdminToken(ctx.get("Authorization"));
    if (expected && presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
    audit(ctx, logger, "auth.failed", {
      reason: expected
        ? presented === undefined
          ? "missing admin token"
          : "invalid admin token"
        : "no ADMIN_TOKEN",
      method: ctx.method,
      path: ctx.path,
      ip: ctx.ip,
    });
    throw new Unauthorized(
      expected ? "the admin token is required" : "admin routes are off: ADMIN_TOKEN is not set",
      'Basic realm="assay-admin"',
    );
  };
}

function presentedAdminToken(authorization: string): string | undefined {
  const [scheme, credentials] = authorization.trim().split(/ +/, 2);
  if (!credentials) return undefined;
  if (/^bearer$/i.test(scheme ?? "")) return credentials;
  if (!/^basic$/i.test(scheme ?? "")) return undefined;
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
