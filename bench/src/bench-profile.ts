import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WORKER_PROCESS_ENV } from "@assay/runtime";
import { flightsFiles, mixedCsv } from "./datasets.js";
import { measureChild } from "./measure-child.js";
import type { BenchRow } from "./result.js";
import { summarize } from "./stats.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ASSAY_CHILD = path.join(here, "profile-assay-child.js");
const PANDAS_PEER = path.resolve(here, "../peers/profile_pandas.py");
/** Debian's interpreter, where python3-pandas is installed (a pyenv shim on PATH may lack it). */
const PYTHON = "/usr/bin/python3";
const CHILD_TIMEOUT_MS = 10 * 60_000;

/** Fails early with the install command when the pandas peer cannot run. */
export function checkPandas(): string {
  try {
    return execFileSync(PYTHON, ["-c", "import pandas, numpy; print(pandas.__version__)"], {
      encoding: "utf8",
    }).trim();
  } catch {
    throw new Error(
      `the pandas peer needs Debian's python3-pandas: run \`apt-get install -y python3-pandas time\` (looked for ${PYTHON})`,
    );
  }
}

interface ProfileCase {
  label: string;
  assayFile: string;
  assayFormat: "csv" | "parquet";
  pandasCsv: string;
  /** The goal applies to this case (1M rows). */
  goal: boolean;
}

async function cases(quick: boolean): Promise<ProfileCase[]> {
  const mixed = async (rows: number, label: string, goal: boolean): Promise<ProfileCase> => {
    const file = await mixedCsv(rows);
    return { label, assayFile: file, assayFormat: "csv", pandasCsv: file, goal };
  };
  if (quick) return [await mixed(1_000_000, "1M×8 mixed CSV", true)];
  const flights = await flightsFiles();
  return [
    await mixed(1_000_000, "1M×8 mixed CSV", true),
    await mixed(5_000_000, "5M×8 mixed CSV", false),
    {
      label: "flights-3m (parquet; pandas reads it as CSV)",
      assayFile: flights.parquet,
      assayFormat: "parquet",
      pandasCsv: flights.csv,
      goal: false,
    },
  ];
}

/** Full profile, Assay vs pandas, alternating sides run by run so drift hits both alike. */
export async function benchProfile(
  quick: boolean,
  runs: number,
  say: (line: string) => void,
): Promise<BenchRow[]> {
  say(`profile: pandas ${checkPandas()}`);
  const rows: BenchRow[] = [];
  for (const c of await cases(quick)) {
    const assay = { wall: [] as number[], rss: [] as number[] };
    const pandas = { wall: [] as number[], rss: [] as number[] };
    for (let run = 0; run < runs; run++) {
      const a = await measureChild(
        process.execPath,
        [ASSAY_CHILD, c.assayFile, c.assayFormat],
        CHILD_TIMEOUT_MS,
        // The process settings a session worker gets from the scheduler.
        { ...process.env, ...WORKER_PROCESS_ENV },
      );
      assay.wall.push(a.wallMs / 1000);
      assay.rss.push(a.peakRssMb);
      const p = await measureChild(PYTHON, [PANDAS_PEER, c.pandasCsv], CHILD_TIMEOUT_MS);
      pandas.wall.push(p.wallMs / 1000);
      pandas.rss.push(p.peakRssMb);
      say(
        `profile ${c.label} run ${run + 1}/${runs}: assay ${a.wallMs.toFixed(0)} ms ${a.stdout}, ` +
          `pandas ${p.wallMs.toFixed(0)} ms ${p.stdout}`,
      );
    }
    const wall = { assay: summarize(assay.wall), peer: summarize(pandas.wall) };
    const rss = { assay: summarize(assay.rss), peer: summarize(pandas.rss) };
    rows.push(
      {
        section: "profile",
        figure: `${c.label}: wall time (process start to exit)`,
        unit: "s",
        better: "lower",
        assay: wall.assay,
        peer: { name: "pandas", value: wall.peer },
        goal: c.goal ? "≥3× faster than pandas" : "(no goal)",
        met: c.goal ? wall.peer.median / wall.assay.median >= 3 : null,
      },
      {
        section: "profile",
        figure: `${c.label}: peak RSS`,
        unit: "MB",
        better: "lower",
        assay: rss.assay,
        peer: { name: "pandas", value: rss.peer },
        goal: c.goal ? "≤ pandas" : "(no goal)",
        met: c.goal ? rss.assay.median <= rss.peer.median : null,
      },
    );
  }
  return rows;
}
