import type { ColumnProfile, Report, TestResult } from "@assay/contracts";
import { chartId } from "../charts/chart-id.js";
import { columnKinds, hypothesisChartId } from "../charts/hypothesis-charts.js";
import { fmt, pct } from "../eda/finite.js";

/** The report as plain-text blocks; the Markdown and HTML renderers escape and lay them out. */
export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; columns: string[]; rows: string[][] }
  | { kind: "chart"; chartId: string; title: string }
  | { kind: "subheading"; text: string };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export function buildDocument(report: Report): Section[] {
  const charts = new Map(report.charts.map((c) => [c.id, c]));
  const placed = new Set<string>();
  const chartBlock = (id: string): Block[] => {
    const chart = charts.get(id);
    if (!chart || placed.has(id)) return [];
    placed.add(id);
    return [{ kind: "chart", chartId: chart.id, title: chart.title }];
  };
  const p = report.profile;
  // Hypotheses claim their charts first, so a scatter a hypothesis drew sits under that hypothesis.
  const hypotheses = hypothesisBlocks(report, chartBlock);
  const sections: Section[] = [
    {
      id: "summary",
      title: "Summary",
      blocks: [
        report.summary.length > 0
          ? { kind: "list", items: report.summary.map((f) => f.text) }
          : { kind: "paragraph", text: "Nothing stood out in the profile." },
      ],
    },
    {
      id: "answer",
      title: "Answer to the question",
      blocks: [
        { kind: "paragraph", text: `Question: ${report.query}` },
        ...report.answer.text.split(/\n{2,}/).map((text): Block => ({ kind: "paragraph", text })),
        ...report.answer.tables.flatMap((t): Block[] => [
          { kind: "subheading", text: t.title },
          {
            kind: "table",
            columns: t.columns,
            rows: t.rows.map((r) => r.map(cellText)),
          },
        ]),
      ],
    },
    {
      id: "overview",
      title: "Data overview",
      blocks: [
        {
          kind: "table",
          columns: ["dataset", "rows", "columns", "missing cells", "duplicate rows", "memory (estimate)"],
          rows: [
            [
              report.datasetName,
              fmt(p.rows),
              fmt(p.columns),
              `${fmt(p.missingCells)} (${pct(p.rows * p.columns > 0 ? p.missingCells / (p.rows * p.columns) : 0)})`,
              fmt(p.duplicateRows),
              bytes(p.memoryBytes),
            ],
          ],
        },
        ...(p.sample
          ? [
              {
                kind: "paragraph" as const,
                text: `Sampled (${fmt(p.sample.rows)} rows): ${p.sample.statistics.join("; ")}.`,
              },
            ]
          : []),
        ...(p.notes ?? []).map((text): Block => ({ kind: "paragraph", text })),
        { kind: "subheading", text: "Strongest associations" },
        associationTable(report),
        ...chartBlock(chartId("heatmap", "pearson")),
        ...report.charts.filter((c) => c.kind === "scatter").flatMap((c) => chartBlock(c.id)),
      ],
    },
    {
      id: "alerts",
      title: "Data quality alerts",
      blocks: [
        p.alerts.length > 0
          ? {
              kind: "table",
              columns: ["alert", "columns", "what", "evidence"],
              rows: p.alerts.map((a) => [
                a.kind,
                a.columns.join(", "),
                a.message,
                Object.entries(a.evidence)
                  .map(([k, v]) => `${k}=${typeof v === "number" ? fmt(v) : v}`)
                  .join(", "),
              ]),
            }
          : { kind: "paragraph", text: "No alerts." },
      ],
    },
    {
      id: "columns",
      title: "Column profiles",
      blocks: [
        {
          kind: "table",
          columns: ["column", "kind", "dtype", "missing", "distinct", "why this kind"],
          rows: p.columnProfiles.map((c) => [
            c.name,
            c.kind,
            c.dtype,
            fmt(c.missing),
            fmt(c.distinct),
            c.kindReason,
          ]),
        },
        ...p.columnProfiles.flatMap((c) => [
          { kind: "subheading" as const, text: c.name },
          ...columnBlocks(c),
          ...chartBlock(chartId("hist", c.name)),
          ...chartBlock(chartId("bar", c.name)),
        ]),
      ],
    },
    { id: "hypotheses", title: "Hypotheses", blocks: hypotheses },
    { id: "methods", title: "Methods", blocks: [{ kind: "list", items: report.methods }] },
  ];
  const rest = report.charts.filter((c) => !placed.has(c.id)).flatMap((c) => chartBlock(c.id));
  sections.find((s) => s.id === "hypotheses")?.blocks.push(...rest);
  return sections;
}

