/** Every threshold the profiler decides by, named so reports and tests can cite them. */

/** A column whose missing share is at least this is "mostly_missing". */
export const MOSTLY_MISSING_SHARE = 0.5;
/** A categorical or text column with more distinct values than this is "high_cardinality". */
export const HIGH_CARDINALITY_DISTINCT = 50;
/** |sample skewness| above this is "skewed" (Bulmer's rule of thumb for highly skewed). */
export const SKEWED_ABS = 1;
/** Share of exact zeros from which a numeric column raises "zeros" (ydata-profiling's 10%). */
export const ZEROS_SHARE = 0.1;
/** "imbalance" when 1 − entropy/log(k) exceeds this (ydata-profiling's definition and default). */
export const IMBALANCE_SCORE = 0.5;
/** "uniform" when the coefficient of variation of category (or histogram bin) counts is below this. */
export const UNIFORM_MAX_COUNT_CV = 0.1;
/** Fewest non-missing values per bin or category before "uniform" is judged at all. */
export const UNIFORM_MIN_PER_BUCKET = 5;
/** |association| from which a pair raises "high_correlation". */
export const HIGH_CORRELATION_ABS = 0.9;
/** Tukey fences: outside q1 − k·IQR or q3 + k·IQR. */
export const IQR_FENCE_K = 1.5;
/** Modified z-score (Iglewicz & Hoaglin): 0.6745·|x − median| / MAD above this is an outlier. */
export const MAD_Z_LIMIT = 3.5;
/** Outlier alerts need at least this share of values outside the limits. */
export const OUTLIER_MIN_SHARE = 0.01;
/** A text column whose values parse as dates at least this often is a date stored as text. */
export const DATE_PARSE_SHARE = 0.9;
/** A text column whose values parse as numbers this often (but not always) holds mixed types. */
export const MIXED_NUMERIC_SHARE = 0.5;

/** Strings with at most this many distinct values (or this share of rows) are categorical. */
export const CATEGORICAL_MAX_DISTINCT = 50;
export const CATEGORICAL_MAX_UNIQUE_SHARE = 0.5;
/** Integers with at most this many distinct values, and few per row, are categorical codes. */
export const INTEGER_CATEGORICAL_MAX_DISTINCT = 10;
export const INTEGER_CATEGORICAL_MAX_UNIQUE_SHARE = 0.05;
/** Texts whose mean length passes this are free text, whatever their cardinality. */
export const TEXT_MIN_MEAN_LENGTH = 50;
/** A unique column is an identifier only with at least this many values (3 unique rows prove little). */
export const IDENTIFIER_MIN_ROWS = 10;

/** Columns considered for pairwise associations, the most useful first. */
export const MAX_ASSOCIATION_COLUMNS = 30;
/** Rows used for Cramér's V and the correlation ratio (computed in JS from a sample beyond this). */
export const ASSOCIATION_SAMPLE_ROWS = 100_000;
/** Rows looked at to pick a date format for text columns. */
export const DATE_FORMAT_SAMPLE_ROWS = 1_000;
/** Histograms never have more bins than this. */
export const MAX_HISTOGRAM_BINS = 50;
/** Top values kept per column. */
export const TOP_VALUES = 10;
/** Columns handled per batched query; one progress report per group. */
export const COLUMN_GROUP_SIZE = 25;
