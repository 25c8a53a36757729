import type { Alert, AlertKind, Association, ColumnProfile } from "@assay/contracts";
import type { ColumnBasics } from "./basics.js";
import type { DateStats } from "./date-stats.js";
import { fmt, pct } from "./finite.js";
import type { NumericStats } from "./numeric-stats.js";
import {
  DATE_PARSE_SHARE,
  HIGH_CARDINALITY_DISTINCT,
  HIGH_CORRELATION_ABS,
  IMBALANCE_SCORE,
  MIXED_NUMERIC_SHARE,
  MOSTLY_MISSING_SHARE,
  OUTLIER_MIN_SHARE,
  SKEWED_ABS,
  UNIFORM_MAX_COUNT_CV,
  UNIFORM_MIN_PER_BUCKET,
  ZEROS_SHARE,
} from "./thresholds.js";
import type { ValueCounts } from "./value-counts.js";

export function alertId(kind: AlertKind, columns: readonly string[], suffix?: string): string {
  return `alert:${kind}:${columns.join("~")}${suffix ? `:${suffix}` : ""}`;
}

function alert(kind: AlertKind, columns: string[], message: string, evidence: Alert["evidence"]): Alert {
  return { id: alertId(kind, columns), kind, columns, message, evidence };
}

/** What the alert rules look at for one column. */
export interface ColumnFacts {
  profile: ColumnProfile;
  basics: ColumnBasics;
  numeric?: NumericStats;
  counts?: ValueCounts;
  dates?: DateStats;
}

/** Alerts of one column, each with the numbers that raised it. */
export function columnAlerts(facts: ColumnFacts, rows: number): Alert[] {
  const { profile: p, basics, numeric, counts, dates } = facts;
  const name = p.name;
  const alerts: Alert[] = [];
  const missingShare = rows > 0 ? p.missing / rows : 0;
  if (rows > 0 && missingShare >= MOSTLY_MISSING_SHARE) {
    alerts.push(
      alert("mostly_missing", [name], `${name} is ${pct(missingShare)} missing`, {
        missing: p.missing,
        rows,
        share: missingShare,
        threshold: MOSTLY_MISSING_SHARE,
      }),
    );
  }
  if (rows > 1 && p.distinct <= 1) {
    const value = counts?.counts[0]?.value;
    const message =
      p.count === 0
        ? `${name} has no values`
        : `${name} has one value (${value ?? "constant"}) in every present row`;
    alerts.push(alert("constant", [name], message, { distinct: p.distinct, count: p.count }));
  }
  const isCategoryLike = p.kind === "categorical" || p.kind === "text";
  if (isCategoryLike && p.distinct > HIGH_CARDINALITY_DISTINCT && p.distinct < p.count) {
    alerts.push(
      alert("high_cardinality", [name], `${name} has ${p.distinct} distinct values`, {
        distinct: p.distinct,
        threshold: HIGH_CARDINALITY_DISTINCT,
      }),
    );
  }
  if (p.kind === "identifier") {
    alerts.push(
      alert("unique", [name], `${name} has a different value in every row (${p.count})`, {
        distinct: p.distinct,
        count: p.count,
      }),
    );
  }
  if (numeric && p.kind === "numeric") alerts.push(...numericAlerts(name, numeric));
  if (counts && (p.kind === "categorical" || p.kind === "boolean"))
    alerts.push(...balanceAlerts(name, counts, p.count));
  if (dates?.parsedFromText && basics.dateFormat && p.kind === "datetime") {
    const share = p.count > 0 ? dates.parsed / p.count : 0;
    alerts.push(
      alert(
        "date_as_text",
        [name],
        `${name} holds dates as text (${pct(share)} parse as ${basics.dateFormat.format})`,
        {
          parsed: dates.parsed,
          count: p.count,
          share,
          format: basics.dateFormat.format,
          threshold: DATE_PARSE_SHARE,
        },
      ),
    );
  }
  const numericShare = basics.numericShare ?? 0;
  if (basics.family === "string" && numericShare >= MIXED_NUMERIC_SHARE && numericShare < 1) {
    const nonNumeric = p.count - Math.round(numericShare * p.count);
    alerts.push(
      alert(
        "mixed_types",
        [name],
        `${name} is text, but ${pct(numericShare)} of its values are numbers (${nonNumeric} are not)`,
        { numericShare, nonNumeric, threshold: MIXED_NUMERIC_SHARE },
      ),
    );
  }
  return alerts;
}

