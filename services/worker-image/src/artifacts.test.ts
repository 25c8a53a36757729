import { describe, expect, it } from "vitest";
import { chartArtifactName } from "./artifacts.js";

describe("chartArtifactName", () => {
  it("keeps safe chart ids and replaces what a file name must not hold", () => {
    expect(chartArtifactName("hist_x")).toBe("chart-hist_x.svg");
    expect(chartArtifactName("a/b c")).toBe("chart-a-b-c.svg");
    expect(chartArtifactName("../x")).toBe("chart---x.svg");
  });
});
