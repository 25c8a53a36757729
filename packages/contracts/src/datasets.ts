import { z } from "zod";
import { DatasetId } from "./ids.js";

export const DatasetFormat = z.enum(["csv", "tsv", "json", "ndjson", "parquet"]);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** Content types accepted for a raw-body upload, and the format each one means. */
export const CONTENT_TYPE_FORMATS: Record<string, DatasetFormat> = {
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/json": "json",
  "application/x-ndjson": "ndjson",
  "application/vnd.apache.parquet": "parquet",
};

export const ColumnType = z.enum([
  "integer",
  "float",
  "boolean",
  "string",
  "date",
  "datetime",
  "duration",
  "other",
]);
export type ColumnType = z.infer<typeof ColumnType>;

export const DatasetColumn = z.object({ name: z.string(), type: ColumnType, dtype: z.string() });
export type DatasetColumn = z.infer<typeof DatasetColumn>;

export const Dataset = z.object({
  id: DatasetId,
  name: z.string(),
  format: DatasetFormat,
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  rows: z.number().int().nonnegative(),
  columns: z.array(DatasetColumn),
  createdAt: z.iso.datetime(),
});
export type Dataset = z.infer<typeof Dataset>;
