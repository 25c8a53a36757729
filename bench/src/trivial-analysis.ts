import type { AssayClient } from "@assay/client";
import type { AnalysisRequest } from "@assay/contracts";

/** The "trivial analysis" of the queue and session benchmarks: a 20-row CSV and the query "summary". */
const TINY_CSV = `group,value\n${Array.from({ length: 20 }, (_, i) => `${i % 2 ? "a" : "b"},${i}`).join("\n")}\n`;

/** Uploads the tiny CSV into the session and returns the request that analyses it. */
export async function uploadTrivialAnalysis(
  client: AssayClient,
  sessionId: string,
): Promise<AnalysisRequest> {
  const dataset = await client.uploadDataset(sessionId, TINY_CSV, {
    name: "tiny.csv",
    contentType: "text/csv",
  });
  return { datasetId: dataset.id, query: "summary" };
}
