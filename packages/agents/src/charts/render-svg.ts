import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Refuses every load: charts carry their data inline, and rendering must never touch the network. */
const offlineLoader = {
  ...vega.loader(),
  load: () => Promise.reject(new Error("charts render from inline data only")),
  sanitize: () => Promise.reject(new Error("charts render from inline data only")),
} as unknown as vega.Loader;

/** Renders a vega-lite spec to an SVG string, without canvas or network. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), {
    renderer: "none",
    loader: offlineLoader,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
