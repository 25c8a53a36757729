import type { pl } from "@assay/datasets";

/**
 * The frame with columns renamed c0..cN. User column names may be regexes ("^a.*$"), wildcards
 * ("*") or look alike; expressions built on positional aliases can never be misread by polars.
 */
export function positionalFrame(df: pl.DataFrame): pl.DataFrame {
  return df.rename(Object.fromEntries(df.columns.map((name, i) => [name, alias(i)])));
}

export function alias(index: number): string {
  return `c${index}`;
}

/** Splits items into groups of `size`, for one batched query (and one progress report) per group. */
export function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/** One row of a select whose expressions all aggregate to scalars. */
export function selectRow(df: pl.DataFrame, exprs: pl.Expr[]): Record<string, unknown> {
  if (exprs.length === 0) return {};
  return (df.select(...exprs).toRecords()[0] ?? {}) as Record<string, unknown>;
}
