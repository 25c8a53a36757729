import type { Report } from "@assay/contracts";
import { type Block, buildDocument } from "./document.js";

/** Text and attribute values with every character that HTML gives meaning to replaced by an entity. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --accent: #2f5fb3; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--line); padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 0.9rem; }
nav a { margin-right: 0.8rem; color: var(--accent); }
.table-wrap { overflow-x: auto; margin: 0.5rem 0; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td { max-width: 28rem; }
th { background: #f3f5f9; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.85rem; }
@media (max-width: 600px) { body { font-size: 15px; padding: 0.5rem; } th, td { padding: 0.25rem; } }
@media print {
  nav { display: none; }
  body { max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}`;

/**
 * report.html: one self-contained page (inline CSS, charts embedded as data: images, no external
 * requests). Charts go in as <img> so nothing inside an SVG can ever run as part of the page.
 */
export function renderHtml(report: Report, svgs: Readonly<Record<string, string>> = {}): string {
  const sections = buildDocument(report);
  const nav = sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join("");
  const body = sections
    .map(
      (s) =>
        `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map((b) => blockHtml(b, svgs)).join("\n")}</section>`,
    )
    .join("\n");
  const title = escapeHtml(`Analysis of ${report.datasetName}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${title}</h1>
<p class="meta">Job ${escapeHtml(report.jobId)} · generated ${escapeHtml(report.generatedAt)}</p>
<nav>${nav}</nav>
${body}
</body>
</html>
`;
}

function blockHtml(block: Block, svgs: Readonly<Record<string, string>>): string {
  switch (block.kind) {
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "subheading":
      return `<h3>${escapeHtml(block.text)}</h3>`;
    case "list":
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
    case "table": {
      const head = block.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("");
      const rows = block.rows
        .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
        .join("");
      return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
    }
    case "chart": {
      const svg = svgs[block.chartId];
      if (svg === undefined) return "";
      const src = `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
      return `<figure id="chart-${escapeHtml(block.chartId)}"><img src="${src}" alt="${escapeHtml(block.title)}"><figcaption>${escapeHtml(block.title)}</figcaption></figure>`;
    }
  }
}
