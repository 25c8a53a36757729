import { afterAll, beforeAll, describe, it } from "vitest";
import { FaultStack } from "../faults/fault-kit.js";
import { runSoak } from "./soak-run.js";

const seconds = Number(process.env.SOAK_SECONDS ?? 180);

describe(`soak for ${seconds} s`, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("keeps memory, descriptors and Redis keys flat", () => runSoak(stack, seconds), (seconds + 120) * 1_000);
});
