import { once } from "node:events";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pl from "nodejs-polars";

/** Generated and converted datasets are cached here between runs (never committed). */
export const CACHE_DIR = path.join(os.tmpdir(), "assay-bench-cache");

/** mulberry32: a tiny seeded PRNG, so every run profiles byte-identical files. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CATEGORIES = [
  "alpha",
  "bravo",
  "charlie",
  "delta",
  "echo",
  "foxtrot",
  "golf",
  "hotel",
  "india",
  "juliet",
  "kilo",
  "lima",
];
const REGIONS = ["north", "south", "east", "west", "central"];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2020, 0, 1);

/** One CSV line of the mixed 8-column schema: ints, floats (some missing), strings, bool, date. */
function mixedLine(i: number, random: () => number): string {
  const gaussian = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const price = (50 + 12 * gaussian).toFixed(2);
  const quantity = Math.floor(-Math.log(random() || 1e-12) * 8);
  const score = random() < 0.05 ? "" : (0.6 * Number(price) + 20 * random()).toFixed(3);
  const category = CATEGORIES[Math.floor(random() ** 2 * CATEGORIES.length)];
  const region = REGIONS[Math.floor(random() * REGIONS.length)];
  const flag = random() < 0.3 ? "true" : "false";
  const day = new Date(FIRST_DAY + Math.floor(random() * 1500) * DAY_MS).toISOString().slice(0, 10);
  return `${i},${price},${quantity},${score},${category},${region},${flag},${day}\n`;
}

/** A deterministic rows×8 mixed-type CSV in the cache (written once, then reused). */
export async function mixedCsv(rows: number): Promise<string> {
  const file = path.join(CACHE_DIR, `mixed-${rows}x8.csv`);
  if (existsSync(file)) return file;
  await mkdir(CACHE_DIR, { recursive: true });
  const partial = `${file}.${process.pid}.part`;
  const out = createWriteStream(partial);
  const random = seededRandom(rows);
  out.write("id,price,quantity,score,category,region,flag,day\n");
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += mixedLine(i, random);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
  await rename(partial, file);
  return file;
}

export interface FlightsFiles {
  parquet: string;
  csv: string;
}

/** vega-datasets' flights-3m.parquet (real data, 3M rows) and a CSV copy of it for pandas. */
export async function flightsFiles(): Promise<FlightsFiles> {
  const require = createRequire(import.meta.url);
  // The package exports only its build entry: its data dir sits beside build/.
  const parquet = path.resolve(
    path.dirname(require.resolve("vega-datasets")),
    "..",
    "data",
    "flights-3m.parquet",
  );
  const csv = path.join(CACHE_DIR, "flights-3m.csv");
  if (!existsSync(csv)) {
    await mkdir(CACHE_DIR, { recursive: true });
    const partial = `${csv}.${process.pid}.part`;
    pl.readParquet(parquet).writeCSV(partial);
    await rename(partial, csv);
  }
  return { parquet, csv };
}
