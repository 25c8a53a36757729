export * from "./client.js";
export * from "./error-messages.js";
export * from "./errors.js";
export * from "./sse.js";
