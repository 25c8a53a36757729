export { answerFromProfile, columnsInQuery } from "./answer.js";
export { type Block, buildDocument, type Section } from "./document.js";
export {
  describeAssociation,
  OVERVIEW_RESULT_ID,
  profileFindings,
  rankedFindings,
  strongestPairs,
} from "./findings.js";
export { effectStrength, hypothesisFinding, rankHypotheses } from "./hypothesis-findings.js";
export { analysisMethods, profileMethods } from "./methods.js";
export { narrate } from "./narrate.js";
export { escapeHtml, renderHtml } from "./render-html.js";
export { chartFileName, escapeMarkdown, renderMarkdown } from "./render-markdown.js";
