import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type TestBrowser } from "../../devstack/test/browser.js";
import { vegaDatasetPath } from "../../devstack/test/datasets.js";
import { startTestStack, type TestStack } from "../../devstack/test/stack-fixture.js";
import { type DashboardServer, serveDashboard } from "./dashboard-server.js";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = path.resolve(packageDir, "../../test-artifacts");

describe("dashboard in a real browser against a real stack", () => {
  let test: TestStack;
  let server: DashboardServer;
  let browser: TestBrowser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await build({ root: packageDir, logLevel: "warn" });
    test = await startTestStack();
    server = await serveDashboard(path.join(packageDir, "dist"), test.stack.apiUrl);
    await mkdir(artifacts, { recursive: true });
    browser = await launchChromium({ width: 1280, height: 900 });
    page = browser.page;
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${message.text()} @ ${message.location().url}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await test?.close();
  });

  it("uploads by drag and drop, follows progress without gaps across a dropped stream, and renders the report", async () => {
    await page.goto(`${server.url}/?debug`);
    await page.getByRole("heading", { name: "New analysis" }).waitFor();
    await page.screenshot({ path: path.join(artifacts, "dashboard-home.png"), fullPage: true });

    // Drop a real file on the drop zone, as a person dragging it from their desktop would.
    const csv = await readFile(vegaDatasetPath("seattle-weather.csv"), "utf8");
    const dataTransfer = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], "seattle-weather.csv", { type: "text/csv" }));
      return transfer;
    }, csv);
    await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
    await expect.poll(() => page.locator(".chosen").textContent()).toContain("seattle-weather.csv");

    // Keyboard only: the labelled question box, then Enter on the button.
    await page.getByLabel("Your question").fill("what drives precipitation?");
    await page.getByRole("button", { name: "Analyse" }).press("Enter");
    await page.waitForURL(/#\/jobs\/job_/, { timeout: 120_000 });
    const jobId = new URL(page.url()).hash.split("/")[2] ?? "";

    // Cut the event stream as soon as the first event is shown, and keep it cut until the job ends.
    await page.locator(".log li").first().waitFor();
    const dropped = await page.evaluate(() =>
      (window as unknown as AssayDebugWindow).assayDebug.dropStreams(true),
    );
    expect(dropped).toBe(1);
    const seenWhileConnected = await page.locator(".log li").count();
    await test.client.waitForJob(jobId, { timeoutMs: 120_000 });
    await page.screenshot({ path: path.join(artifacts, "dashboard-disconnected.png"), fullPage: true });
    await page.evaluate(() => (window as unknown as AssayDebugWindow).assayDebug.resumeStreams());

    await page.getByTestId("job-status").filter({ hasText: "succeeded" }).waitFor();
    await page.locator(".chart .chart-body svg").first().waitFor();
    await page.getByRole("heading", { name: "Report" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, "dashboard-report.png"), fullPage: true });

    // Every event of the job, once, in order: the same ids a fresh replay from the api gives.
    const shown = await page
      .locator(".log li")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-event-id")));
    const replayed: string[] = [];
    for await (const stored of test.client.jobEvents(jobId)) replayed.push(stored.id);
    expect(shown.length).toBeGreaterThan(seenWhileConnected);
    expect(shown).toEqual(replayed);

    const charts = await page.locator(".chart").count();
    expect(charts).toBeGreaterThan(0);
    expect(await page.locator(".chart .chart-body svg").count()).toBe(charts);
    expect(await page.locator("table.hypotheses tbody tr, .report p.muted").count()).toBeGreaterThan(0);
    expect(await page.locator(".summary li").count()).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });
});

interface AssayDebugWindow {
  assayDebug: { dropStreams(hold: boolean): number; resumeStreams(): void };
}
