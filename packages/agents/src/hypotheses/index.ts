export { PlannedHypothesis } from "./planned-hypothesis.js";
export { type TestHypothesesOptions, testHypotheses } from "./test-hypotheses.js";
