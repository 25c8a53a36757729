import { createRequire } from "node:module";
import path from "node:path";
import type Router from "@koa/router";
import type { Middleware } from "koa";
import mount from "koa-mount";
import serve from "koa-static";
import { buildOpenApiDocument } from "../openapi/openapi-document.js";
import { PAGE_CSP } from "../web/content-security.js";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };
/** Swagger UI's prebuilt files, served from node_modules: the docs page loads nothing from a CDN. */
const SWAGGER_UI_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Assay API</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;
// A file, not an inline script: the page's CSP allows scripts from 'self' only.
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

/** GET /openapi.json, and a page rendering it at /docs; both public (the document holds no data). */
export function docsRoutes(router: Router): void {
  const document = buildOpenApiDocument(version);
  router.get("/openapi.json", (ctx) => {
    ctx.body = document;
  });
  router.get("/docs", (ctx) => {
    ctx.set("Content-Security-Policy", PAGE_CSP);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = DOCS_PAGE;
  });
  router.get("/docs/init.js", (ctx) => {
    ctx.type = "text/javascript; charset=utf-8";
    ctx.body = DOCS_INIT;
  });
}

/** Swagger UI's script and styles at /docs/assets/* (only the two files the page loads). */
export function docsAssets(): Middleware {
  const files = serve(SWAGGER_UI_DIR, { index: false, maxage: 24 * 3600_000 });
  const wanted = new Set(["/swagger-ui.css", "/swagger-ui-bundle.js"]);
  return mount("/docs/assets", async (ctx, next) => (wanted.has(ctx.path) ? files(ctx, next) : next()));
}
