import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@assay/contracts";

/** The storage has no room left for a write (ENOSPC, EDQUOT); retrying helps only once space returns. */
export class StorageFull extends AppError {
  constructor(cause: unknown) {
    super("INSUFFICIENT_STORAGE", "the data directory is full; free space and try again", { cause });
  }
}

const isNoSpace = (error: unknown) =>
  ["ENOSPC", "EDQUOT"].includes((error as NodeJS.ErrnoException)?.code ?? "");

/**
 * Where datasets and artifacts live. Keys are relative, '/'-separated and built only from
 * validated ids and names (see `storageKeys`); a user-supplied file name never becomes a key.
 * Local directory today; an object store implements the same interface later.
 */
export interface Storage {
  /** Writes atomically: readers see the old object or the whole new one, never a part. */
  write(key: string, source: Readable | Buffer | string): Promise<{ bytes: number }>;
  read(key: string): Readable;
  size(key: string): Promise<number | undefined>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /** A local file path for the object, for readers that need one (polars, container mounts). */
  localPath(key: string): Promise<string>;
}

export const storageKeys = {
  sessionRoot: (sessionId: string) => `sessions/${sessionId}`,
  datasetsDir: (sessionId: string) => `sessions/${sessionId}/datasets`,
  dataset: (sessionId: string, datasetId: string, extension: string) =>
    `sessions/${sessionId}/datasets/${datasetId}.${extension}`,
  jobsDir: (sessionId: string) => `sessions/${sessionId}/jobs`,
  jobDir: (sessionId: string, jobId: string) => `sessions/${sessionId}/jobs/${jobId}`,
  artifact: (sessionId: string, jobId: string, name: string) => `sessions/${sessionId}/jobs/${jobId}/${name}`,
};

/** How long a temporary file may be away while its directory is handed over (see moveIntoPlace). */
const MOVE_ATTEMPTS = 20;
const MOVE_RETRY_MS = 10;

/**
 * Renames a written temporary file to its key's path and returns its size. A session directory
 * handed over to a pooled worker (the scheduler's `handOverDir`) moves its entries, an upload's
 * temporary file among them, into the directory that then replaces it: for that instant the file
 * is not at its path, and it is back once the replacing rename lands, so a missing file is retried.
 */
async function moveIntoPlace(temp: string, target: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { size } = await stat(temp);
      await rename(temp, target);
      return size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt === MOVE_ATTEMPTS) throw error;
      await sleep(MOVE_RETRY_MS);
    }
  }
}

const SAFE_KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
      throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, key);
  }

  async write(key: string, source: Readable | Buffer | string): Promise<{ bytes: number }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      if (typeof source === "string" || Buffer.isBuffer(source)) {
        // writeFile, not stream.end(data, cb): end's callback also runs on a failed write (a full
        // disk), which resolved with an empty file.
        await writeFile(temp, source, { flag: "wx" });
      } else {
        await pipeline(source, createWriteStream(temp, { flags: "wx" }));
      }
      return { bytes: await moveIntoPlace(temp, target) };
    } catch (error) {
      await rm(temp, { force: true });
      throw isNoSpace(error) ? new StorageFull(error) : error;
    }
  }

  read(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      const entries = await readdir(this.pathOf(prefix), { withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() && !entry.name.includes(".tmp-"))
        .map((entry) => `${prefix}/${entry.name}`);
    } catch {
      return [];
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  async localPath(key: string): Promise<string> {
    return this.pathOf(key);
  }

  /** Makes sure the directory of a prefix exists (container bind mounts need it). */
  async ensureDir(prefix: string): Promise<string> {
    const dir = this.pathOf(prefix);
    await mkdir(dir, { recursive: true });
    return dir;
  }
}
