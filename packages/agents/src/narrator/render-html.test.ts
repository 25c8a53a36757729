import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { runPipeline } from "../pipeline.js";

const SCRIPT_NAME = "<script>alert(1)</script>";
const JS_URL = "javascript:alert(document.cookie)";

async function hostileReport() {
  const df = pl.DataFrame({
    [SCRIPT_NAME]: [1, 2, 3, 4, 5, 6, 7, 8],
    link: [JS_URL, JS_URL, JS_URL, "x", "y", JS_URL, JS_URL, JS_URL],
    '"quoted" & <b>bold</b>': ["a", "b", "a", "b", "a", "b", "a", "b"],
  });
  return runPipeline(
    {
      df,
      sessionId: `ses_${"a".repeat(24)}`,
      jobId: `job_${"b".repeat(24)}`,
      datasetId: `ds_${"c".repeat(24)}`,
      datasetName: "<img src=x onerror=alert(1)>.csv",
      query: `What about ${SCRIPT_NAME} and [click](${JS_URL})?`,
      options: { llm: "off", alpha: 0.05 },
    },
    { onProgress: () => {}, onLog: () => {}, signal: new AbortController().signal },
  );
}

describe("renderHtml and renderMarkdown escape dataset-derived text", () => {
  it("renders a <script> column name, a javascript: value and a hostile query as text", async () => {
    const { html, markdown, report } = await hostileReport();
    expect(report.profile.columnProfiles[0]?.name).toBe(SCRIPT_NAME);
    expect(html).not.toContain(SCRIPT_NAME);
    expect(html).not.toMatch(/<script|<img src=x|<b>bold/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain(JS_URL); // shown as the top value, as text
    expect(html).toContain("Content-Security-Policy");

    expect(markdown).not.toContain(SCRIPT_NAME);
    expect(markdown).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markdown).not.toContain(`[click](${JS_URL})`);
  });
});
