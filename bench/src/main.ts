/**
 * `pnpm bench [--quick] [--only=profile,queue,sessions,fanout,footprint]`: measures Assay against
 * its peers on this machine and writes RESULTS.md + results/latest.json (quick: RESULTS-quick.md
 * + results/quick.json, so a CI run never overwrites the committed full results).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchFanout } from "./bench-fanout.js";
import { benchFootprint } from "./bench-footprint.js";
import { benchProfile } from "./bench-profile.js";
import { benchQueue } from "./bench-queue.js";
import { benchSessions } from "./bench-sessions.js";
import { closeOpenStacks } from "./bench-stack.js";
import { machineInfo } from "./machine.js";
import { renderMarkdown } from "./render-table.js";
import type { BenchResults, BenchRow } from "./result.js";

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");

const say = (line: string) => console.log(`[bench] ${line}`);

const SECTIONS: Record<string, () => Promise<BenchRow[]>> = quick
  ? {
      profile: () => benchProfile(true, 1, say),
      queue: () => benchQueue({ wide: 4, perClient: 3, rounds: 1, throughputTotal: 200 }, say),
      sessions: () => benchSessions(5, say),
      fanout: () => benchFanout({ clients: 100, events: 1_000, ratePerSecond: 1_000 }, say),
      footprint: () => benchFootprint(3, 200_000, say),
    }
  : {
      profile: () => benchProfile(false, 3, say),
      queue: () => benchQueue({ wide: 32, perClient: 5, rounds: 3, throughputTotal: 2_000 }, say),
      sessions: () => benchSessions(30, say),
      fanout: () => benchFanout({ clients: 1_000, events: 10_000, ratePerSecond: 1_000 }, say),
      footprint: () => benchFootprint(10, 1_000_000, say),
    };

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the stacks and removing their keys`);
    void closeOpenStacks().finally(() => process.exit(130));
  });
}

/** The `section` its rows carry, per command-line section name. */
const TITLES: Record<string, string> = {
  profile: "profile",
  queue: "queue",
  sessions: "session start",
  fanout: "fan-out",
  footprint: "footprint",
};

const startedAt = new Date().toISOString();
const loadAtStart = os.loadavg()[0] ?? 0;
const rows: BenchRow[] = [];
let failed = false;
for (const [name, run] of Object.entries(SECTIONS)) {
  if (only && !only.includes(name)) continue;
  const started = performance.now();
  try {
    rows.push(...(await run()));
  } catch (error) {
    // A broken benchmark must fail the run (CI keeps them working) and show in the table.
    failed = true;
    console.error(error);
    rows.push({
      section: TITLES[name] ?? name,
      figure: "(section failed)",
      unit: "",
      better: "lower",
      assay: null,
      peer: null,
      goal: "–",
      met: null,
      note: `failed: ${(error as Error).message.split("\n")[0]}`,
    });
  }
  if (rows.some((row) => row.note?.startsWith("failed:"))) failed = true;
  say(`${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const jsonFile = path.join(benchDir, "results", quick ? "quick.json" : "latest.json");
// --only re-measures some sections: the other sections' rows of the last run of this mode stay.
if (only) {
  const rerun = new Set(only.map((name) => TITLES[name] ?? name));
  const previous = await readFile(jsonFile, "utf8").then(
    (text) => (JSON.parse(text) as BenchResults).rows,
    () => [] as BenchRow[],
  );
  const kept = previous.filter((row) => !rerun.has(row.section));
  const order = Object.values(TITLES);
  rows.splice(
    0,
    rows.length,
    ...[...kept, ...rows].sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section)),
  );
}

const results: BenchResults = {
  startedAt,
  finishedAt: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  machine: machineInfo(loadAtStart),
  rows,
};
const markdown = renderMarkdown(results);
await mkdir(path.join(benchDir, "results"), { recursive: true });
await writeFile(path.join(benchDir, quick ? "RESULTS-quick.md" : "RESULTS.md"), markdown);
await writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${markdown}`);
process.exitCode = failed ? 1 : 0;
