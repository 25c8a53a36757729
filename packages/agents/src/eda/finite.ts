/** A polars scalar as a finite JS number, or null (NaN, ±Infinity, null and non-numbers alike). */
export function finiteOrNull(value: unknown): number | null {
  const n = typeof value === "bigint" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

/** A polars count (never missing in practice) as a non-negative integer. */
export function countOf(value: unknown): number {
  const n = finiteOrNull(value);
  return n === null ? 0 : Math.max(0, Math.round(n));
}

/** Rounds for display in report text, so long floats stay readable. */
export function fmt(value: number | null, digits = 3): string {
  if (value === null) return "n/a";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return Number(value.toFixed(digits)).toString();
}

/** A share as a percentage with one decimal. */
export function pct(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}
