import type { ColumnType } from "@assay/contracts";
import type { pl } from "@assay/datasets";
import { columnTypeOf } from "@assay/datasets";

export { dtypeName } from "@assay/datasets";

/**
 * What the profiler can do with a column: the dataset's column type, except that an all-null dtype
 * is its own family (no bytes, no statistics) and a duration is profiled by counts only, as "other".
 */
export type DtypeFamily = Exclude<ColumnType, "duration"> | "null";

export function familyOf(dtype: pl.DataType): DtypeFamily {
  if (dtype.variant === "Null") return "null";
  const type = columnTypeOf(dtype);
  return type === "duration" ? "other" : type;
}

/** Approximate in-memory bytes of one value (strings: view + characters, added separately). */
export function fixedWidthBytes(family: DtypeFamily, variant: string): number {
  if (family === "boolean") return 1 / 8;
  if (family === "string") return 16;
  if (family === "null") return 0;
  if (/8$/.test(variant)) return 1;
  if (/16$/.test(variant)) return 2;
  if (/32$/.test(variant) || variant === "Date") return 4;
  return 8;
}

export const isNumericFamily = (family: DtypeFamily): boolean => family === "integer" || family === "float";
