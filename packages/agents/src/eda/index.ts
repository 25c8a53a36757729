export { alertId } from "./alerts.js";
export { associationId } from "./associations.js";
export { fmt, pct } from "./finite.js";
export { type ProfileHooks, type ProfileOptions, profile } from "./profile.js";
export * as thresholds from "./thresholds.js";
