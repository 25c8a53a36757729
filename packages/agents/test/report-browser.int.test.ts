import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pl from "nodejs-polars";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type TestBrowser } from "../../devstack/test/browser.js";
import { analyse, loadDataset } from "./fixtures.js";

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../test-artifacts");
const HOSTILE = [
  "<script>window.__pwned = 'script'; alert(1)</script>",
  "javascript:alert(1)",
  "{{7*7}}",
  `<img src=x onerror="window.__pwned = 'img'; alert(1)">`,
];

describe("report.html in headless Chromium", () => {
  let dir: string;
  let browser: TestBrowser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assay-report-"));
    await mkdir(artifacts, { recursive: true });
    browser = await launchChromium({ width: 1100, height: 900 });
    page = browser.page;
    problems = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
    page.on("dialog", async (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      await dialog.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<void> {
    problems.length = 0;
    const file = path.join(dir, name);
    await writeFile(file, html);
    await page.goto(`file://${file}`, { waitUntil: "load" });
  }

  it("renders a real dataset's report with its charts and no console errors", async () => {
    const out = await analyse(loadDataset("penguins.json"), "Does body mass differ by species?");
    await open("penguins.html", out.html);

    const sizes = await page.$$eval("figure img", (images) =>
      images.map((img) => {
        const image = img as HTMLImageElement;
        const box = image.getBoundingClientRect();
        return { natural: image.naturalWidth * image.naturalHeight, shown: box.width * box.height };
      }),
    );
    expect(sizes.length).toBe(out.report.charts.length);
    for (const size of sizes) {
      expect(size.natural).toBeGreaterThan(0);
      expect(size.shown).toBeGreaterThan(0);
    }
    // The hypothesis's box plot sits in the Hypotheses section, under its test table.
    expect(await page.locator("#hypotheses figure#chart-box-body-mass-g-species img").count()).toBe(1);
    expect(await page.locator("#answer table").count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, "report-penguins.png"), fullPage: true });
    for (const section of ["summary", "answer", "overview", "hypotheses"])
      await page
        .locator(`#${section}`)
        .screenshot({ path: path.join(artifacts, `report-penguins-${section}.png`) });
    expect(problems).toEqual([]);
    // report.md links the PNGs: keep one to look at beside the page.
    const box = out.charts.find((c) => c.name === "chart-box-body-mass-g-species.svg");
    await writeFile(
      path.join(artifacts, "chart-box-body-mass-g-species.png"),
      box?.png?.bytes ?? new Uint8Array(),
    );
  });

  it("shows a hostile dataset's names and values as text and runs none of them", async () => {
    const n = 40;
    const df = pl.DataFrame({
      [HOSTILE[0] as string]: Array.from({ length: n }, (_, i) => HOSTILE[i % HOSTILE.length]),
      [HOSTILE[3] as string]: Array.from({ length: n }, (_, i) => i * 1.5 + (i % 7)),
      "{{7*7}}": Array.from({ length: n }, (_, i) => (i * 13) % 17),
      "javascript:alert(1)": Array.from({ length: n }, (_, i) => (i % 2 ? "javascript:alert(1)" : "{{7*7}}")),
    });
    const out = await analyse(df, `does ${HOSTILE[3]} differ by javascript:alert(1)?`);
    await open("hostile.html", out.html);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("a[href^='javascript']").count()).toBe(0);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
    const text = await page.locator("body").innerText();
    for (const value of HOSTILE) expect(text).toContain(value);
    await page.screenshot({ path: path.join(artifacts, "report-hostile.png"), fullPage: true });
    await page.locator("#columns").screenshot({ path: path.join(artifacts, "report-hostile-columns.png") });
    expect(problems).toEqual([]);
  });
});
