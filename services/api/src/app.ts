import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import Router from "@koa/router";
import Koa from "koa";
import helmet from "koa-helmet";
import { QueueBoard } from "./admin/queue-board.js";
import { adminOnly } from "./auth/admin-only.js";
import { checkAuthConfig } from "./auth/auth-config.js";
import { auditKeyUse, authenticate } from "./auth/authenticate.js";
import type { ApiEnv } from "./env.js";
import { requestRateLimit } from "./limits/request-rate.js";
import { httpMetrics } from "./metrics/http-metrics.js";
import { corsAllowlist } from "./middleware/cors-allowlist.js";
import { errorHandler } from "./middleware/error-handler.js";
import { notFound } from "./middleware/not-found.js";
import { queryLimit } from "./middleware/query-limit.js";
import { requestContext } from "./middleware/request-context.js";
import { analysisRoutes } from "./routes/analyses.js";
import { datasetRoutes } from "./routes/datasets.js";
import { docsAssets, docsRoutes } from "./routes/docs.js";
import { healthRoutes } from "./routes/health.js";
import { jobRoutes } from "./routes/jobs.js";
import { metricsRoutes } from "./routes/metrics.js";
import { reportRoutes } from "./routes/reports.js";
import { seedCompatRoutes } from "./routes/seed-compat.js";
import { sessionRoutes } from "./routes/sessions.js";
import { createServices, type Services } from "./services.js";
import { dashboardStatic } from "./web/dashboard-static.js";

export interface AppDeps {
  env: ApiEnv;
  logger: Logger;
}

export interface ApiApp {
  app: Koa;
  /** The routes (the OpenAPI test checks each one is documented). */
  router: Router;
  services: Services;
  /** Starts serving (port 0 picks a free one); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<{ server: Server; url: string }>;
  /** Stops accepting, ends SSE streams, lets in-flight requests finish, closes queues and Redis. Idempotent. */
  close(): Promise<void>;
}

/** Throws InsecureAuthConfig when auth is off on a non-loopback HOST. */
export function createApp({ env, logger }: AppDeps): ApiApp {
  checkAuthConfig(env, logger);
  const services = createServices(env, logger);
  const router = new Router();
  const adminGuard = adminOnly({ token: env.ADMIN_TOKEN, disabled: env.AUTH_DISABLED, logger });
  const queueBoard = new QueueBoard(services, logger);
  for (const routes of [
    healthRoutes,
    sessionRoutes,
    datasetRoutes,
    analysisRoutes,
    jobRoutes,
    reportRoutes,
    seedCompatRoutes,
  ]) {
    routes(router, services);
  }
  docsRoutes(router);
  metricsRoutes(router, services, adminGuard);

  const app = new Koa();
  app.proxy = false; // ctx.ip is the socket's address: X-Forwarded-For is not trusted
  app.use(requestContext(logger));
  app.use(httpMetrics(services.metrics));
  app.use(auditKeyUse(logger));
  app.use(errorHandler(logger));
  app.use(helmet());
  app.use(corsAllowlist(env.CORS_ORIGINS));
  app.use(queryLimit(env.MAX_QUERY_BYTES));
  app.use(notFound());
  // Public pages before authentication; /metrics and /admin check the admin token instead of a key.
  app.use(dashboardStatic(env.DASHBOARD_DIR));
  app.use(docsAssets());
  app.use(queueBoard.middleware(adminGuard));
  app.use(authenticate({ verifier: services.apiKeys, disabled: env.AUTH_DISABLED, logger }));
  app.use(requestRateLimit(services.redis, services.keys, services.limits));
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new AppError("METHOD_NOT_ALLOWED", "method not allowed on this route"),
      notImplemented: () => new AppError("METHOD_NOT_ALLOWED", "method not implemented"),
    }),
  );
  // Errors after a response started (e.g. a storage stream failing mid-body) land here.
  app.on("error", (error: Error, ctx?: Koa.Context) =>
    ((ctx?.state.logger as Logger | undefined) ?? logger).warn({ err: error.message }, "response error"),
  );

  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  return {
    app,
    router,
    services,
    listen(port = env.PORT, host = env.HOST) {
      return new Promise((resolve, reject) => {
        const started = createServer({ maxHeaderSize: env.MAX_HEADER_BYTES }, app.callback());
        started.listen(port, host);
        server = started;
        started.once("error", reject);
        started.once("listening", () => {
          const address = started.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve({ server: started, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        const serverClosed = server
          ? new Promise<void>((resolve) => server!.close(() => resolve()))
          : Promise.resolve();
        services.hub.close(); // SSE clients would otherwise keep the server open
        await serverClosed;
        await queueBoard.close();
        await services.close();
      })();
      return closing;
    },
  };
}
