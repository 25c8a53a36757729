import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** A file of the vega-datasets package (real public datasets). */
export const vegaDatasetPath = (name: string) =>
  path.join(path.dirname(fileURLToPath(import.meta.resolve("vega-datasets"))), "..", "data", name);

export const readVegaDataset = (name: string) => readFile(vegaDatasetPath(name));

/** A CSV big enough that profiling it takes a while (for kill and cancel tests). */
export function syntheticCsv(rows: number): string {
  const lines = ["id,group,value,score,label"];
  for (let i = 0; i < rows; i++) {
    lines.push(`${i},${"abcde"[i % 5]},${((i * 7919) % 1000) / 10},${Math.sin(i) * 100},item-${i % 977}`);
  }
  return `${lines.join("\n")}\n`;
}
