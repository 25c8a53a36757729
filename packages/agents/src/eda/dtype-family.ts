import type pl from "nodejs-polars";

/** What the profiler can do with a column, from its polars dtype. */
export type DtypeFamily = "integer" | "float" | "boolean" | "string" | "date" | "datetime" | "null" | "other";

const FAMILY_OF_VARIANT: Record<string, DtypeFamily> = {
  Int8: "integer",
  Int16: "integer",
  Int32: "integer",
  Int64: "integer",
  UInt8: "integer",
  UInt16: "integer",
  UInt32: "integer",
  UInt64: "integer",
  Float32: "float",
  Float64: "float",
  Decimal: "float",
  Bool: "boolean",
  Utf8: "string",
  String: "string",
  Categorical: "string",
  Date: "date",
  Datetime: "datetime",
  Null: "null",
};

export function familyOf(dtype: pl.DataType): DtypeFamily {
  return FAMILY_OF_VARIANT[dtype.variant] ?? "other";
}

/** A polars dtype as people read it: "Int64", "Datetime(ms,)". */
export function dtypeName(dtype: pl.DataType): string {
  return String(dtype).replace(/^DataType\((.*)\)$/, "$1");
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
