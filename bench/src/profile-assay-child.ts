/**
 * Assay's side of the profiling benchmark, run in its own process: read the file the way a
 * worker does (@assay/datasets) and run the agents' profile(). Prints {readMs, profileMs}.
 */
import { profile } from "@assay/agents/profile";
import { DatasetFormat } from "@assay/contracts";
import { readDataset } from "@assay/datasets";

const [file, format] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-assay-child.js <file> <csv|parquet>");
const started = performance.now();
const df = await readDataset(file, DatasetFormat.parse(format ?? "csv"));
const read = performance.now();
const result = await profile(df);
const done = performance.now();
process.stdout.write(
  JSON.stringify({ readMs: read - started, profileMs: done - read, columns: result.columns }),
);
