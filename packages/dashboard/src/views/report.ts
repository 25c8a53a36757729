import type { HypothesisResult, Report, ResultTable } from "@assay/contracts";
import embed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";
import { h } from "../dom.js";

const formatNumber = (value: number) => {
  if (Number.isInteger(value)) return value.toLocaleString("en");
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(3);
};

/**
 * The report's chart spec fitted to its card: the card's caption is the title, and single-view
 * charts take the card's width instead of their fixed one (which overflowed narrow cards).
 */
function fitted(spec: Record<string, unknown>): Record<string, unknown> {
  const { title: _title, ...rest } = spec;
  const composite = ["hconcat", "vconcat", "concat", "facet", "repeat"].some((key) => key in rest);
  return composite ? rest : { ...rest, width: "container", autosize: { type: "fit", contains: "padding" } };
}

/** The report: summary, answer tables, interactive charts, hypotheses and alerts. */
export async function renderReport(root: HTMLElement, report: Report): Promise<void> {
  const charts = report.charts.map((chart) =>
    h(
      "figure",
      { class: "chart", "data-chart-id": chart.id },
      h("figcaption", {}, chart.title),
      h("div", { class: "chart-body" }),
    ),
  );
  root.replaceChildren(
    h(
      "article",
      { class: "card report", "aria-labelledby": "report-title" },
      h("h2", { id: "report-title" }, "Report"),
      h(
        "p",
        { class: "muted" },
        `${report.datasetName}: ${report.profile.rows} rows, ${report.profile.columns} columns`,
      ),
      h("h3", {}, "Summary"),
      h(
        "ul",
        { class: "summary" },
        report.summary.map((finding) => h("li", {}, finding.text)),
      ),
      h("h3", {}, "Answer"),
      report.answer.text.split(/\n{2,}/).map((paragraph) => h("p", { class: "answer" }, paragraph)),
      report.answer.tables.map(resultTable),
      report.charts.length > 0 ? h("h3", {}, "Charts") : null,
      h("div", { class: "charts" }, charts),
      h("h3", {}, "Hypotheses"),
      hypothesesTable(report.hypotheses),
      h("h3", {}, "Alerts"),
      report.profile.alerts.length === 0
        ? h("p", { class: "muted" }, "No data quality alerts.")
        : h(
            "ul",
            { class: "alerts" },
            report.profile.alerts.map((alert) =>
              h("li", {}, h("span", { class: "badge" }, alert.kind), " ", alert.message),
            ),
          ),
      report.methods.length > 0
        ? h(
            "details",
            {},
            h("summary", {}, "Methods"),
            h(
              "ul",
              {},
              report.methods.map((m) => h("li", {}, m)),
            ),
          )
        : null,
    ),
  );
  // The interpreter evaluates vega expressions without eval, so a strict Content-Security-Policy works.
  await Promise.all(
    report.charts.map((chart, index) =>
      embed(charts[index]?.querySelector(".chart-body") as HTMLElement, fitted(chart.spec) as never, {
        actions: false,
        renderer: "svg",
        ast: true,
        expr: expressionInterpreter,
      }),
    ),
  );
}

function resultTable(table: ResultTable): HTMLElement {
  return h(
    "table",
    { class: "result" },
    h("caption", {}, table.title),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        table.columns.map((column) => h("th", { scope: "col" }, column)),
      ),
    ),
    h(
      "tbody",
      {},
      table.rows.map((row) =>
        h(
          "tr",
          {},
          row.map((cell) => h("td", {}, typeof cell === "number" ? formatNumber(cell) : String(cell ?? ""))),
        ),
      ),
    ),
  );
}

function hypothesesTable(hypotheses: HypothesisResult[]): HTMLElement {
  if (hypotheses.length === 0) return h("p", { class: "muted" }, "No hypotheses were tested.");
  return h(
    "table",
    { class: "hypotheses" },
    h("caption", { class: "visually-hidden" }, "Hypotheses and their tests"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Hypothesis", "Test", "Statistic", "p (adjusted)", "Effect", "Conclusion"].map((t) =>
          h("th", { scope: "col" }, t),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      hypotheses.map((hypothesis) => {
        const test = hypothesis.tests.find((candidate) => candidate.role === "primary");
        return h(
          "tr",
          {},
          h("td", {}, hypothesis.statement),
          h("td", {}, test?.name ?? hypothesis.skippedReason ?? "skipped"),
          h("td", {}, test ? formatNumber(test.statistic) : ""),
          h("td", {}, test ? formatNumber(test.pAdjusted ?? test.pValue) : ""),
          h(
            "td",
            {},
            test?.effectSize ? `${test.effectSize.name} ${formatNumber(test.effectSize.value)}` : "",
          ),
          h("td", {}, hypothesis.conclusion),
        );
      }),
    ),
  );
}
