import type { runPipeline } from "@assay/agents";

export type { LogLevel } from "@assay/agents";
export type RunPipeline = typeof runPipeline;

let loading: Promise<RunPipeline> | undefined;

/**
 * The analysis pipeline, imported on first use: polars and the agents are heavy, and the worker's
 * first heartbeat (its readiness) must not wait for them.
 */
export function loadPipeline(): Promise<RunPipeline> {
  loading ??= import("@assay/agents").then((agents) => agents.runPipeline);
  return loading;
}
