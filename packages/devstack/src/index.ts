export * from "./free-port.js";
export * from "./isolated-stack.js";
export * from "./podman-redis-network.js";
export * from "./redis-check.js";
export * from "./stack.js";
export * from "./worker-pids.js";
