import type { Profile } from "@assay/contracts";
import type pl from "nodejs-polars";
import { strongestPairs } from "../narrator/findings.js";

const MAX_CELL_CHARS = 80;
const MAX_TOP_VALUES = 5;
const MAX_ASSOCIATIONS = 10;

const clip = (text: string) => (text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text);

function cell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return value.toISOString();
  return clip(String(value));
}

/** The first `rows` rows as records with clipped cells; none unless the configuration allows it. */
export function sampleRows(df: pl.DataFrame, rows: number): Record<string, unknown>[] {
  if (rows <= 0) return [];
  return df
    .head(rows)
    .toRecords()
    .map((record) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, cell(value)])));
}

/**
 * What the model may know of a dataset: the column list with kinds and the profile's summary
 * statistics; raw rows only as the configured sample. Column names and values are sent as data.
 */
export function datasetBrief(profile: Profile, sample: Record<string, unknown>[]) {
  return {
    rows: profile.rows,
    columns: profile.columnProfiles.map((c) => ({
      name: c.name,
      kind: c.kind,
      dtype: c.dtype,
      missing: c.missing,
      distinct: c.distinct,
      ...(c.numeric
        ? { min: c.numeric.min, median: c.numeric.median, max: c.numeric.max, mean: c.numeric.mean }
        : {}),
      ...(c.topValues && c.kind !== "identifier" && c.kind !== "text"
        ? {
            topValues: c.topValues
              .slice(0, MAX_TOP_VALUES)
              .map((v) => ({ value: clip(v.value), count: v.count })),
          }
        : {}),
      ...(c.dates ? { dateRange: [c.dates.min, c.dates.max] } : {}),
    })),
    associations: strongestPairs(profile.associations)
      .slice(0, MAX_ASSOCIATIONS)
      .map((a) => ({ x: a.x, y: a.y, method: a.method, value: a.value })),
    alerts: profile.alerts.map((a) => ({ kind: a.kind, columns: a.columns })),
    ...(sample.length ? { sampleRows: sample } : {}),
  };
}
