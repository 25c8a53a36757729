import type { ApiKeyVerifier } from "@assay/auth";
import { AppError } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import type { Middleware } from "koa";
import { audit } from "./audit.js";
import { LOCAL_TENANT } from "./auth-config.js";
import type { Caller } from "./caller.js";

/** Routes anyone may call: probes and the API's own description carry no data. */
const OPEN_PATH = /^\/(healthz|readyz|openapi\.json|docs(\/.*)?)$/;
/** Routes for operators: the admin token decides (see admin-only.ts), not a tenant key. */
export const ADMIN_PATH = /^\/(metrics|admin(\/.*)?)$/;
/**
 * Event streams, the only routes that also take `?access_token=`: a browser's EventSource cannot
 * send headers. The token then shows in URLs (proxy logs, history), hence nowhere else.
 */
const SSE_PATH = /^\/(v1\/sessions\/[^/]+\/events|v1\/jobs\/[^/]+\/events|logs)$/;

export class Unauthorized extends AppError {
  constructor(
    message: string,
    /** The WWW-Authenticate challenge sent with the 401. */
    readonly challenge = 'Bearer realm="assay"',
  ) {
    super("UNAUTHORIZED", message);
  }
}

export interface AuthenticateOptions {
  verifier: ApiKeyVerifier;
  disabled: boolean;
  logger: Logger;
}

/** Sets `ctx.state.caller` from the Bearer key, or answers 401 (audited). */
export function authenticate({ verifier, disabled, logger }: AuthenticateOptions): Middleware {
  return async (ctx, next) => {
    if (OPEN_PATH.test(ctx.path) || ADMIN_PATH.test(ctx.path)) return next();
    if (disabled) {
      ctx.state.caller = { tenant: LOCAL_TENANT } satisfies Caller;
      return next();
    }
    const token = presentedToken(
      ctx.get("Authorization"),
      SSE_PATH.test(ctx.path) ? ctx.query.access_token : undefined,
    );
    const key = token ? await verifier.verify(token) : undefined;
    if (!key) {
      audit(ctx, logger, "auth.failed", {
        reason: token === undefined ? "missing" : "invalid or revoked",
        keyId: token ? /^ak_([0-9A-Za-z]{16})_/.exec(token)?.[1] : undefined,
        method: ctx.method,
        path: ctx.path,
        ip: ctx.ip,
      });
      throw new Unauthorized(
        token === undefined
          ? "an API key is required (Authorization: Bearer <key>)"
          : "invalid or revoked API key",
      );
    }
    ctx.state.caller = { tenant: key.tenant, keyId: key.keyId } satisfies Caller;
    ctx.state.logger = (ctx.state.logger ?? logger).child({ tenant: key.tenant, keyId: key.keyId });
    await next();
  };
}

/** Outside the error handler, so the status it logs is the one the client got. */
export function auditKeyUse(logger: Logger): Middleware {
  return async (ctx, next) => {
    await next();
    const caller = ctx.state.caller as Caller | undefined;
    if (!caller?.keyId) return;
    audit(ctx, logger, "key.used", {
      method: ctx.method,
      path: ctx.path,
      status: ctx.respond === false ? 200 : ctx.status,
    });
  };
}

function presentedToken(authorization: string, accessToken: unknown): string | undefined {
  const bearer = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  if (authorization !== "") return ""; // present but not a Bearer token: invalid, not missing
  return typeof accessToken === "string" && accessToken !== "" ? accessToken : undefined;
}
