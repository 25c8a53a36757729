import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ErrorBody } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";

const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
let dir: string;
let fx: ApiFixture;

beforeAll(async () => {
  // A stand-in build with a file named like an api route, which must never shadow it.
  dir = await mkdtemp(path.join(os.tmpdir(), "assay-dashboard-"));
  await mkdir(path.join(dir, "assets"));
  await writeFile(path.join(dir, "index.html"), "<!doctype html><title>Assay</title>");
  await writeFile(path.join(dir, "assets", "main-abc123.js"), "console.log('dashboard')");
  await writeFile(path.join(dir, "healthz"), "not the probe");
  fx = await startApi({ DASHBOARD_DIR: dir });
});
afterAll(async () => {
  await fx.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the dashboard at /", () => {
  it("serves index.html without a key, revalidated on every load, under the page CSP", async () => {
    const page = await fetch(`${fx.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Assay</title>");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toBe(CSP);
  });

  it("lets browsers keep hashed assets for good", async () => {
    const asset = await fetch(`${fx.url}/assets/main-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toContain("javascript");
  });

  it("never shadows the api's own routes, and never leaves its directory", async () => {
    expect(await (await fetch(`${fx.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${fx.url}/v1/sessions`)).status).toBe(401);
    expect((await fetch(`${fx.url}/openapi.json`)).headers.get("content-type")).toContain("application/json");
    const traversal = await fetch(`${fx.url}/%2e%2e/%2e%2e/etc/passwd`);
    expect(traversal.status).not.toBe(200);
  });

  it("answers DASHBOARD_NOT_BUILT when the directory holds no build, and the api still serves", async () => {
    const bare = await startApi({ DASHBOARD_DIR: path.join(dir, "missing") });
    try {
      const root = await fetch(`${bare.url}/`);
      expect(root.status).toBe(404);
      const body = ErrorBody.parse(await root.json());
      expect(body.error.code).toBe("DASHBOARD_NOT_BUILT");
      expect(body.error.message).toContain("pnpm build");
      expect((await bare.call("/v1/sessions")).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
