import { isIP } from "node:net";
import type { Logger } from "@assay/runtime";
import type { ApiEnv } from "../env.js";

/** The tenant every request acts as when auth is off. */
export const LOCAL_TENANT = "local";

export class InsecureAuthConfig extends Error {}

/** True for hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1";
  return false;
}

/** Auth may be off only on loopback; says so loudly when it is. */
export function checkAuthConfig(env: ApiEnv, logger: Logger): void {
  if (!env.AUTH_DISABLED) return;
  if (!isLoopbackHost(env.HOST)) {
    throw new InsecureAuthConfig(
      `AUTH_DISABLED=true is refused with HOST=${env.HOST}: without keys the api may only listen on a loopback address`,
    );
  }
  logger.warn(
    { host: env.HOST, tenant: LOCAL_TENANT },
    "AUTH_DISABLED: API keys are not checked; every request acts as the local tenant",
  );
}
