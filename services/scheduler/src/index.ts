export { createRuntime } from "./create-runtime.js";
export { DEFAULT_WORKER_ENTRY, loadEnv, SchedulerEnv, type SchedulerSettings } from "./env.js";
export {
  type RedisCredentials,
  WORKER_COMMANDS,
  WorkerAclUnavailable,
  WorkerCredentials,
  workerRedisUrl,
} from "./redis-acl.js";
export { ProcessRuntime, type ProcessRuntimeOptions, WorkerStartFailed } from "./runtimes/process.js";
export * from "./runtimes/runtime.js";
export { Scheduler, type SchedulerDeps } from "./scheduler.js";
export { newWorkerId, WORKER_CONTRACT_VERSION, workerSpec } from "./worker-spec.js";
