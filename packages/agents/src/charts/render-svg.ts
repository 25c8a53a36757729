import { AppError } from "@assay/contracts";
import type * as Vega from "vega";
import type { TopLevelSpec } from "vega-lite";

/** A chart spec that names data by URL: charts must carry their data inline. */
export class ChartDataNotInline extends AppError {
  constructor(readonly url: string) {
    super("ANALYSIS_FAILED", `chart data must be inline, not loaded from ${url}`);
  }
}

interface Renderer {
  vega: typeof Vega;
  compile: typeof import("vega-lite").compile;
  /** Refuses every load, as a second guard behind the spec check. */
  offlineLoader: Vega.Loader;
}

let renderer: Promise<Renderer> | undefined;

/** vega and vega-lite load on the first chart (~0.4 s CPU), not when the package is imported. */
function loadRenderer(): Promise<Renderer> {
  renderer ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, { compile }]) => ({
    vega,
    compile,
    offlineLoader: {
      ...vega.loader(),
      load: () => Promise.reject(new Error("charts render from inline data only")),
      sanitize: () => Promise.reject(new Error("charts render from inline data only")),
    } as unknown as Vega.Loader,
  }));
  return renderer;
}

function assertInlineData(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) assertInlineData(item);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "data" && value && typeof value === "object" && "url" in value) {
        throw new ChartDataNotInline(String((value as { url: unknown }).url));
      }
      assertInlineData(value);
    }
  }
}

/**
 * Drops the tooltip encodings of a compiled vega spec's marks, nested groups included. A static
 * SVG shows no tooltips (vega's SVG renderer writes none), yet parsing their expressions is about
 * a third of a small chart's render time. The spec in the report keeps them for interactive views.
 */
function withoutTooltips(node: Vega.Spec | Vega.Mark): void {
  if (!("marks" in node) || !node.marks) return;
  for (const mark of node.marks) {
    for (const set of Object.values(mark.encode ?? {})) delete set?.tooltip;
    withoutTooltips(mark);
  }
}

/** Renders a vega-lite spec to an SVG string, without canvas or network. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  assertInlineData(spec);
  const { vega, compile, offlineLoader } = await loadRenderer();
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  withoutTooltips(compiled);
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    loader: offlineLoader,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
