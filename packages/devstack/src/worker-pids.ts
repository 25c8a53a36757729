import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Pids of the session workers the process runtime has running now, by worker id, read from the
 * runtime's state files under `dataDir` (the scheduler's DATA_DIR).
 */
export async function processWorkerPids(dataDir: string): Promise<Map<string, number>> {
  const dir = path.join(dataDir, "runtime", "process");
  const files = await readdir(dir).catch(() => [] as string[]);
  const pids = new Map<string, number>();
  for (const file of files.filter((name) => name.endsWith(".json"))) {
    const state = JSON.parse(await readFile(path.join(dir, file), "utf8")) as { pid: number };
    if (isAlive(state.pid)) pids.set(file.replace(/\.json$/, ""), state.pid);
  }
  return pids;
}
