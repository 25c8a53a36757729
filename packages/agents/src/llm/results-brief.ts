import type { Finding, HypothesisResult, Profile, ResultTable } from "@assay/contracts";
import { OVERVIEW_RESULT_ID, strongestPairs } from "../narrator/findings.js";

const MAX_TABLE_ROWS = 20;
const MAX_ASSOCIATIONS = 10;

export interface NarrationResults {
  query: string;
  profile: Profile;
  hypotheses: readonly HypothesisResult[];
  tables: readonly ResultTable[];
  /** The deterministic narrator's findings: computed sentences the model may rephrase. */
  findings: readonly Finding[];
}

/**
 * The computed results the narrator sees, each under its result id. The grounding check accepts
 * exactly the numbers of this document, so a number the model did not see cannot be cited.
 */
export function resultsBrief(results: NarrationResults) {
  const { profile } = results;
  return {
    question: results.query,
    overview: {
      id: OVERVIEW_RESULT_ID,
      rows: profile.rows,
      columns: profile.columns,
      missingCells: profile.missingCells,
      duplicateRows: profile.duplicateRows,
    },
    columns: profile.columnProfiles.map((c) => ({
      id: `column:${c.name}`,
      name: c.name,
      kind: c.kind,
      missing: c.missing,
      distinct: c.distinct,
      ...(c.numeric
        ? {
            mean: c.numeric.mean,
            median: c.numeric.median,
            std: c.numeric.std,
            min: c.numeric.min,
            max: c.numeric.max,
          }
        : {}),
      ...(c.topValues ? { topValues: c.topValues.slice(0, 3) } : {}),
    })),
    associations: strongestPairs(profile.associations).slice(0, MAX_ASSOCIATIONS),
    alerts: profile.alerts.map((a) => ({ id: a.id, kind: a.kind, columns: a.columns, message: a.message })),
    hypotheses: results.hypotheses.map((h) => ({
      id: h.id,
      source: h.source,
      statement: h.statement,
      status: h.status,
      ...(h.skippedReason ? { skippedReason: h.skippedReason } : {}),
      conclusion: h.conclusion,
      tests: h.tests
        .filter((t) => t.role !== "assumption")
        .map((t) => ({
          id: t.id,
          name: t.name,
          statistic: t.statistic,
          ...(t.df === undefined ? {} : { df: t.df }),
          pValue: t.pValue,
          ...(t.pAdjusted === undefined ? {} : { pAdjusted: t.pAdjusted }),
          ...(t.effectSize ? { effectSize: t.effectSize } : {}),
          n: t.n,
          ...(t.r2 === undefined ? {} : { r2: t.r2 }),
          ...(t.coefficients ? { coefficients: t.coefficients } : {}),
        })),
      caveats: h.caveats,
    })),
    tables: results.tables.map((t) => ({
      id: t.id,
      title: t.title,
      columns: t.columns,
      rows: t.rows.slice(0, MAX_TABLE_ROWS),
    })),
    deterministicFindings: results.findings.map((f) => ({ id: f.resultIds[0] ?? f.id, text: f.text })),
  };
}
