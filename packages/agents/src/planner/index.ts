export { matchColumns, normalise } from "./column-matcher.js";
export { applyOperation, describeOperation, executeOperations, toResultTable } from "./execute-operations.js";
export { detectIntents, type Intent } from "./intent.js";
export type { Plan, PlannedColumn } from "./plan.js";
export { type PlanAnalysisInput, planAnalysis } from "./plan-analysis.js";
export { MAX_PROFILE_LEVELS, planFromProfile } from "./plan-from-profile.js";
export { planFromQuery } from "./plan-from-query.js";
export { type OperationsOutcome, runOperations } from "./run-operations.js";
