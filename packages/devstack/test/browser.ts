import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Headless, sandbox-free (containers), and quiet: no network of its own besides the pages a test opens. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  /** The context's first tab. */
  page: Page;
  /** Closes the browser and deletes its profile dir; safe to call twice. */
  close(): Promise<void>;
}

/** The system Chromium with a fresh profile in a temp dir. */
export async function launchChromium(viewport?: { width: number; height: number }): Promise<TestBrowser> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), "assay-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
      ...(viewport ? { viewport } : {}),
    });
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed: Promise<void> | undefined;
  return {
    context,
    page,
    close() {
      closed ??= context.close().finally(() => rm(profileDir, { recursive: true, force: true }));
      return closed;
    },
  };
}
