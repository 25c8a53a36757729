import type { Alert, Association, ColumnProfile, JobStage, Profile } from "@assay/contracts";
import { pl } from "@assay/datasets";
import { columnAlerts, correlationAlerts, duplicateAlert } from "./alerts.js";
import { type AssociationColumn, categoricalAssociations, numericAssociations } from "./associations.js";
import { type ColumnBasics, columnBasics } from "./basics.js";
import { inferKind } from "./column-kind.js";
import { type DateStats, dateStats } from "./date-stats.js";
import { fixedWidthBytes, isNumericFamily } from "./dtype-family.js";
import { type NumericStats, numericStats } from "./numeric-stats.js";
import { releaseDropped } from "./release-dropped.js";
import { alias, groupsOf, positionalFrame } from "./safe-frame.js";
import {
  ASSOCIATION_SAMPLE_ROWS,
  CATEGORICAL_MAX_DISTINCT,
  COLUMN_GROUP_SIZE,
  DATE_FORMAT_SAMPLE_ROWS,
  MAX_ASSOCIATION_COLUMNS,
  TOP_VALUES,
} from "./thresholds.js";
import { type ValueCounts, valueCounts } from "./value-counts.js";

export interface ProfileOptions {
  /** Columns considered for pairwise associations (default MAX_ASSOCIATION_COLUMNS). */
  maxAssociationColumns?: number;
  /** Rows used for Cramér's V and η (default ASSOCIATION_SAMPLE_ROWS). */
  associationSampleRows?: number;
}

export interface ProfileHooks {
  onProgress(stage: JobStage, pct: number, detail?: string): void;
}

/** Share of the profiling progress bar given to each phase, in order. */
const PHASES = {
  basics: [0, 25],
  numeric: [25, 60],
  values: [60, 75],
  dates: [75, 80],
  associations: [80, 99],
} as const;

/**
 * Profiles a frame: overview, per-column statistics, associations and alerts. Work is batched
 * into one polars query per column group and phase, so a wide frame costs few passes. Between
 * phases it lets polars free what the phase dropped (`releaseDropped`), so a phase's copies of the
 * columns do not add up with the next one's.
 */
export async function profile(
  df: pl.DataFrame,
  opts: ProfileOptions = {},
  hooks?: ProfileHooks,
): Promise<Profile> {
  const progress = (phase: keyof typeof PHASES, done: number, total: number, detail: string) => {
    const [from, to] = PHASES[phase];
    hooks?.onProgress("profiling", Math.round(from + ((to - from) * done) / Math.max(1, total)), detail);
  };
  const names = df.columns;
  const safe = positionalFrame(df);
  const rows = safe.height;
  const sampledStatistics: string[] = [];
  const notes: string[] = [];

  const indexes = names.map((_, i) => i);
  const groups = groupsOf(indexes, COLUMN_GROUP_SIZE);
  const basics: ColumnBasics[] = [];
  for (const [g, group] of groups.entries()) {
    basics.push(...(await columnBasics(safe, names, group)));
    progress("basics", g + 1, groups.length, `counted columns ${basics.length}/${names.length}`);
    await releaseDropped();
  }
  if (basics.some((b) => b.family === "string" && b.count > DATE_FORMAT_SAMPLE_ROWS)) {
    sampledStatistics.push(
      `date format detection (first ${DATE_FORMAT_SAMPLE_ROWS} non-missing values of text columns)`,
    );
  }
  const kinds = basics.map(inferKind);

  const numericColumns = basics.filter((b) => isNumericFamily(b.family) && b.count > 0);
  const numeric = new Map<number, NumericStats>();
  const numericGroups = groupsOf(numericColumns, COLUMN_GROUP_SIZE);
  for (const [g, group] of numericGroups.entries()) {
    for (const [i, s] of await numericStats(
      safe,
      group.map((b) => b.index),
    ))
      numeric.set(i, s);
    progress(
      "numeric",
      g + 1,
      numericGroups.length,
      `numeric statistics ${numeric.size}/${numericColumns.length}`,
    );
    await releaseDropped();
  }

  const countedColumns = basics.filter(
    (b, i) => b.count > 0 && kinds[i]?.kind !== "numeric" && kinds[i]?.kind !== "datetime",
  );
  const counts = new Map<number, ValueCounts>();
  const countGroups = groupsOf(countedColumns, COLUMN_GROUP_SIZE);
  for (const [g, group] of countGroups.entries()) {
    for (const [i, c] of valueCounts(safe, group)) counts.set(i, c);
    progress("values", g + 1, countGroups.length, `value counts ${counts.size}/${countedColumns.length}`);
    await releaseDropped();
  }

  const dateColumns = basics.filter((b, i) => kinds[i]?.kind === "datetime" && b.count > 0);
  const dates = dateColumns.length > 0 ? dateStats(safe, dateColumns) : new Map<number, DateStats>();
  progress("dates", 1, 1, `date ranges of ${dateColumns.length} columns`);
  await releaseDropped();

  const columnProfiles: ColumnProfile[] = basics.map((b, i) => {
    const kind = kinds[i] ?? { kind: "text" as const, reason: "unknown" };
    const p: ColumnProfile = {
      name: b.name,
      dtype: b.dtype,
      kind: kind.kind,
      kindReason: kind.reason,
      count: b.count,
      missing: b.missing,
      distinct: b.distinct,
      uniqueShare: b.count > 0 ? b.distinct / b.count : 0,
    };
    const n = numeric.get(b.index);
    if (n) p.numeric = n.summary;
    const c = counts.get(b.index);
    if (c) p.topValues = c.counts.slice(0, TOP_VALUES);
    if (b.lengths) p.lengths = { min: b.lengths.min, mean: b.lengths.mean, max: b.lengths.max };
    const d = dates.get(b.index);
    if (d)
      p.dates = {
        min: d.min,
        max: d.max,
        largestGapDays: d.largestGapDays,
        parsedFromText: d.parsedFromText,
      };
    return p;
  });

  const candidates = associationCandidates(
    columnProfiles,
    basics,
    opts.maxAssociationColumns ?? MAX_ASSOCIATION_COLUMNS,
  );
  if (candidates.capped) {
    notes.push(
      `associations consider the ${candidates.columns.length} most complete of ${candidates.eligible} eligible columns: ${candidates.columns.map((c) => c.name).join(", ")}`,
    );
  }
  const associations: Association[] = await numericAssociations(safe, candidates.columns, numeric);
  progress("associations", 1, 2, `Pearson and Spearman for ${candidates.columns.length} columns`);
  await releaseDropped();
  const sampleRows = opts.associationSampleRows ?? ASSOCIATION_SAMPLE_ROWS;
  const step = Math.ceil(rows / sampleRows);
  // Only the candidate columns are sampled, and only when some pair needs the sample.
  const needsSample = rows > sampleRows && candidates.columns.some((c) => c.role === "categorical");
  const sample = needsSample
    ? safe.select(...candidates.columns.map((c) => alias(c.index))).gatherEvery(step)
    : safe;
  const categorical = categoricalAssociations(sample, candidates.columns);
  if (rows > sampleRows && categorical.length > 0) {
    sampledStatistics.push(`Cramér's V and correlation ratio (every ${step}th row)`);
  }
  associations.push(...categorical);
  progress("associations", 2, 2, `Cramér's V and correlation ratio`);
  await releaseDropped();

  const duplicateRows = countDuplicateRows(safe, basics, notes);
  const alerts: Alert[] = [
    ...duplicateAlert(duplicateRows, rows),
    ...columnProfiles.flatMap((p, i) => {
      const b = basics[i] as ColumnBasics;
      return columnAlerts(
        {
          profile: p,
          basics: b,
          numeric: numeric.get(b.index),
          counts: counts.get(b.index),
          dates: dates.get(b.index),
        },
        rows,
      );
    }),
    ...correlationAlerts(associations),
  ];
  hooks?.onProgress("profiling", 100, `${alerts.length} alerts`);

  return {
    rows,
    columns: names.length,
    memoryBytes: estimateMemory(basics, rows),
    missingCells: basics.reduce((sum, b) => sum + b.missing, 0),
    duplicateRows,
    sample:
      sampledStatistics.length > 0
        ? {
            rows: Math.min(rows, rows > sampleRows ? Math.ceil(rows / step) : DATE_FORMAT_SAMPLE_ROWS),
            statistics: sampledStatistics,
          }
        : null,
    columnProfiles,
    associations,
    alerts,
    notes,
  };
}

