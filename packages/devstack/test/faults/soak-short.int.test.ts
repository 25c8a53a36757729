import { afterAll, beforeAll, describe, it } from "vitest";
import { runSoak } from "../soak/soak-run.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack } from "./fault-kit.js";

// The short form of `pnpm test:soak` (test/soak/soak.soak.ts), run with the normal suite.
describe("soak, short form (30 s)", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("keeps memory, descriptors and Redis keys flat", () => runSoak(stack, 30));
});
