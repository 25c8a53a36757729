import os from "node:os";
import type { MachineInfo } from "./result.js";

export function machineInfo(loadAtStart: number): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.versions.node,
    kernel: os.release(),
    loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
  };
}
