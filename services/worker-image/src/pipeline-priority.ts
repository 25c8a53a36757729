import { readFile, writeFile } from "node:fs/promises";
import { setPriority } from "node:os";

/**
 * Nice value of analysis work. Analyses are batch work on a machine shared with the control plane
 * (api, Redis, scheduler, every worker's event loop): a busy machine must still accept submits
 * and start jobs within milliseconds, and only the analyses should wait for a core.
 */
export const PIPELINE_NICE = 10;

/** Linux allows other users' autogroup nice changes ten times a second machine-wide: retry later. */
const AUTOGROUP_RETRY_MS = 150;
const AUTOGROUP_ATTEMPTS = 40;

/**
 * Lowers the CPU priority of the calling thread (Linux sets a nice value per thread; the threads
 * polars starts from it inherit it) and of this process's autogroup. With autogroups (a desktop or
 * VM kernel's default) every session leader, as which the process runtime starts each worker,
 * gets an equal share of the CPU whatever its threads' nice values, so only the group's nice lets
 * the api and Redis run before 32 analyses; it applies to the worker's event loop too, which
 * competes with other workers' only. In a container the cgroup's CPU weight decides instead and
 * the autogroup write changes nothing. Best effort: a refusal leaves the default priority.
 */
export function lowerPipelinePriority(): void {
  try {
    setPriority(PIPELINE_NICE);
  } catch {
    // Not permitted here (e.g. a seccomp profile): analyses run at the default priority.
  }
  void ownAutogroup().then((own) => (own ? setAutogroupNice(AUTOGROUP_ATTEMPTS) : undefined));
}

/**
 * Whether this process leads its session: setsid gave it an autogroup of its own. Otherwise the
 * group is its parent's session (a terminal, a test runner), which is not ours to slow down.
 */
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

async function setAutogroupNice(attempts: number): Promise<void> {
  try {
    await writeFile("/proc/self/autogroup", String(PIPELINE_NICE));
  } catch (error) {
    // EAGAIN: another process changed an autogroup in the last 100 ms. Anything else (no
    // autogroup support, not Linux) is final.
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN" || attempts <= 1) return;
    const delay = AUTOGROUP_RETRY_MS * (0.5 + Math.random());
    setTimeout(() => void setAutogroupNice(attempts - 1), delay).unref();
  }
}
