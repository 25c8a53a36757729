import type { DatasetFormat } from "@assay/contracts";
import { DatasetUnparseable } from "./errors.js";
import { pl } from "./polars.js";

/**
 * How column types are inferred: "sample" looks at the first rows (fast, right for almost every
 * file); "complete" never fails on mixed types (CSV/TSV read every column as text, JSON scans
 * every row so mixed columns widen to text).
 */
export type SchemaInference = "sample" | "complete";

/** Rows looked at when inferring types from a sample; generous so late outliers are seen. */
const SAMPLE_ROWS = 10_000;

/** A lazy scan of a stored dataset. Type errors in the data surface when it is collected. */
export function scanDataset(
  filePath: string,
  format: DatasetFormat,
  inference: SchemaInference = "sample",
): pl.LazyDataFrame {
  const sample = inference === "sample";
  switch (format) {
    case "csv":
    case "tsv":
      return pl.scanCSV(filePath, {
        sep: format === "tsv" ? "\t" : ",",
        inferSchemaLength: sample ? SAMPLE_ROWS : 0,
      });
    case "ndjson":
      return pl.scanJson(filePath, { inferSchemaLength: sample ? SAMPLE_ROWS : null });
    case "json":
      // polars has no lazy reader for a JSON array: read it eagerly.
      return pl.readJSON(filePath, { format: "json", inferSchemaLength: sample ? SAMPLE_ROWS : null }).lazy();
    case "parquet":
      return pl.scanParquet(filePath);
  }
}

/**
 * Runs `use` on a sample-inferred scan and, when polars cannot parse the data that way, once more
 * on a complete-inference scan; a second failure means the file is unparseable.
 */
export async function withDatasetScan<T>(
  filePath: string,
  format: DatasetFormat,
  use: (scan: pl.LazyDataFrame) => Promise<T>,
): Promise<T> {
  try {
    return await use(scanDataset(filePath, format, "sample"));
  } catch (sampleError) {
    if (format === "parquet") throw new DatasetUnparseable(polarsReason(sampleError), sampleError);
    try {
      return await use(scanDataset(filePath, format, "complete"));
    } catch (completeError) {
      throw new DatasetUnparseable(polarsReason(completeError), completeError);
    }
  }
}

/** Reads a whole dataset into memory, falling back to text columns when types are mixed. */
export function readDataset(filePath: string, format: DatasetFormat): Promise<pl.DataFrame> {
  return withDatasetScan(filePath, format, (scan) => scan.collect());
}

/** The first line of a polars error, short enough for an API answer. */
export function polarsReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.trim().split("\n")[0] ?? "";
  return firstLine.length > 300 ? `${firstLine.slice(0, 297)}...` : firstLine;
}
