import type { ColumnKind } from "@assay/contracts";
import type { ColumnBasics } from "./basics.js";
import { pct } from "./finite.js";
import {
  CATEGORICAL_MAX_DISTINCT,
  CATEGORICAL_MAX_UNIQUE_SHARE,
  DATE_PARSE_SHARE,
  IDENTIFIER_MIN_ROWS,
  INTEGER_CATEGORICAL_MAX_DISTINCT,
  INTEGER_CATEGORICAL_MAX_UNIQUE_SHARE,
  TEXT_MIN_MEAN_LENGTH,
} from "./thresholds.js";

export interface KindDecision {
  kind: ColumnKind;
  reason: string;
}

/** The kind of a column and the reason in words, from the first pass alone. */
export function inferKind(c: ColumnBasics): KindDecision {
  const share = c.count > 0 ? c.distinct / c.count : 0;
  const isUnique = c.count >= IDENTIFIER_MIN_ROWS && c.distinct === c.count;
  const cardinality = `${c.distinct} distinct values in ${c.count} non-missing rows`;
  if (c.family === "other")
    return { kind: "text", reason: `dtype ${c.dtype} is profiled by counts only → text` };
  if (c.count === 0) {
    return {
      kind: c.family === "integer" || c.family === "float" ? "numeric" : "categorical",
      reason: "all values missing",
    };
  }
  switch (c.family) {
    case "boolean":
      return { kind: "boolean", reason: "boolean dtype" };
    case "date":
    case "datetime":
      return { kind: "datetime", reason: `${c.dtype} dtype` };
    case "float":
    case "integer": {
      if (!c.integral) return { kind: "numeric", reason: "floating-point numbers" };
      const what = c.family === "integer" ? "integer" : "whole numbers";
      if (isUnique) return { kind: "identifier", reason: `${what} with 100% unique values → identifier` };
      if (c.distinct <= INTEGER_CATEGORICAL_MAX_DISTINCT && share <= INTEGER_CATEGORICAL_MAX_UNIQUE_SHARE) {
        return { kind: "categorical", reason: `${what} with ${cardinality} → categorical` };
      }
      return { kind: "numeric", reason: `${what} with ${cardinality}` };
    }
    default:
      return inferTextKind(c, share, isUnique, cardinality);
  }
}

function inferTextKind(c: ColumnBasics, share: number, isUnique: boolean, cardinality: string): KindDecision {
  const date = c.dateFormat;
  if (date && date.sampleShare >= DATE_PARSE_SHARE) {
    return {
      kind: "datetime",
      reason: `string values parse as dates (${pct(date.sampleShare)} with ${date.format}) → datetime`,
    };
  }
  const meanLength = c.lengths?.mean ?? 0;
  if (meanLength >= TEXT_MIN_MEAN_LENGTH) {
    return { kind: "text", reason: `string with mean length ${Math.round(meanLength)} characters → text` };
  }
  if (isUnique) return { kind: "identifier", reason: "string with 100% unique values → identifier" };
  if (c.distinct <= CATEGORICAL_MAX_DISTINCT || share <= CATEGORICAL_MAX_UNIQUE_SHARE) {
    return { kind: "categorical", reason: `string with ${cardinality} → categorical` };
  }
  return { kind: "text", reason: `string with ${cardinality} (${pct(share)} distinct) → text` };
}