function numericAlerts(name: string, s: NumericStats): Alert[] {
  const alerts: Alert[] = [];
  const { summary } = s;
  const skew = summary.skewness;
  if (skew !== null && Math.abs(skew) > SKEWED_ABS) {
    alerts.push(
      alert("skewed", [name], `${name} is ${skew > 0 ? "right" : "left"}-skewed (skewness ${fmt(skew, 2)})`, {
        skewness: skew,
        threshold: SKEWED_ABS,
      }),
    );
  }
  const zeroShare = s.finite > 0 ? summary.zeros / s.finite : 0;
  if (zeroShare >= ZEROS_SHARE) {
    alerts.push(
      alert("zeros", [name], `${name} is zero in ${pct(zeroShare)} of values`, {
        zeros: summary.zeros,
        share: zeroShare,
        threshold: ZEROS_SHARE,
      }),
    );
  }
  if (summary.infinities > 0) {
    alerts.push(
      alert(
        "infinities",
        [name],
        `${name} has ${summary.infinities} infinite values (left out of its statistics)`,
        {
          infinities: summary.infinities,
        },
      ),
    );
  }
  const iqrShare = s.finite > 0 ? s.outliersIqr / s.finite : 0;
  if (s.outliersIqr > 0 && iqrShare >= OUTLIER_MIN_SHARE) {
    alerts.push(
      alert(
        "outliers_iqr",
        [name],
        `${name} has ${s.outliersIqr} values outside the Tukey fences (${pct(iqrShare)})`,
        {
          outliers: s.outliersIqr,
          share: iqrShare,
          q1: summary.q1 ?? "n/a",
          q3: summary.q3 ?? "n/a",
        },
      ),
    );
  }
  const madShare = s.finite > 0 ? s.outliersMad / s.finite : 0;
  if (s.mad !== null && s.mad > 0 && s.outliersMad > 0 && madShare >= OUTLIER_MIN_SHARE) {
    alerts.push(
      alert(
        "outliers_mad",
        [name],
        `${name} has ${s.outliersMad} values with modified z-score > 3.5 (${pct(madShare)})`,
        {
          outliers: s.outliersMad,
          share: madShare,
          median: summary.median ?? "n/a",
          mad: s.mad,
        },
      ),
    );
  }
  const histogram = summary.histogram;
  if (histogram && histogram.counts.length >= 3)
    alerts.push(...uniformAlert(name, histogram.counts, "histogram bins"));
  return alerts;
}

function balanceAlerts(name: string, counts: ValueCounts, present: number): Alert[] {
  if (!counts.complete || counts.counts.length < 2 || present === 0) return [];
  const k = counts.counts.length;
  const entropy = -counts.counts.reduce((h, c) => {
    const p = c.count / present;
    return p > 0 ? h + p * Math.log(p) : h;
  }, 0);
  const imbalance = 1 - entropy / Math.log(k); // ydata-profiling's imbalance score
  if (imbalance > IMBALANCE_SCORE) {
    const top = counts.counts[0];
    return [
      alert(
        "imbalance",
        [name],
        `${name} is imbalanced: ${top?.value} is ${pct((top?.count ?? 0) / present)} of values`,
        {
          imbalance,
          threshold: IMBALANCE_SCORE,
          topValue: top?.value ?? "",
          topCount: top?.count ?? 0,
        },
      ),
    ];
  }
  return k >= 3
    ? uniformAlert(
        name,
        counts.counts.map((c) => c.count),
        "categories",
      )
    : [];
}

/** Uniform when counts per bucket barely vary (coefficient of variation below the threshold). */
function uniformAlert(name: string, counts: readonly number[], buckets: string): Alert[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const mean = total / counts.length;
  if (mean < UNIFORM_MIN_PER_BUCKET) return [];
  const cv = Math.sqrt(counts.reduce((v, c) => v + (c - mean) ** 2, 0) / counts.length) / mean;
  if (cv >= UNIFORM_MAX_COUNT_CV) return [];
  return [
    alert("uniform", [name], `${name} is close to uniform across its ${counts.length} ${buckets}`, {
      countCv: cv,
      buckets: counts.length,
      threshold: UNIFORM_MAX_COUNT_CV,
    }),
  ];
}

export function duplicateAlert(duplicateRows: number, rows: number): Alert[] {
  if (duplicateRows === 0) return [];
  return [
    alert("duplicates", [], `${duplicateRows} rows repeat an earlier row (${pct(duplicateRows / rows)})`, {
      duplicateRows,
      rows,
      share: duplicateRows / rows,
    }),
  ];
}

/** One alert per strongly associated pair, citing its strongest association. */
export function correlationAlerts(associations: readonly Association[]): Alert[] {
  const strongest = new Map<string, Association>();
  for (const a of associations) {
    if (Math.abs(a.value) < HIGH_CORRELATION_ABS) continue;
    const key = `${a.x}~${a.y}`;
    const current = strongest.get(key);
    if (!current || Math.abs(a.value) > Math.abs(current.value)) strongest.set(key, a);
  }
  return [...strongest.values()].map((a) => ({
    id: alertId("high_correlation", [a.x, a.y]),
    kind: "high_correlation" as const,
    columns: [a.x, a.y],
    message: `${a.x} and ${a.y} are strongly associated (${a.method} ${fmt(a.value, 2)})`,
    evidence: {
      method: a.method,
      value: a.value,
      associationId: a.id ?? "",
      threshold: HIGH_CORRELATION_ABS,
    },
  }));
}
