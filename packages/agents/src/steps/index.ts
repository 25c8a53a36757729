export type { AnalysisSteps, Narration, NarrationContext, PlanContext } from "./analysis-steps.js";
export { deterministicSteps } from "./deterministic-steps.js";
