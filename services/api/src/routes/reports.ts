import path from "node:path";
import { AppError, ArtifactName } from "@assay/contracts";
import { storageKeys } from "@assay/runtime";
import type Router from "@koa/router";
import type { Context } from "koa";
import { callerOf } from "../auth/caller.js";
import { ArtifactNotFound, ReportNotReady } from "../errors.js";
import { getJob, parseJobId } from "../operations/jobs.js";
import type { Services } from "../services.js";

const REPORT_FORMATS = {
  json: { artifact: "report.json", mediaType: "application/json" },
  markdown: { artifact: "report.md", mediaType: "text/markdown" },
  html: { artifact: "report.html", mediaType: "text/html" },
} as const;
type ReportFormat = keyof typeof REPORT_FORMATS;

const CONTENT_TYPE_OF_EXTENSION: Record<string, string> = {
  ".json": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".parquet": "application/vnd.apache.parquet",
};

export function reportRoutes(router: Router, services: Services): void {
  /** `?format=json|markdown|html`, else the Accept header (JSON when it says nothing). */
  router.get("/v1/jobs/:id/report", async (ctx) => {
    const jobId = parseJobId(ctx.params.id);
    const format = reportFormat(ctx);
    const job = await getJob(services, callerOf(ctx).tenant, jobId);
    if (job.status !== "succeeded") throw new ReportNotReady(jobId, job.status);
    await sendArtifact(ctx, services, job.sessionId, jobId, REPORT_FORMATS[format].artifact);
  });

  router.get("/v1/jobs/:id/artifacts/:name", async (ctx) => {
    const jobId = parseJobId(ctx.params.id);
    const name = ArtifactName.safeParse(ctx.params.name);
    if (!name.success) throw new ArtifactNotFound(jobId);
    const job = await getJob(services, callerOf(ctx).tenant, jobId);
    await sendArtifact(ctx, services, job.sessionId, jobId, name.data);
  });
}

function reportFormat(ctx: Context): ReportFormat {
  const asked = ctx.query.format;
  if (asked !== undefined) {
    if (typeof asked === "string" && asked in REPORT_FORMATS) return asked as ReportFormat;
    throw new AppError("NOT_ACCEPTABLE", "format must be one of json, markdown, html");
  }
  const formats = Object.keys(REPORT_FORMATS) as ReportFormat[];
  const accepted = ctx.accepts(formats.map((format) => REPORT_FORMATS[format].mediaType));
  const format = formats.find((candidate) => REPORT_FORMATS[candidate].mediaType === accepted);
  if (!format)
    throw new AppError(
      "NOT_ACCEPTABLE",
      "acceptable report types: application/json, text/markdown, text/html",
    );
  return format;
}

async function sendArtifact(
  ctx: Context,
  services: Services,
  sessionId: string,
  jobId: string,
  name: string,
) {
  const key = storageKeys.artifact(sessionId, jobId, name);
  const bytes = await services.storage.size(key);
  if (bytes === undefined) throw new ArtifactNotFound(jobId);
  const extension = path.extname(name).toLowerCase();
  ctx.type = CONTENT_TYPE_OF_EXTENSION[extension] ?? "application/octet-stream";
  ctx.length = bytes;
  ctx.set("X-Content-Type-Options", "nosniff");
  // Reports quote client text; a sandboxed document cannot run script on the api's origin.
  if (extension === ".html" || extension === ".svg") ctx.set("Content-Security-Policy", "sandbox");
  ctx.body = services.storage.read(key);
}
