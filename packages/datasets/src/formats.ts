import type { DatasetFormat } from "@assay/contracts";

/** File extension a stored dataset gets for its format. */
export const FORMAT_EXTENSION: Record<DatasetFormat, string> = {
  csv: "csv",
  tsv: "tsv",
  json: "json",
  ndjson: "ndjson",
  parquet: "parquet",
};

/** Extensions people give their files, and the format each one means. */
const EXTENSION_FORMATS: Record<string, DatasetFormat> = {
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  json: "json",
  ndjson: "ndjson",
  jsonl: "ndjson",
  parquet: "parquet",
  pq: "parquet",
};

/** The format a client's file name suggests (only its extension is looked at), if any. */
export function formatFromFileName(fileName: string | undefined): DatasetFormat | undefined {
  if (!fileName) return undefined;
  const baseName = fileName.split(/[\\/]/).pop() ?? "";
  const dot = baseName.lastIndexOf(".");
  if (dot <= 0) return undefined;
  return EXTENSION_FORMATS[baseName.slice(dot + 1).toLowerCase()];
}