/** Numeric columns with spread and categorical columns with 2..CATEGORICAL_MAX_DISTINCT values, most complete first. */
function associationCandidates(
  profiles: readonly ColumnProfile[],
  basics: readonly ColumnBasics[],
  max: number,
): { columns: AssociationColumn[]; eligible: number; capped: boolean } {
  const eligible: (AssociationColumn & { count: number })[] = [];
  profiles.forEach((p, i) => {
    const index = basics[i]?.index ?? i;
    if (p.kind === "numeric" && (p.numeric?.std ?? 0) > 0 && p.count >= 3) {
      eligible.push({ index, name: p.name, role: "numeric", count: p.count });
    } else if (
      (p.kind === "categorical" || p.kind === "boolean") &&
      p.distinct >= 2 &&
      p.distinct <= CATEGORICAL_MAX_DISTINCT
    ) {
      eligible.push({ index, name: p.name, role: "categorical", count: p.count });
    }
  });
  const columns = [...eligible]
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, max)
    .sort((a, b) => a.index - b.index)
    .map(({ index, name, role }) => ({ index, name, role }));
  return { columns, eligible: eligible.length, capped: eligible.length > max };
}

/** Rows that repeat an earlier row, over the columns polars can compare. */
function countDuplicateRows(safe: pl.DataFrame, basics: readonly ColumnBasics[], notes: string[]): number {
  const comparable = basics.filter((b) => b.family !== "other").map((b) => alias(b.index));
  if (comparable.length < basics.length) notes.push("duplicate rows compare only columns of simple types");
  if (comparable.length === 0 || safe.height === 0) return 0;
  // A complete column of distinct values (exact equality: not floats, where −0 and NaN blur it)
  // makes every row differ: no row can repeat, and no hashing of every row is needed.
  const keyColumn = basics.some(
    (b) =>
      b.missing === 0 &&
      b.distinct === safe.height &&
      ["integer", "string", "boolean", "date", "datetime"].includes(b.family),
  );
  if (keyColumn) return 0;
  const frame = safe.select(...comparable.map((c) => pl.col(c)));
  // Only rows whose hash repeats can be duplicates: compare those exactly (hash collisions fall out).
  const suspects = frame.filter(frame.hashRows().isDuplicated());
  return suspects.height - suspects.unique().height;
}

/** Approximate bytes: fixed width per value, characters of strings, a validity bitmap where values are missing. */
function estimateMemory(basics: readonly ColumnBasics[], rows: number): number {
  const bytes = basics.reduce((sum, b) => {
    const validity = b.missing > 0 ? rows / 8 : 0;
    return sum + fixedWidthBytes(b.family, b.variant) * rows + (b.lengths?.total ?? 0) + validity;
  }, 0);
  return Math.round(bytes);
}
