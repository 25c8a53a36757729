import type { PipelineOutput } from "@assay/agents";
import { ArtifactName, type ArtifactRef } from "@assay/contracts";
import { type JobStore, type Storage, storageKeys } from "@assay/runtime";

/**
 * Writes a job's artifacts, each atomically, each announced with `job:artifact` once it is
 * complete. A job's directory holds one attempt's set: `clear()` at attempt start drops what an
 * earlier attempt left, and report.json is written last so its presence means the set is whole.
 */
export class ArtifactWriter {
  private readonly written: ArtifactRef[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly jobs: JobStore,
    private readonly sessionId: string,
    private readonly jobId: string,
  ) {}

  async clear(): Promise<void> {
    await this.storage.deletePrefix(storageKeys.jobDir(this.sessionId, this.jobId));
  }

  async writeReport(files: PipelineOutput): Promise<ArtifactRef[]> {
    await this.write("report.md", "text/markdown; charset=utf-8", files.markdown);
    await this.write("report.html", "text/html; charset=utf-8", files.html);
    for (const chart of files.charts) {
      // The pipeline names charts (`chart-<id>.svg`/`.png`) as its markdown and html link them.
      await this.write(chart.name, "image/svg+xml", chart.svg);
      if (chart.png) await this.write(chart.png.name, "image/png", Buffer.from(chart.png.bytes));
    }
    await this.write("report.json", "application/json", JSON.stringify(files.report, null, 2));
    return [...this.written];
  }

  private async write(name: string, contentType: string, content: string | Buffer): Promise<void> {
    const artifactName = ArtifactName.parse(name);
    const { bytes } = await this.storage.write(
      storageKeys.artifact(this.sessionId, this.jobId, artifactName),
      content,
    );
    const ref = { name: artifactName, contentType, bytes };
    this.written.push(ref);
    await this.jobs.update(
      this.sessionId,
      this.jobId,
      {},
      { type: "job:artifact", sessionId: this.sessionId, jobId: this.jobId, ...ref },
    );
  }
}
