import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// No api is needed for these: they fail before any request, or against a closed port.
const nowhere = { API_URL: "http://127.0.0.1:9" };

describe("assay usage and exit codes", () => {
  it("prints help for every command with exit 0", async () => {
    for (const args of [
      [],
      ["analyze"],
      ["sessions"],
      ["sessions", "ls"],
      ["sessions", "rm"],
      ["jobs"],
      ["jobs", "status"],
      ["jobs", "cancel"],
      ["logs"],
    ]) {
      const run = await runCli([...args, "--help"], nowhere);
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout).toContain("Usage: assay");
    }
  });

  it("exits 2 on an unknown command, a missing argument or a file it cannot read", async () => {
    expect((await runCli(["bogus"], nowhere)).code).toBe(2);
    expect((await runCli(["jobs", "status"], nowhere)).code).toBe(2);
    const missing = await runCli(["analyze", "/nonexistent/data.csv", "why?"], nowhere);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
    const format = await runCli(["analyze", "--format", "pdf", "x.csv", "why?"], nowhere);
    expect(format.code).toBe(2);
  });

  it("exits 2 when API_URL is not a URL", async () => {
    const run = await runCli(["jobs", "status", "job_x"], { API_URL: "not a url" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("API_URL must be a URL");
  });

  it("exits 3 with a sentence when the api cannot be reached", async () => {
    const run = await runCli(["jobs", "status", "job_x"], nowhere);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("Cannot reach the Assay api");
  });

  it("refuses a logs id that is neither a session nor a job", async () => {
    const run = await runCli(["logs", "abc"], nowhere);
    expect(run.code).toBe(2);
  });
});
