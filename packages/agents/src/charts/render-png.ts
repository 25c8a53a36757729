import { Resvg } from "@resvg/resvg-js";

/** Scale of the PNG against the SVG's own size: sharp on high-density screens, still small files. */
const PNG_ZOOM = 2;

/** An SVG chart as PNG bytes, for Markdown viewers that show images from files only. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: PNG_ZOOM },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}
