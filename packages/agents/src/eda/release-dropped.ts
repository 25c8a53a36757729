/**
 * Lets polars free the memory of frames and Series the profiler has dropped. Their JS wrappers
 * report no external memory to V8, so no collection runs for native pressure: a full collection
 * (where the process exposes gc: the worker does, `WORKER_PROCESS_ENV` of @assay/runtime) finds
 * the dropped wrappers, young or already promoted, and the event-loop turn runs their finalizers,
 * which free the buffers.
 */
export async function releaseDropped(): Promise<void> {
  (globalThis as { gc?: (options: { type: "minor" | "major" }) => void }).gc?.({ type: "major" });
  await new Promise<void>((resolve) => setImmediate(resolve));
}
