import type { HypothesisResult, Report } from "@assay/contracts";
import { describe, expect, it } from "vitest";
import { analyse, closeTo, expectSoundReport, loadDataset } from "./fixtures.js";

function testsOf(report: Report, kind: HypothesisResult["spec"]["kind"]) {
  const h = report.hypotheses.find((r) => r.spec.kind === kind && r.status === "tested");
  expect(h, `a tested ${kind} hypothesis`).toBeDefined();
  return { h: h as HypothesisResult, byName: new Map(h?.tests.map((t) => [t.name, t])) };
}

/** The report points at the hypothesis: its result ids appear in the summary or the answer. */
function expectCited(report: Report, h: HypothesisResult) {
  const cited = new Set(report.summary.flatMap((f) => f.resultIds));
  const inSummary = h.tests.some((t) => cited.has(t.id));
  const inAnswer = h.tests.some((t) => report.answer.text.includes(t.id));
  expect(inSummary || inAnswer).toBe(true);
}

describe("runPipeline on real datasets (vega-datasets); expected values from scipy 1.17.1 / numpy 2.4.6", () => {
  it("penguins: does body mass differ by species? → ANOVA family matching scipy", async () => {
    const out = await analyse(loadDataset("penguins.json"), "Does body mass differ by species?");
    const report = expectSoundReport(out);
    const { h, byName } = testsOf(report, "difference");
    expect(h.spec).toEqual({ kind: "difference", metric: "Body Mass (g)", groupBy: "Species" });
    expect(h.source).toBe("planner");
    closeTo(byName.get("anova_oneway")?.statistic, 343.626275205481); // stats.f_oneway
    closeTo(byName.get("kruskal_wallis")?.statistic, 217.59924143680436); // stats.kruskal
    closeTo(byName.get("levene")?.statistic, 5.12025099751946); // stats.levene(center="median")
    expect(byName.get("welch_anova")?.role).toBe("primary");
    expectCited(report, h);
    // The group means (numpy mean per species over non-missing body mass).
    const table = report.answer.tables.find((t) => t.columns.includes("mean_Body Mass (g)"));
    expect(table?.rows.map((r) => r[0])).toEqual(["Adelie", "Chinstrap", "Gentoo"]);
    closeTo(table?.rows[2]?.[1] as number, 5076.016260162602);
    expect(report.answer.text).toContain(`Table ${table?.id}`);
    expect(report.charts.map((c) => c.id)).toContain("box-body-mass-g-species");
    expect(out.markdown).toContain("(chart-box-body-mass-g-species.png)");
  });

  it("cars: how does Horsepower relate to Miles_per_Gallon? → pearson, spearman, kendall", async () => {
    const out = await analyse(loadDataset("cars.json"), "how does Horsepower relate to Miles_per_Gallon?");
    const report = expectSoundReport(out);
    const { h, byName } = testsOf(report, "association");
    closeTo(byName.get("pearson_r")?.statistic, -0.7784267838977761); // stats.pearsonr
    closeTo(byName.get("spearman_rho")?.statistic, -0.8536164024453882); // stats.spearmanr
    closeTo(byName.get("kendall_tau")?.statistic, -0.6791658132611216); // stats.kendalltau
    closeTo(byName.get("kendall_tau")?.pValue, 2.3311218476388024e-86, 1e-5);
    expect(byName.get("pearson_r")?.n).toBe(392);
    expectCited(report, h);
    expect(report.charts.map((c) => c.id)).toContain("scatter-horsepower-miles-per-gallon");
  });

  it("seattle-weather: is there a trend in temp_max over date? → Mann–Kendall and slope", async () => {
    const out = await analyse(loadDataset("seattle-weather.csv"), "is there a trend in temp_max over date?");
    const report = expectSoundReport(out);
    const { h, byName } = testsOf(report, "trend");
    // S = Σ sign(tj − ti)·sign(yj − yi) over i < j (numpy, dates as days since the epoch).
    expect(byName.get("mann_kendall")?.statistic).toBe(107833);
    closeTo(byName.get("mann_kendall")?.effectSize?.value, 0.10219334068450715); // stats.kendalltau (tau-b)
    // stats.linregress(days, temp_max).slope, per day
    closeTo(byName.get("ols")?.coefficients?.[1]?.estimate, 0.0025404104336572645, 1e-6);
    expectCited(report, h);
    // The monthly resample runs on the text dates the profile recognised.
    const monthly = report.answer.tables.find((t) => t.columns.includes("mean_temp_max"));
    expect(monthly?.rows).toHaveLength(48);
    expect(report.charts.map((c) => c.id)).toContain("line-temp-max-date");
  });

  it("seattle-weather: average precipitation by weather → the group-by table with the means python computes", async () => {
    const out = await analyse(loadDataset("seattle-weather.csv"), "average precipitation by weather");
    const report = expectSoundReport(out);
    const table = report.answer.tables.find((t) => t.columns.includes("mean_precipitation"));
    expect(table).toBeDefined();
    // numpy.mean and len of precipitation per weather over csv.DictReader rows (pandas' groupby mean/count equivalent)
    const expected: [string, number, number][] = [
      ["drizzle", 0, 53],
      ["fog", 0, 101],
      ["rain", 6.557878315132604, 641],
      ["snow", 8.553846153846154, 26],
      ["sun", 0, 640],
    ];
    expect(table?.rows.map((r) => r[0])).toEqual(expected.map((e) => e[0]));
    expected.forEach(([, mean, count], k) => {
      closeTo(table?.rows[k]?.[1] as number, mean, 1e-12);
      expect(table?.rows[k]?.[2]).toBe(count);
    });
    expect(report.answer.text).toContain(`Table ${table?.id}`);
    expect(report.answer.text).toContain("8.554 for snow");
  });

  it("seattle-weather: average temp_max and precipitation by weather → a table per metric, each from the data", async () => {
    const out = await analyse(
      loadDataset("seattle-weather.csv"),
      "average temp_max and precipitation by weather",
    );
    const report = expectSoundReport(out);
    const means = report.answer.tables.filter((t) => t.id.startsWith("t"));
    expect(means.map((t) => [t.id, t.columns])).toEqual([
      ["t1", ["weather", "mean_temp_max", "count_temp_max"]],
      ["t2", ["weather", "mean_precipitation", "count_precipitation"]],
    ]);
    // numpy.mean of precipitation per weather (as in the single-metric case above)
    closeTo(means[1]?.rows.find((r) => r[0] === "snow")?.[1] as number, 8.553846153846154, 1e-12);
    expect(report.methods.join(" ")).not.toContain("could not run");
  });

  it("penguins: mean body mass by species and by island → one table per grouping", async () => {
    const out = await analyse(loadDataset("penguins.json"), "mean Body Mass (g) by Species and by Island");
    const report = expectSoundReport(out);
    const grouped = report.answer.tables.filter((t) => t.id.startsWith("t"));
    expect(grouped.map((t) => t.columns[0])).toEqual(["Species", "Island"]);
    expect(grouped.map((t) => t.id)).toEqual(["t1", "t2"]);
    for (const t of grouped) expect(report.answer.text).toContain(`Table ${t.id}`);
  });

  it("movies: a messy real dataset (mixed types, nulls) completes with a clear result", async () => {
    const out = await analyse(loadDataset("movies.json"), "what drives IMDB Rating?");
    const report = expectSoundReport(out);
    expect(report.hypotheses.length).toBeGreaterThan(0);
    expect(report.hypotheses.length).toBeLessThanOrEqual(8);
    for (const h of report.hypotheses)
      expect(h.conclusion.length + (h.skippedReason?.length ?? 0)).toBeGreaterThan(0);
    expect(report.answer.text).toContain("IMDB Rating");
  });

  it("flights: delay by origin has too many groups to test, so it says so and still tabulates the means", async () => {
    const out = await analyse(loadDataset("flights-2k.json"), "do delays differ by origin?");
    const report = expectSoundReport(out);
    const [h] = report.hypotheses;
    expect(h?.status).toBe("skipped");
    expect(h?.skippedReason).toMatch(/155 groups/);
    expect(report.answer.text).toContain("could not be tested");
    const table = report.answer.tables.find((t) => t.columns.includes("mean_delay"));
    const row = (origin: string) => table?.rows.find((r) => r[0] === origin);
    // numpy mean and count of delay per origin
    expect(row("ORD")?.[2]).toBe(119);
    closeTo(row("ORD")?.[1] as number, 1.9579831932773109, 1e-12);
    expect(row("RST")).toEqual(["RST", 142, 1]);
  });

  it("flights: does delay relate to distance? → correlations matching scipy", async () => {
    const out = await analyse(loadDataset("flights-2k.json"), "does delay relate to distance?");
    const report = expectSoundReport(out);
    const { h, byName } = testsOf(report, "association");
    closeTo(byName.get("pearson_r")?.statistic, -0.04141084247827295);
    closeTo(byName.get("pearson_r")?.pValue, 0.06408535146067225, 1e-6);
    closeTo(byName.get("spearman_rho")?.statistic, -0.038704187303706346);
    closeTo(byName.get("kendall_tau")?.statistic, -0.026324745034309312);
    expect(h.conclusion).toMatch(/No .* was detected/);
  });

  it("explicit request hypotheses are tested as given, and progress reports each one", async () => {
    const out = await analyse(loadDataset("penguins.json"), "anything at all", {
      hypotheses: [
        { kind: "association", x: "Flipper Length (mm)", y: "Body Mass (g)" },
        { kind: "association", x: "Species", y: "Island" },
      ],
    });
    const report = expectSoundReport(out);
    expect(report.hypotheses.map((h) => [h.source, h.status])).toEqual([
      ["request", "tested"],
      ["request", "tested"],
    ]);
    expect(report.charts.map((c) => c.id)).toContain("crosstab-species-island");
    const testing = out.progress.filter((p) => p.stage === "testing");
    expect(testing.map((p) => p.detail).filter((d) => d?.startsWith("h"))).toHaveLength(2);
    expect(out.progress.filter((p) => p.stage === "charting").length).toBeGreaterThan(3);
  });

  it("a query that names no column gets hypotheses from the profile, capped by maxHypotheses", async () => {
    const out = await analyse(loadDataset("penguins.json"), "tell me something interesting", {
      options: { llm: "off", alpha: 0.05, maxHypotheses: 3 },
    });
    const report = expectSoundReport(out);
    expect(report.hypotheses).toHaveLength(3);
    expect(report.hypotheses.every((h) => h.source === "profile")).toBe(true);
    expect(report.methods.join(" ")).toMatch(/proposed from the profile/);
  });
});
