import { AppError, CONTENT_TYPE_FORMATS } from "@assay/contracts";
import type Router from "@koa/router";
import type { Context } from "koa";
import { callerOf } from "../auth/caller.js";
import { PayloadTooLarge } from "../errors.js";
import { getActiveSession, parseSessionId } from "../operations/sessions.js";
import type { Services } from "../services.js";
import { receiveMultipartFile } from "../uploads/multipart.js";
import { storeDataset, type UploadSource } from "../uploads/store-dataset.js";

/**
 * POST /v1/sessions/:id/datasets: multipart/form-data (field `file`) or a raw body whose
 * Content-Type names the format (`?name=` labels it). Streams to storage; never buffers the upload.
 * Compressed bodies (Content-Encoding other than identity) are refused: nothing is ever inflated,
 * so there is no decompression bomb to defuse.
 */
export function datasetRoutes(router: Router, services: Services): void {
  router.post("/v1/sessions/:id/datasets", async (ctx) => {
    const sessionId = parseSessionId(ctx.params.id);
    const declaredLength = Number(ctx.get("Content-Length") || 0);
    if (declaredLength > services.env.MAX_UPLOAD_BYTES)
      throw new PayloadTooLarge(services.env.MAX_UPLOAD_BYTES);
    const encoding = ctx.get("Content-Encoding").trim().toLowerCase();
    if (encoding !== "" && encoding !== "identity") {
      throw new AppError(
        "UNSUPPORTED_MEDIA_TYPE",
        "compressed uploads are not accepted; send the file as is",
      );
    }
    const { tenant } = callerOf(ctx);
    const session = await getActiveSession(services, tenant, sessionId);
    await services.quotas.checkUpload(tenant, declaredLength);
    const source = await uploadSource(ctx, services);
    const dataset = await storeDataset(services, session.id, source);
    await services.quotas.chargeUpload(tenant, dataset.bytes);
    ctx.status = 201;
    ctx.body = dataset;
  });
}

async function uploadSource(ctx: Context, services: Services): Promise<UploadSource> {
  const type = ctx.request.type;
  if (type === "multipart/form-data") {
    const file = await receiveMultipartFile(ctx.req, services.env.MAX_UPLOAD_BYTES);
    return { stream: file.stream, declared: undefined, clientName: file.fileName };
  }
  const declared = CONTENT_TYPE_FORMATS[type];
  if (!declared) {
    const accepted = ["multipart/form-data", ...Object.keys(CONTENT_TYPE_FORMATS)].join(", ");
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `unsupported Content-Type '${type}'; use one of ${accepted}`,
    );
  }
  const name = ctx.query.name;
  return { stream: ctx.req, declared, clientName: typeof name === "string" ? name : undefined };
}
