export * from "./api-key-token.js";
export * from "./api-keys.js";
export * from "./tenant-id.js";
export * from "./tenant-limits.js";
