import type { Readable } from "node:stream";
import { Dataset, type DatasetFormat } from "@assay/contracts";
import { detectFormat, FORMAT_EXTENSION, HEAD_BYTES, inspectDataset } from "@assay/datasets";
import { newDatasetId, storageKeys } from "@assay/runtime";
import type { Services } from "../services.js";
import { peek } from "./peek.js";
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
 * bytes before writing anything, inspects it with polars, and records it. Nothing stays in storage
 * when any step fails.
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
  const { head, stream } = await peek(meter, HEAD_BYTES);
  const format = detectFormat(head, source.declared, source.clientName);

  const datasetId = newDatasetId();
  const key = storageKeys.dataset(sessionId, datasetId, FORMAT_EXTENSION[format]);
  try {
    await services.storage.write(key, stream);
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
    await services.storage.delete(key).catch(() => {});
    throw error;
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
