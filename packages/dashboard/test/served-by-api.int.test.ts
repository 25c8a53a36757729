import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "../../../services/api/test/api-fixture.js";
import { launchChromium, type TestBrowser } from "../../devstack/test/browser.js";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("dashboard served by the api, with keys on", () => {
  let fx: ApiFixture;
  let browser: TestBrowser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), "assay-dashboard-dist-"));
    await build({ root: packageDir, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    fx = await startApi({ DASHBOARD_DIR: outDir });
    browser = await launchChromium();
    return async () => rm(outDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it("asks for a key in a labelled field, keeps it for the tab, and runs under the api's CSP", async () => {
    const session = await (await fx.call("/v1/sessions", { method: "POST" })).json();
    const { page } = browser;
    page.on("console", (message) => {
      // The 401 before a key is entered is expected; anything else (a CSP refusal) is not.
      if (message.type() === "error" && !message.text().includes("401")) consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));

    await page.addInitScript(() =>
      document.addEventListener("securitypolicyviolation", (event) =>
        console.error(`CSP refused ${event.violatedDirective} at ${event.sourceFile}:${event.lineNumber}`),
      ),
    );
    await page.goto(`${fx.url}/`);
    await page.getByText("Could not load sessions.").waitFor();
    await page.getByLabel("API key").fill(fx.token);
    await page.getByRole("button", { name: "Use key" }).click();
    await page.locator(`[data-session-id="${session.id}"]`).waitFor();

    // The key lives in this tab's sessionStorage, never in the address bar.
    expect(await page.evaluate(() => sessionStorage.getItem("assay.apiKey"))).toBe(fx.token);
    expect(page.url()).not.toContain(fx.token);
    expect(consoleErrors).toEqual([]);
  });

  it("renders the api docs page (Swagger UI from the api itself) under the same CSP", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(`${fx.url}/docs`);
    await page.getByText("Create a session (its worker starts in the background)").first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
