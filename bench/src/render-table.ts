import { type BenchResults, type BenchRow, type MachineInfo, ratioOf } from "./result.js";
import type { Summary } from "./stats.js";

const number = (value: number) =>
  !Number.isFinite(value)
    ? "–"
    : Number.isInteger(value) || Math.abs(value) >= 100
      ? value.toFixed(0)
      : Math.abs(value) >= 10
        ? value.toFixed(1)
        : value.toFixed(2);

/** "12.3 ms (11.0–14.2)": the median, then the spread over runs when there was more than one. */
export function formatSummary(summary: Summary | null, unit: string): string {
  if (!summary) return "–";
  const spread =
    summary.runs > 1 && number(summary.min) !== number(summary.max)
      ? ` (${number(summary.min)}–${number(summary.max)})`
      : "";
  return `${number(summary.median)} ${unit}${spread}`;
}

export function machineLine(machine: MachineInfo): string {
  return (
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}, ` +
    `load average ${machine.loadAverage.map((load) => load.toFixed(1)).join(" → ")}`
  );
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function renderRow(row: BenchRow, machineShort: string): string {
  const ratio = ratioOf(row);
  const goal = row.met === null ? row.goal : `${row.goal} ${row.met ? "✅" : "❌"}`;
  const assay = row.assay ? formatSummary(row.assay, row.unit) : (row.note ?? "–");
  const peer = row.peer ? `${formatSummary(row.peer.value, row.unit)} (${row.peer.name})` : "–";
  const runs = String(Math.max(row.assay?.runs ?? 0, row.peer?.value.runs ?? 0) || "–");
  const note = row.assay && row.note ? ` — ${row.note}` : "";
  return `| ${[
    `${row.section}: ${row.figure}${note}`,
    assay,
    peer,
    ratio === null ? "–" : `${ratio.toFixed(2)}×`,
    goal,
    runs,
    machineShort,
  ]
    .map(cell)
    .join(" | ")} |`;
}

/** The Markdown written to bench/RESULTS.md. */
export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const machineShort = `${machine.cores}c/${machine.memoryGiB}G/node${machine.node}`;
  return [
    `# Benchmark results (${results.mode})`,
    "",
    `Run ${results.startedAt} → ${results.finishedAt} on ${machineLine(machine)}.`,
    "",
    "Values are medians over the runs, with (min–max) when there was more than one run. Ratio > 1 means Assay is better than the peer.",
    "",
    "| figure | Assay | peer | ratio | goal | runs | machine |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...results.rows.map((row) => renderRow(row, machineShort)),
    "",
  ].join("\n");
}
