import { z } from "zod";
import { HypothesisSpec } from "./hypotheses.js";
import { DatasetId, JobId, SessionId } from "./ids.js";

const Num = z.number().nullable(); // null where a statistic is undefined (e.g. std of one value)

export const ColumnKind = z.enum(["numeric", "categorical", "boolean", "datetime", "text", "identifier"]);
export type ColumnKind = z.infer<typeof ColumnKind>;

export const Histogram = z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) });
export type Histogram = z.infer<typeof Histogram>;

export const NumericSummary = z.object({
  mean: Num,
  std: Num,
  min: Num,
  p5: Num,
  q1: Num,
  median: Num,
  q3: Num,
  p95: Num,
  max: Num,
  iqr: Num,
  skewness: Num,
  kurtosis: Num,
  zeros: z.number().int(),
  negatives: z.number().int(),
  infinities: z.number().int(),
  histogram: Histogram.nullable(),
});
export type NumericSummary = z.infer<typeof NumericSummary>;

export const ValueCount = z.object({ value: z.string(), count: z.number().int() });
export type ValueCount = z.infer<typeof ValueCount>;

export const ColumnProfile = z.object({
  name: z.string(),
  dtype: z.string(),
  kind: ColumnKind,
  kindReason: z.string(),
  count: z.number().int(),
  missing: z.number().int(),
  distinct: z.number().int(),
  uniqueShare: z.number(),
  numeric: NumericSummary.optional(),
  topValues: z.array(ValueCount).optional(),
  lengths: z.object({ min: Num, mean: Num, max: Num }).optional(),
  dates: z
    .object({
      min: z.string().nullable(),
      max: z.string().nullable(),
      largestGapDays: Num,
      parsedFromText: z.boolean(),
    })
    .optional(),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const Association = z.object({
  /** Stable id that report text cites, e.g. "assoc:bill_length_mm~body_mass_g:pearson". */
  id: z.string().optional(),
  x: z.string(),
  y: z.string(),
  method: z.enum(["pearson", "spearman", "cramers_v", "correlation_ratio"]),
  value: z.number(),
  /** Rows where both columns are present. */
  n: z.number().int().optional(),
});
export type Association = z.infer<typeof Association>;

export const AlertKind = z.enum([
  "constant",
  "mostly_missing",
  "high_cardinality",
  "unique",
  "skewed",
  "zeros",
  "infinities",
  "imbalance",
  "uniform",
  "duplicates",
  "high_correlation",
  "outliers_iqr",
  "outliers_mad",
  "date_as_text",
  "mixed_types",
]);
export type AlertKind = z.infer<typeof AlertKind>;

export const Alert = z.object({
  /** Stable id that report text cites, e.g. "alert:skewed:body_mass_g". */
  id: z.string().optional(),
  kind: AlertKind,
  columns: z.array(z.string()),
  message: z.string(),
  /** The numbers that raised the alert, by name. */
  evidence: z.record(z.string(), z.union([z.number(), z.string()])),
});
export type Alert = z.infer<typeof Alert>;

export const Profile = z.object({
  rows: z.number().int(),
  columns: z.number().int(),
  memoryBytes: z.number().int(),
  missingCells: z.number().int(),
  duplicateRows: z.number().int(),
  /** Set when some statistics were computed on a sample, and which. */
  sample: z.object({ rows: z.number().int(), statistics: z.array(z.string()) }).nullable(),
  columnProfiles: z.array(ColumnProfile),
  associations: z.array(Association),
  alerts: z.array(Alert),
  /** Limits that shaped the profile, in words (e.g. which columns associations considered). */
  notes: z.array(z.string()).optional(),
});
export type Profile = z.infer<typeof Profile>;

export const TestName = z.enum([
  "welch_t",
  "student_t",
  "mann_whitney_u",
  "anova_oneway",
  "welch_anova",
  "kruskal_wallis",
  "chi2_independence",
  "fisher_exact",
  "pearson_r",
  "spearman_rho",
  "kendall_tau",
  "mann_kendall",
  "ols",
  "shapiro_wilk",
  "levene",
]);
export type TestName = z.infer<typeof TestName>;

export const EffectSize = z.object({
  name: z.string(),
  value: z.number(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
});
export type EffectSize = z.infer<typeof EffectSize>;

export const OlsCoefficient = z.object({
  term: z.string(),
  estimate: z.number(),
  stdError: z.number(),
  t: z.number(),
  pValue: z.number(),
});

export const TestResult = z.object({
  /** Stable id that report text cites, e.g. "h1.welch_t". */
  id: z.string(),
  name: TestName,
  statistic: z.number(),
  df: z.union([z.number(), z.tuple([z.number(), z.number()])]).optional(),
  pValue: z.number(),
  pAdjusted: z.number().optional(),
  effectSize: EffectSize.optional(),
  n: z.number().int(),
  /** Assumption checks (shapiro_wilk, levene) say what they checked here. */
  role: z.enum(["primary", "alternative", "assumption"]),
  coefficients: z.array(OlsCoefficient).optional(),
  r2: z.number().optional(),
  note: z.string().optional(),
});
export type TestResult = z.infer<typeof TestResult>;

export const HypothesisResult = z.object({
  id: z.string(),
  spec: HypothesisSpec,
  source: z.enum(["request", "planner", "profile", "llm"]),
  statement: z.string(),
  rationale: z.string().optional(),
  status: z.enum(["tested", "skipped"]),
  skippedReason: z.string().optional(),
  tests: z.array(TestResult),
  conclusion: z.string(),
  caveats: z.array(z.string()),
});
export type HypothesisResult = z.infer<typeof HypothesisResult>;

export const Finding = z.object({
  id: z.string(),
  text: z.string(),
  /** Ids of the computed results every number in `text` comes from. */
  resultIds: z.array(z.string()),
  /** Who wrote `text`: a language model (numbers checked against the results) or the deterministic narrator. */
  author: z.enum(["model", "deterministic"]).optional(),
});
export type Finding = z.infer<typeof Finding>;

/** The parts of a report a language model may write. */
export const LlmPart = z.enum(["plan", "hypotheses", "summary", "answer"]);
export type LlmPart = z.infer<typeof LlmPart>;

/** One request to the model: what it was for, what it cost, how it ended. */
export const LlmCall = z.object({
  purpose: LlmPart,
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  outcome: z.enum(["ok", "invalid", "rate_limited", "server_error", "timeout", "unreachable", "error"]),
});
export type LlmCall = z.infer<typeof LlmCall>;

/** What a language model contributed to a report, and where the deterministic path took over. */
export const LlmReport = z.object({
  model: z.string(),
  /** Parts the model wrote (after validation and the grounding check). */
  parts: z.array(LlmPart),
  calls: z.array(LlmCall),
  /** Parts written deterministically although the model was asked, and why. */
  fallbacks: z.array(z.object({ part: LlmPart, reason: z.string() })),
  /** Model sentences removed because a number in them matches no computed result. */
  groundingDrops: z.array(z.object({ part: LlmPart, sentence: z.string(), reason: z.string() })),
});
export type LlmReport = z.infer<typeof LlmReport>;

export const ChartSpec = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(["histogram", "bar", "scatter", "box", "heatmap", "line"]),
  /** A vega-lite specification with inline data. */
  spec: z.record(z.string(), z.unknown()),
});
export type ChartSpec = z.infer<typeof ChartSpec>;

export const ResultTable = z.object({
  id: z.string(),
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
});
export type ResultTable = z.infer<typeof ResultTable>;

/** The full report of a job: report.json, and the source of report.md and report.html. */
export const Report = z.object({
  version: z.literal(1),
  jobId: JobId,
  sessionId: SessionId,
  datasetId: DatasetId,
  datasetName: z.string(),
  query: z.string(),
  generatedAt: z.iso.datetime(),
  summary: z.array(Finding),
  answer: z.object({
    text: z.string(),
    tables: z.array(ResultTable),
    author: z.enum(["model", "deterministic"]).optional(),
  }),
  profile: Profile,
  hypotheses: z.array(HypothesisResult),
  charts: z.array(ChartSpec),
  methods: z.array(z.string()),
  /** Present when a language model was asked for any part of the report. */
  llm: LlmReport.optional(),
});
export type Report = z.infer<typeof Report>;
