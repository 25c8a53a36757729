import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";

const TIME = "/usr/bin/time";

export interface ChildMeasurement {
  wallMs: number;
  peakRssMb: number;
  stdout: string;
}

/** Peak RSS (VmHWM) of a live process in MB, or undefined once it is gone. */
export async function peakRssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const match = status?.match(/^VmHWM:\s+(\d+) kB/m);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** Current RSS (VmRSS) of a live process in MB. */
export async function rssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const match = status?.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) / 1024 : undefined;
}

/**
 * Runs a program to completion and measures its wall time and peak RSS: /usr/bin/time -v when
 * installed (exact, from the kernel's rusage), else VmHWM polled every 20 ms (may miss a short peak).
 */
export function measureChild(
  command: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildMeasurement> {
  const useTime = existsSync(TIME);
  const [file, argv] = useTime ? [TIME, ["-v", command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let polledPeak = 0;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const poll = useTime
      ? undefined
      : setInterval(async () => {
          polledPeak = Math.max(polledPeak, (child.pid && (await peakRssMb(child.pid))) || 0);
        }, 20);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      clearInterval(poll);
      if (code !== 0) {
        reject(
          new Error(`${command} ${args.join(" ")} ended with ${code ?? signal}:\n${stderr.slice(-2000)}`),
        );
        return;
      }
      const reported = stderr.match(/Maximum resident set size \(kbytes\): (\d+)/);
      resolve({ wallMs, peakRssMb: reported ? Number(reported[1]) / 1024 : polledPeak, stdout });
    });
  });
}