function associationTable(report: Report): Block {
  const top = [...report.profile.associations]
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, 10);
  if (top.length === 0) return { kind: "paragraph", text: "No associations could be computed." };
  return {
    kind: "table",
    columns: ["x", "y", "method", "value", "n"],
    rows: top.map((a) => [a.x, a.y, a.method, fmt(a.value), a.n === undefined ? "" : fmt(a.n)]),
  };
}

function columnBlocks(c: ColumnProfile): Block[] {
  const facts: [string, string][] = [
    ["kind", `${c.kind} (${c.kindReason})`],
    ["present / missing", `${fmt(c.count)} / ${fmt(c.missing)}`],
    ["distinct", `${fmt(c.distinct)} (${pct(c.uniqueShare)} of present)`],
  ];
  const n = c.numeric;
  if (n) {
    facts.push(
      ["mean ± std", `${fmt(n.mean)} ± ${fmt(n.std)}`],
      [
        "min · p5 · q1 · median · q3 · p95 · max",
        [n.min, n.p5, n.q1, n.median, n.q3, n.p95, n.max].map((v) => fmt(v)).join(" · "),
      ],
      ["IQR", fmt(n.iqr)],
      ["skewness · excess kurtosis", `${fmt(n.skewness)} · ${fmt(n.kurtosis)}`],
      ["zeros · negatives · infinities", `${fmt(n.zeros)} · ${fmt(n.negatives)} · ${fmt(n.infinities)}`],
    );
  }
  if (c.lengths)
    facts.push([
      "length min · mean · max",
      [c.lengths.min, c.lengths.mean, c.lengths.max].map((v) => fmt(v)).join(" · "),
    ]);
  if (c.dates) {
    facts.push(
      [
        "range",
        `${c.dates.min ?? "n/a"} → ${c.dates.max ?? "n/a"}${c.dates.parsedFromText ? " (parsed from text)" : ""}`,
      ],
      ["largest gap", c.dates.largestGapDays === null ? "n/a" : `${fmt(c.dates.largestGapDays)} days`],
    );
  }
  if (c.topValues && c.topValues.length > 0) {
    facts.push(["top values", c.topValues.map((v) => `${v.value} (${fmt(v.count)})`).join(", ")]);
  }
  return [{ kind: "table", columns: ["statistic", "value"], rows: facts }];
}

function hypothesisBlocks(report: Report, chartBlock: (id: string) => Block[]): Block[] {
  if (report.hypotheses.length === 0) return [{ kind: "paragraph", text: "No hypotheses were tested." }];
  const kinds = columnKinds(report.profile);
  return report.hypotheses.flatMap((h): Block[] => {
    const chart = h.status === "tested" ? hypothesisChartId(h.spec, kinds) : null;
    return [
      { kind: "subheading", text: `${h.id}: ${h.statement}` },
      {
        kind: "paragraph",
        text: `Source: ${h.source}${h.rationale ? ` (${h.rationale})` : ""}.`,
      },
      {
        kind: "paragraph",
        text: h.status === "skipped" ? `Skipped: ${h.skippedReason ?? ""}` : h.conclusion,
      },
      ...(h.tests.length > 0 ? [testTable(h.tests)] : []),
      ...(h.caveats.length > 0
        ? [{ kind: "list" as const, items: h.caveats.map((c) => `Caveat: ${c}`) }]
        : []),
      ...(chart ? chartBlock(chart) : []),
    ];
  });
}

/** Primary and alternative tests first, assumption checks after them. */
function testTable(tests: readonly TestResult[]): Block {
  const order = { primary: 0, alternative: 1, assumption: 2 } as const;
  return {
    kind: "table",
    // The result id names the test ("h1.welch_t"), so no column repeats the name.
    columns: ["result", "role", "statistic", "df", "p", "p adjusted", "effect size (95% CI)", "n", "note"],
    rows: [...tests]
      .sort((a, b) => order[a.role] - order[b.role])
      .map((t) => [
        t.id,
        t.role === "assumption" ? "assumption check" : t.role,
        fmt(t.statistic),
        t.df === undefined ? "" : Array.isArray(t.df) ? t.df.map((d) => fmt(d, 2)).join(", ") : fmt(t.df, 2),
        fmt(t.pValue, 4),
        t.pAdjusted === undefined ? "" : fmt(t.pAdjusted, 4),
        t.effectSize
          ? `${t.effectSize.name} ${fmt(t.effectSize.value)}${t.effectSize.ci95 ? ` (${fmt(t.effectSize.ci95[0])} to ${fmt(t.effectSize.ci95[1])})` : ""}`
          : "",
        fmt(t.n),
        t.note ?? "",
      ]),
  };
}

function cellText(value: string | number | boolean | null): string {
  if (value === null) return "";
  return typeof value === "number" ? fmt(value) : String(value);
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${fmt(n / 1024, 1)} KiB`;
  if (n < 1024 ** 3) return `${fmt(n / 1024 ** 2, 1)} MiB`;
  return `${fmt(n / 1024 ** 3, 1)} GiB`;
}
