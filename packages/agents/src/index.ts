export * from "./charts/index.js";
export * from "./eda/index.js";
export * from "./narrator/index.js";
export {
  type LogLevel,
  type PipelineHooks,
  type PipelineInput,
  type PipelineOutput,
  runPipeline,
} from "./pipeline.js";
