import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "@assay/runtime";

/** Storage writes a dataset to `<name>.tmp-<random>` and renames it when whole (LocalStorage). */
const TEMP_FILE = /\.tmp-[0-9a-f]+$/;

/**
 * Deletes the temp files of uploads whose api process died mid-write (a crash, a SIGKILL): they are
 * never visible as datasets, but would fill the disk. A temp file untouched for longer than an
 * upload may take (UPLOAD_TIMEOUT_MS) has no live writer, so several apis sharing one data dir
 * never delete each other's running uploads. Runs at start and then every `maxAgeMs`.
 */
export class AbandonedUploadSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly maxAgeMs: number,
    private readonly logger: Logger,
  ) {}

  start(): this {
    void this.sweep();
    this.timer ??= setInterval(() => void this.sweep(), this.maxAgeMs).unref();
    return this;
  }

  /** One pass; a pass still running is shared, not doubled. */
  sweep(): Promise<void> {
    this.running ??= this.sweepOnce()
      .catch((error: unknown) => this.logger.warn({ err: error }, "upload sweep failed"))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweepOnce(): Promise<void> {
    const sessionsDir = path.join(this.dataDir, "sessions");
    const sessions = await readdir(sessionsDir).catch(() => [] as string[]);
    const cutoff = Date.now() - this.maxAgeMs;
    let removed = 0;
    for (const sessionId of sessions) {
      const datasetsDir = path.join(sessionsDir, sessionId, "datasets");
      const names = await readdir(datasetsDir).catch(() => [] as string[]);
      for (const name of names.filter((entry) => TEMP_FILE.test(entry))) {
        const file = path.join(datasetsDir, name);
        const modified = await stat(file).then(
          (info) => info.mtimeMs,
          () => undefined,
        );
        if (modified === undefined || modified > cutoff) continue;
        await rm(file, { force: true });
        removed++;
      }
    }
    if (removed > 0) this.logger.info({ removed }, "removed temp files of abandoned uploads");
  }
}
