import type { Report } from "@assay/contracts";
import { type Block, buildDocument } from "./document.js";

/** The file a chart is written to beside report.md (PNG is what report.md links). */
export function chartFileName(chartId: string, format: "svg" | "png" = "svg"): string {
  return `chart-${chartId}.${format}`;
}

/**
 * Dataset-derived text as inert Markdown: HTML that renderers pass through becomes entities, and
 * characters that open emphasis, code, links or table cells are backslash-escaped (underscores
 * only at word edges, where CommonMark reads them), so names cannot inject links or markup.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*[\]|])/g, "\\$1")
    .replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace("_", "\\_"))
    .replace(/^([#+-])/, "\\$1")
    .replace(/\r?\n/g, " ");
}

/** report.md: sections in a fixed order; charts by file name (`chartFiles` maps chart id → file). */
export function renderMarkdown(report: Report, chartFiles: Readonly<Record<string, string>> = {}): string {
  const lines = [`# ${escapeMarkdown(`Analysis of ${report.datasetName}`)}`, ""];
  lines.push(`_Job ${escapeMarkdown(report.jobId)} · generated ${report.generatedAt}_`, "");
  for (const section of buildDocument(report)) {
    lines.push(`## ${section.title}`, "");
    for (const block of section.blocks) lines.push(...blockLines(block, chartFiles), "");
  }
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function blockLines(block: Block, chartFiles: Readonly<Record<string, string>>): string[] {
  switch (block.kind) {
    case "paragraph":
      return [escapeMarkdown(block.text)];
    case "subheading":
      return [`### ${escapeMarkdown(block.text)}`];
    case "list":
      return block.items.map((item) => `- ${escapeMarkdown(item)}`);
    case "table":
      return [
        `| ${block.columns.map(escapeMarkdown).join(" | ")} |`,
        `| ${block.columns.map(() => "---").join(" | ")} |`,
        ...block.rows.map((row) => `| ${row.map(escapeMarkdown).join(" | ")} |`),
      ];
    case "chart":
      return [
        `![${escapeMarkdown(block.title)}](${chartFiles[block.chartId] ?? chartFileName(block.chartId)})`,
      ];
  }
}
