import { pipeline, type Readable } from "node:stream";
import { Dataset, type DatasetFormat } from "@assay/contracts";
import { detectFormat, FORMAT_EXTENSION, HEAD_BYTES } from "@assay/datasets/formats";
import { newDatasetId, storageKeys } from "@assay/runtime";
import { UploadTimedOut } from "../errors.js";
import type { Services } from "../services.js";
import { peek } from "./peek.js";
import { TextShapeGuard } from "./text-shape-guard.js";
import { UploadMeter } from "./upload-meter.js";

export interface UploadSource {
  stream: Readable;
  /** From the Content-Type of a raw upload; absent for multipart. */
  declared: DatasetFormat | undefined;
  /** The client's name for the file (multipart file name or `?name=`); display and extension only. */
  clientName: string | undefined;
}

/**
 * Streams an upload into storage through a size meter and hash, checks its format from the first
 * bytes before writing anything, bounds the shape of text formats (UTF-8, line length, columns)
 * before polars reads it, inspects it with polars, and records it. Receiving must finish within
 * UPLOAD_TIMEOUT_MS. Nothing stays in storage when any step fails.
 */
export async function storeDataset(
  services: Services,
  sessionId: string,
  source: UploadSource,
): Promise<Dataset> {
  const meter = new UploadMeter(services.env.MAX_UPLOAD_BYTES);
  // pipe (not pipeline): a failing meter must not destroy the request, so the error answer still reaches the client.
  source.stream.once("error", (error) => meter.destroy(error));
  source.stream.pipe(meter);
  const { UPLOAD_TIMEOUT_MS, MAX_LINE_BYTES, MAX_COLUMNS } = services.env;
  const timer = setTimeout(() => meter.destroy(new UploadTimedOut(UPLOAD_TIMEOUT_MS)), UPLOAD_TIMEOUT_MS);
  let key: string | undefined;
  try {
    const { head, stream } = await peek(meter, HEAD_BYTES);
    const format = detectFormat(head, source.declared, source.clientName);
    const checked =
      format === "parquet"
        ? stream
        : pipeline(
            stream,
            new TextShapeGuard(format, { maxLineBytes: MAX_LINE_BYTES, maxColumns: MAX_COLUMNS }),
            () => {},
          );
    const datasetId = newDatasetId();
    key = storageKeys.dataset(sessionId, datasetId, FORMAT_EXTENSION[format]);
    await services.storage.write(key, checked);
    clearTimeout(timer);
    // Loaded on the first upload: nodejs-polars' native addon would add ~37 MB to an idle api.
    const { inspectDataset } = await import("@assay/datasets");
    const shape = await inspectDataset(await services.storage.localPath(key), format);
    const dataset = Dataset.parse({
      id: datasetId,
      name: displayName(source.clientName, format),
      format,
      bytes: meter.bytes,
      sha256: meter.sha256,
      rows: shape.rows,
      columns: shape.columns,
      createdAt: new Date().toISOString(),
    });
    await services.sessions.addDataset(sessionId, dataset);
    await services.sessions.touch(sessionId);
    return dataset;
  } catch (error) {
    if (key) await services.storage.delete(key).catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A client-given name reduced to a harmless label: last path segment, no control characters. */
export function displayName(clientName: string | undefined, format: DatasetFormat): string {
  const lastSegment = (clientName ?? "").split(/[\\/]/).pop() ?? "";
  const cleaned = lastSegment
    .replace(/\p{Cc}/gu, "")
    .trim()
    .slice(0, 200);
  return cleaned || `dataset.${FORMAT_EXTENSION[format]}`;
}
