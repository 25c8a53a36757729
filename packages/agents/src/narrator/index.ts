export { answerFromProfile, columnsInQuery } from "./answer.js";
export { type Block, buildDocument, type Section } from "./document.js";
export { describeAssociation, OVERVIEW_RESULT_ID, profileFindings, strongestPairs } from "./findings.js";
export { profileMethods } from "./methods.js";
export { escapeHtml, renderHtml } from "./render-html.js";
export { chartFileName, escapeMarkdown, renderMarkdown } from "./render-markdown.js";
