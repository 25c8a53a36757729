/**
 * Process settings every session worker starts with (the scheduler adds them to the worker env of
 * every runtime; the profile benchmark runs its child with them, so it measures what a worker does).
 * - GLIBC_TUNABLES arena_max=1: polars' threads would each get a glibc malloc arena of their own,
 *   keeping what they free for that thread; one arena reuses it (1M×8 profile: ~60 MB less peak RSS).
 * - NODE_OPTIONS --expose-gc: polars' native buffers are invisible to V8 (its Series and frames do
 *   not report external memory), so the profiler collects its dropped intermediates between phases.
 * - NODE_OPTIONS --max-semi-space-size=4 (MB): polars' JS wrappers are large and short-lived, and
 *   V8 grew its young generation to 16 MB semi-spaces for them: ~30 MB of RSS, no CPU saved.
 */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: "glibc.malloc.arena_max=1",
  NODE_OPTIONS: "--expose-gc --max-semi-space-size=4",
};
