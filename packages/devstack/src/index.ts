export * from "./redis-check.js";
export * from "./stack.js";
