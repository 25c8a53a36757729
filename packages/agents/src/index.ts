export * from "./charts/index.js";
export * from "./eda/index.js";
export * from "./llm/index.js";
export * from "./narrator/index.js";
export {
  type ChartFiles,
  DEFAULT_MAX_HYPOTHESES,
  type LogLevel,
  type PipelineHooks,
  type PipelineInput,
  type PipelineOutput,
  runPipeline,
} from "./pipeline.js";
export * from "./steps/index.js";
