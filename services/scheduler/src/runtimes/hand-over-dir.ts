import { mkdir, readdir, rename } from "node:fs/promises";
import path from "node:path";

const ATTEMPTS = 5;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Makes the directory `from` (bind-mounted into a running container) become `to`, keeping what
 * `to` already holds. A bind mount follows the directory, not its path, so after the rename the
 * container sees the session's files and the host finds them where storage keys say.
 *
 * rename(2) replaces an empty directory atomically and refuses a non-empty one: entries already in
 * `to` are moved into `from` first, and the rename is retried if more arrive meanwhile. An upload
 * writing into `to` meanwhile finishes: its temporary file is back at its path once the rename
 * lands (LocalStorage retries its final rename), and an entry renamed by its writer between the
 * listing and its move is simply found again on the next attempt.
 */
export async function handOverDir(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if ((code(error) !== "ENOTEMPTY" && code(error) !== "EEXIST") || attempt === ATTEMPTS) throw error;
    }
    for (const entry of await readdir(to)) {
      await rename(path.join(to, entry), path.join(from, entry)).catch((error: unknown) => {
        if (code(error) !== "ENOENT") throw error;
      });
    }
  }
}
