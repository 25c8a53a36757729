import type { ColumnType } from "@assay/contracts";
import type { DataType } from "nodejs-polars";

const TYPE_OF_VARIANT: Record<string, ColumnType> = {
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
  Duration: "duration",
};

/** The contract's coarse type of a polars dtype. */
export function columnTypeOf(dtype: DataType): ColumnType {
  return TYPE_OF_VARIANT[dtype.variant] ?? "other";
}

/** A polars dtype as people read it: "Int64", "Datetime(ms,)". */
export function dtypeName(dtype: DataType): string {
  return String(dtype).replace(/^DataType\((.*)\)$/, "$1");
}
