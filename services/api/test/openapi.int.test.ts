import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiPath } from "../src/openapi/openapi-document.js";
import { type ApiFixture, startApi } from "./api-fixture.js";

let fx: ApiFixture;
let document: {
  openapi: string;
  paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  fx = await startApi();
  const response = await fetch(`${fx.url}/openapi.json`); // public: no key
  expect(response.status).toBe(200);
  document = await response.json();
  ajv.addSchema(document, "openapi");
});
afterAll(async () => {
  await fx.close();
});

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** Checks a real answer against the document's schema for its route, status and media type. */
async function expectDocumented(
  response: Response,
  method: string,
  koaPath: string,
  mediaType = "application/json",
) {
  const status = String(response.status);
  const operation = document.paths[openApiPath(koaPath)]?.[method];
  expect(operation?.responses[status], `${method} ${koaPath} ${status} documented`).toBeDefined();
  if (response.status === 204) return undefined;
  const body = await response.json();
  const validate = ajv.getSchema(
    `openapi#/${pointer("paths", openApiPath(koaPath), method, "responses", status, "content", mediaType, "schema")}`,
  );
  expect(validate, `schema for ${method} ${koaPath} ${status}`).toBeDefined();
  const valid = validate!(body);
  expect(valid, `${method} ${koaPath} ${status}: ${JSON.stringify(validate!.errors)}`).toBe(true);
  return body;
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes every route the router serves", () => {
    expect(document.openapi).toBe("3.1.0");
    // The schemas do constrain: an empty object is no session.
    expect(ajv.getSchema("openapi#/components/schemas/SessionView")!({})).toBe(false);
    const served = fx.api.router.stack.flatMap((layer) =>
      layer.methods
        .filter((method) => method !== "HEAD")
        .map((method) => `${method.toLowerCase()} ${layer.path}`),
    );
    expect(served.length).toBeGreaterThan(20);
    for (const route of served) {
      const [method, koaPath] = route.split(" ") as [string, string];
      expect(document.paths[openApiPath(koaPath)]?.[method], route).toBeDefined();
    }
    // Every documented operation says how to authenticate and how it fails.
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(Array.isArray(operation.security), `${method} ${path}`).toBe(true);
        expect(
          Object.keys(operation.responses).some((status) => status >= "400"),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });

  it("matches the api's real answers on the main routes", async () => {
    await expectDocumented(await fx.call("/healthz"), "get", "/healthz");
    const created = await expectDocumented(
      await fx.call("/v1/sessions", { method: "POST" }),
      "post",
      "/v1/sessions",
    );
    const sessionId = created.id as string;
    await expectDocumented(await fx.call("/v1/sessions"), "get", "/v1/sessions");
    await expectDocumented(await fx.call(`/v1/sessions/${sessionId}`), "get", "/v1/sessions/:id");

    const upload = await fx.call(`/v1/sessions/${sessionId}/datasets?name=people.csv`, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "name,age\nada,36\nbob,41\n",
    });
    const dataset = await expectDocumented(upload, "post", "/v1/sessions/:id/datasets");
    const submitted = await fx.call(`/v1/sessions/${sessionId}/analyses`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ datasetId: dataset.id, query: "what drives age?" }),
    });
    const accepted = await expectDocumented(submitted, "post", "/v1/sessions/:id/analyses");
    await expectDocumented(await fx.call(`/v1/jobs/${accepted.jobId}`), "get", "/v1/jobs/:id");
    await expectDocumented(await fx.call(`/v1/sessions/${sessionId}/jobs`), "get", "/v1/sessions/:id/jobs");
    await expectDocumented(
      await fx.call(`/v1/jobs/${accepted.jobId}/cancel`, { method: "POST" }),
      "post",
      "/v1/jobs/:id/cancel",
    );
    await expectDocumented(await fx.call(`/v1/jobs/${accepted.jobId}/report`), "get", "/v1/jobs/:id/report");
    await expectDocumented(await fx.call(`/session_status/${sessionId}`), "get", "/session_status/:id");
    await expectDocumented(await fx.call("/hello"), "get", "/hello");
    await expectDocumented(
      await fx.call(`/v1/sessions/${sessionId}`, { method: "DELETE" }),
      "delete",
      "/v1/sessions/:id",
    );
  });

  it("matches the api's error answers", async () => {
    const missing = await fx.call("/v1/sessions/ses_000000000000000000000000");
    expect((await expectDocumented(missing, "get", "/v1/sessions/:id")).error.requestId).toEqual(
      expect.any(String),
    );
    await expectDocumented(await fx.call("/v1/jobs/not-an-id"), "get", "/v1/jobs/:id");
    const unauthorized = await fetch(`${fx.url}/v1/sessions`);
    await expectDocumented(unauthorized, "get", "/v1/sessions");
    const invalid = await fx.call("/v1/sessions?limit=1000");
    await expectDocumented(invalid, "get", "/v1/sessions");
  });

  it("is rendered at /docs by a page that loads nothing from elsewhere", async () => {
    const page = await fetch(`${fx.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of html.matchAll(/(?:src|href)="(\/[^"]*)"/g)) {
      expect((await fetch(`${fx.url}${asset[1]}`)).status, asset[1]).toBe(200);
    }
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
  });
});
