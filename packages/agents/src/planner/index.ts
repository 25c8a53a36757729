export { matchColumns, normalise } from "./column-matcher.js";
export { describeOperation, executeOperations, toResultTable } from "./execute-operations.js";
export { detectIntents, type Intent } from "./intent.js";
export { type PlanAnalysisInput, planAnalysis } from "./plan-analysis.js";
export { MAX_PROFILE_LEVELS, planFromProfile } from "./plan-from-profile.js";
export { type Plan, type PlannedColumn, planFromQuery } from "./plan-from-query.js";
export { type OperationsOutcome, runOperations } from "./run-operations.js";
