import { describe, expect, it } from "vitest";
import { exitReason } from "./docker-exit-reason.js";

describe("exitReason", () => {
  it("names out-of-memory kills, terminations, plain exits and runtime errors", () => {
    expect(exitReason(137, true, "")).toBe("killed: out of memory (exit 137)");
    expect(exitReason(137, false, "")).toBe("killed: out of memory (exit 137)");
    expect(exitReason(143, false, undefined)).toBe("terminated (exit 143)");
    expect(exitReason(1, false, "")).toBe("exit code 1");
    expect(exitReason(127, false, "executable not found")).toBe("error: executable not found");
  });
});
