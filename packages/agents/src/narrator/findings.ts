import type { Alert, AlertKind, Association, Finding, HypothesisResult, Profile } from "@assay/contracts";
import { fmt, pct } from "../eda/finite.js";
import { hypothesisFinding, MAX_HYPOTHESIS_FINDINGS, rankHypotheses } from "./hypothesis-findings.js";

/** The id findings cite for numbers of the profile's overview (rows, columns, missing cells...). */
export const OVERVIEW_RESULT_ID = "profile:overview";

export const MAX_FINDINGS = 6;
const MAX_ASSOCIATION_FINDINGS = 2;
/** Associations weaker than this are not worth a summary line. */
const NOTABLE_ASSOCIATION = 0.3;

/** Alerts in the order a reader should hear about them. */
const ALERT_PRIORITY: AlertKind[] = [
  "duplicates",
  "mostly_missing",
  "infinities",
  "mixed_types",
  "constant",
  "date_as_text",
  "outliers_iqr",
  "skewed",
  "imbalance",
  "zeros",
  "high_cardinality",
  "outliers_mad",
  "uniform",
  "unique",
];

const METHOD_NAMES: Record<Association["method"], string> = {
  pearson: "Pearson r",
  spearman: "Spearman ρ",
  cramers_v: "Cramér's V",
  correlation_ratio: "correlation ratio η",
};

export function describeAssociation(a: Association): string {
  const direction =
    a.method === "pearson" || a.method === "spearman"
      ? a.value > 0
        ? "rise together"
        : "move in opposite directions"
      : "are associated";
  return `${a.x} and ${a.y} ${direction} (${METHOD_NAMES[a.method]} = ${fmt(a.value, 2)}${a.n === undefined ? "" : `, n = ${fmt(a.n)}`})`;
}

/** The strongest association of each pair (by absolute value), strongest pairs first. */
export function strongestPairs(associations: readonly Association[]): Association[] {
  const best = new Map<string, Association>();
  for (const a of associations) {
    const key = `${a.x}\u0000${a.y}`;
    const current = best.get(key);
    if (!current || Math.abs(a.value) > Math.abs(current.value)) best.set(key, a);
  }
  return [...best.values()].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

/** 3–6 findings from the profile; every number in a text comes from the results its ids name. */
export function profileFindings(profile: Profile): Finding[] {
  const findings: Finding[] = [];
  const cells = profile.rows * profile.columns;
  const kinds = new Map<string, number>();
  for (const c of profile.columnProfiles) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  const kindText = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
  findings.push({
    id: "f1",
    text: `The data has ${fmt(profile.rows)} rows and ${fmt(profile.columns)} columns (${kindText || "none"}); ${fmt(profile.missingCells)} cells (${pct(cells > 0 ? profile.missingCells / cells : 0)}) are missing.`,
    resultIds: [OVERVIEW_RESULT_ID],
  });
  for (const a of strongestPairs(profile.associations)
    .filter((a) => Math.abs(a.value) >= NOTABLE_ASSOCIATION)
    .slice(0, MAX_ASSOCIATION_FINDINGS)) {
    findings.push({
      id: `f${findings.length + 1}`,
      text: `${describeAssociation(a)}.`,
      resultIds: [a.id ?? ""],
    });
  }
  for (const alert of rankedAlerts(profile.alerts)) {
    if (findings.length >= MAX_FINDINGS) break;
    findings.push({ id: `f${findings.length + 1}`, text: `${alert.message}.`, resultIds: [alert.id ?? ""] });
  }
  if (findings.length < 3) {
    const complete = profile.columnProfiles.filter((c) => c.missing === 0).length;
    findings.push({
      id: `f${findings.length + 1}`,
      text: `${fmt(complete)} of ${fmt(profile.columns)} columns have no missing values and ${fmt(profile.duplicateRows)} rows repeat an earlier row.`,
      resultIds: [OVERVIEW_RESULT_ID],
    });
  }
  if (findings.length < 3) {
    findings.push({
      id: `f${findings.length + 1}`,
      text: `${fmt(profile.alerts.length)} data quality alerts were raised.`,
      resultIds: [OVERVIEW_RESULT_ID],
    });
  }
  return findings;
}

function rankedAlerts(alerts: readonly Alert[]): Alert[] {
  const rank = (a: Alert) => {
    const r = ALERT_PRIORITY.indexOf(a.kind);
    return r < 0 ? ALERT_PRIORITY.length : r;
  };
  // high_correlation alerts repeat what association findings already say.
  return alerts.filter((a) => a.kind !== "high_correlation").sort((a, b) => rank(a) - rank(b));
}

/**
 * The report's summary: the strongest hypothesis results (small adjusted p, large effect) first, then
 * the profile's associations and alerts, then its overview; 3–6 findings, each citing its results.
 */
export function rankedFindings(
  profile: Profile,
  hypotheses: readonly HypothesisResult[],
  alpha: number,
): Finding[] {
  const tested = rankHypotheses(hypotheses, alpha)
    .slice(0, MAX_HYPOTHESIS_FINDINGS)
    .flatMap((h) => hypothesisFinding(h, alpha) ?? []);
  const [overview, ...fromProfile] = profileFindings(profile);
  const chosen = [...tested, ...fromProfile].slice(0, MAX_FINDINGS - 1);
  if (overview) chosen.push(overview);
  return chosen.map((f, k) => ({ ...f, id: `f${k + 1}`, author: "deterministic" }));
}
