import { readFile, writeFile } from "node:fs/promises";
import { setPriority } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Nice value of analysis work. Analyses are batch work on a machine shared with the control plane
 * (api, Redis, scheduler, every worker's event loop): a busy machine must still accept submits
 * and start jobs within milliseconds, and only the analyses should wait for a core.
 */
export const PIPELINE_NICE = 10;

/** Linux allows unprivileged autogroup nice changes ten times a second machine-wide: retry later. */
const AUTOGROUP_RETRY_MS = 100;
const AUTOGROUP_ATTEMPTS = 20;

/**
 * Lowers the calling thread's CPU priority (Linux keeps a nice value per thread, and the threads
 * polars starts from it inherit it), so this worker's event loop runs before its own analysis.
 * Best effort: a refusal leaves the default priority.
 */
export function lowerThreadPriority(): void {
  try {
    setPriority(PIPELINE_NICE);
  } catch {
    // Not permitted here (e.g. a seccomp profile): analyses run at the default priority.
  }
}

/**
 * The nice value of this process's autogroup. With autogroups (a desktop or VM kernel's default)
 * every session leader, as which the process runtime starts each worker, gets an equal share of
 * the CPU whatever its threads' nice values, so only the group's nice lets the api, Redis and idle
 * workers picking up a job run before 32 analyses. The runner lowers it while an analysis runs and
 * restores it when the worker waits for the next job. In a container the cgroup's CPU weight
 * decides instead and the write changes nothing; a process that does not lead its session shares
 * its parent's group (a terminal, a test runner) and leaves it alone. Best effort throughout.
 */
export class AutogroupNice {
  private target = 0;
  private writing = false;
  private readonly own = ownAutogroup();

  set(nice: number): void {
    this.target = nice;
    void this.apply();
  }

  /** One writer at a time; it writes until the latest target is in place or Linux refuses for good. */
  private async apply(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      if (!(await this.own)) return;
      let written: number | undefined;
      for (let attempt = 0; attempt < AUTOGROUP_ATTEMPTS && written !== this.target; attempt++) {
        const nice = this.target;
        try {
          await writeFile("/proc/self/autogroup", String(nice));
          written = nice;
        } catch (error) {
          // EAGAIN: some process changed an autogroup in the last 100 ms. Anything else (no
          // autogroup support, not Linux) is final.
          if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return;
          await sleep(AUTOGROUP_RETRY_MS * (0.5 + Math.random()), undefined, { ref: false });
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/** Whether this process leads its session: setsid gave it an autogroup of its own. */
async function ownAutogroup(): Promise<boolean> {
  try {
    const stat = await readFile("/proc/self/stat", "utf8");
    // Fields after the parenthesised command: state, ppid, pgrp, session.
    const session = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3];
    return Number(session) === process.pid;
  } catch {
    return false;
  }
}
