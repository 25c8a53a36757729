import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { JobView, Report } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vegaDatasetPath } from "../../devstack/test/datasets.js";
import { startTestStack, type TestStack } from "../../devstack/test/stack-fixture.js";
import { runCli } from "./run-cli.js";

const dataset = vegaDatasetPath("seattle-weather.csv");
const question = "what drives precipitation?";

describe("assay against a real stack", () => {
  let test: TestStack;
  let outDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    test = await startTestStack();
    outDir = await mkdtemp(path.join(os.tmpdir(), "assay-cli-"));
    env = { API_URL: test.stack.apiUrl };
  });
  afterAll(async () => {
    await test?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it("analyze --follow writes the report and shows stages; jobs status and logs describe the job", async () => {
    const out = path.join(outDir, "report.md");
    const run = await runCli(
      ["analyze", dataset, question, "--follow", "--format", "markdown", "--out", out],
      env,
    );
    expect(run.stderr).toContain("uploaded seattle-weather.csv: 1461 rows");
    expect(run.stderr).toContain("job:succeeded");
    expect(run.stderr).toMatch(/profiling \d+%/);
    expect(run.code).toBe(0);
    expect(await readFile(out, "utf8")).toContain("seattle-weather.csv");

    const jobId = /submitted job (job_\w+)/.exec(run.stderr)?.[1] ?? "";
    const status = await runCli(["--json", "jobs", "status", jobId], env);
    expect(status.code).toBe(0);
    expect(JobView.parse(JSON.parse(status.stdout)).status).toBe("succeeded");

    // A finished job's log ends by itself; the NDJSON lines are the job's events in order.
    const logs = await runCli(["logs", jobId, "--json"], env);
    expect(logs.code).toBe(0);
    const types = logs.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).event.type);
    expect(types[0]).toBe("job:queued");
    expect(types.at(-1)).toBe("job:succeeded");
  });

  it("analyze --json in an existing session prints only JSON and writes a report.json that parses", async () => {
    const session = await test.client.createSession();
    const out = path.join(outDir, "report.json");
    const run = await runCli(
      ["analyze", "--json", "--session", session.id, "--format", "json", "--out", out, dataset, question],
      env,
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { sessionId: string; job: unknown; out: string };
    expect(summary.sessionId).toBe(session.id);
    expect(JobView.parse(summary.job).status).toBe("succeeded");
    const report = Report.parse(JSON.parse(await readFile(out, "utf8")));
    expect(report.datasetName).toBe("seattle-weather.csv");

    const removed = await runCli(["sessions", "rm", session.id], env);
    expect(removed.code).toBe(0);
  });

  it("exits 4 with a sentence for a job that does not exist", async () => {
    const missing = await runCli(["jobs", "status", `job_${"a".repeat(24)}`], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("There is no job with that id");
  });
});
