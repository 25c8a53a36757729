import { existsSync } from "node:fs";
import path from "node:path";
import { AppError } from "@assay/contracts";
import type { Middleware } from "koa";
import serve from "koa-static";
import { API_PATH, PAGE_CSP } from "./content-security.js";

export class DashboardNotBuilt extends AppError {
  constructor(dir: string) {
    super(
      "DASHBOARD_NOT_BUILT",
      `the dashboard is not built: run \`pnpm build\` (or set DASHBOARD_DIR; looked in ${dir})`,
    );
  }
}

/**
 * Serves the dashboard's build at `/` for GET/HEAD, before authentication: the page itself holds
 * no data and asks for a key. `index.html` is revalidated on every load; Vite's hashed `assets/*`
 * never change, so browsers keep them. API paths are never looked up on disk.
 */
export function dashboardStatic(dir: string): Middleware {
  let built = false;
  const files = serve(dir, {
    index: "index.html",
    setHeaders(res, file) {
      const relative = path.relative(dir, file).split(path.sep);
      res.setHeader(
        "Cache-Control",
        relative[0] === "assets" ? "public, max-age=31536000, immutable" : "no-cache",
      );
      res.setHeader("Content-Security-Policy", PAGE_CSP);
    },
  });
  return async (ctx, next) => {
    if ((ctx.method !== "GET" && ctx.method !== "HEAD") || API_PATH.test(ctx.path)) return next();
    built ||= existsSync(path.join(dir, "index.html")); // a build made after start is picked up
    if (!built) {
      if (ctx.path === "/" || ctx.path === "/index.html") throw new DashboardNotBuilt(dir);
      return next();
    }
    return files(ctx, next);
  };
}
