import type { Summary } from "./stats.js";

/** Whether smaller or larger values are better, which decides how the ratio reads. */
export type Better = "lower" | "higher";

/** One row of the results table: a figure measured for Assay and, where one exists, its peer. */
export interface BenchRow {
  section: string;
  figure: string;
  unit: string;
  better: Better;
  assay: Summary | null;
  peer: { name: string; value: Summary } | null;
  goal: string;
  /** True/false when the goal was checked, null when it has no number to check in this row. */
  met: boolean | null;
  /** Why a row has no values ("not available: ..."), or what qualifies the figure. */
  note?: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** 1-minute load average at start and end: other work on the machine skews every figure. */
  loadAverage: number[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  mode: "quick" | "full";
  machine: MachineInfo;
  rows: BenchRow[];
}

/** Peer-over-Assay for "lower is better" figures, Assay-over-peer otherwise: > 1 means Assay wins. */
export function ratioOf(row: Pick<BenchRow, "assay" | "peer" | "better">): number | null {
  if (!row.assay || !row.peer) return null;
  const [num, den] =
    row.better === "lower"
      ? [row.peer.value.median, row.assay.median]
      : [row.assay.median, row.peer.value.median];
  return den > 0 && Number.isFinite(num) ? num / den : null;
}
