import { createServer } from "node:net";
import { ErrorBody } from "@assay/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";

let fx: ApiFixture;

/** A port nothing listens on: bind one, then release it. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  fx = await startApi(
    { REDIS_URL: `redis://127.0.0.1:${await unusedPort()}`, REDIS_COMMAND_TIMEOUT_MS: "500" },
    { withKey: false },
  );
});
afterAll(async () => {
  await fx.api.close();
  fx.redis.disconnect();
});

// A well-formed key: checking it needs Redis, so the answer is 503, never a 401 that blames the key.
const SOME_KEY = `ak_${"k".repeat(16)}_${"s".repeat(43)}`;

it("answers 503 REDIS_UNAVAILABLE instead of hanging when Redis is unreachable", async () => {
  for (const [method, route] of [
    ["POST", "/v1/sessions"],
    ["GET", "/v1/sessions/ses_000000000000000000000000"],
    ["GET", "/v1/sessions/ses_000000000000000000000000/events"],
    ["GET", "/readyz"],
  ] as const) {
    const response = await fetch(`${fx.url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${SOME_KEY}` },
      signal: AbortSignal.timeout(20_000),
    });
    expect(response.status).toBe(503);
    expect(ErrorBody.parse(await response.json()).error.code).toBe("REDIS_UNAVAILABLE");
  }
  expect((await fetch(`${fx.url}/healthz`)).status).toBe(200);
});
