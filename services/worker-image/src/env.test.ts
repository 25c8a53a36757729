import { EnvError } from "@assay/runtime";
import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";

const required = { SESSION_ID: "ses_0123456789ABCDEFGHIJKLMN", WORKER_ID: "w-1" };

describe("loadEnv", () => {
  it("fills the documented defaults; the stalled interval follows the lock duration", () => {
    expect(loadEnv({ ...required, LOCK_DURATION_MS: "4000" })).toMatchObject({
      HEARTBEAT_MS: 2_000,
      JOB_TIMEOUT_MS: 600_000,
      LOCK_DURATION_MS: 4_000,
      STALLED_INTERVAL_MS: 4_000,
      MAX_STALLED_COUNT: 1,
    });
    expect(loadEnv({ ...required, STALLED_INTERVAL_MS: "500" }).STALLED_INTERVAL_MS).toBe(500);
  });

  it("names every bad variable in one error", () => {
    expect(() => loadEnv({ SESSION_ID: "ses_short", HEARTBEAT_MS: "soon" })).toThrow(EnvError);
    expect(() => loadEnv({ SESSION_ID: "ses_short", HEARTBEAT_MS: "soon" })).toThrow(
      /SESSION_ID[\s\S]*WORKER_ID[\s\S]*HEARTBEAT_MS|SESSION_ID[\s\S]*HEARTBEAT_MS[\s\S]*WORKER_ID/,
    );
  });
});
