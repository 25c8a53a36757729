import type { PipelineOutput } from "@assay/agents";
import { ArtifactName, type ArtifactRef } from "@assay/contracts";
import { type EventLog, type Redis, type Storage, storageKeys } from "@assay/runtime";

interface ArtifactFile {
  name: string;
  contentType: string;
  content: string | Buffer;
}

/**
 * Writes a job's artifacts, each atomically, and announces them with one `job:artifact` each once
 * all are complete. A job's directory holds one attempt's set: `clear()` at attempt start drops
 * what an earlier attempt left, and report.json is written last so its presence means the set is whole.
 */
export class ArtifactWriter {
  constructor(
    private readonly storage: Storage,
    private readonly redis: Redis,
    private readonly events: EventLog,
    private readonly sessionId: string,
    private readonly jobId: string,
  ) {}

  async clear(): Promise<void> {
    await this.storage.deletePrefix(storageKeys.jobDir(this.sessionId, this.jobId));
  }

  async writeReport(files: PipelineOutput): Promise<ArtifactRef[]> {
    const parts: ArtifactFile[] = [
      { name: "report.md", contentType: "text/markdown; charset=utf-8", content: files.markdown },
      { name: "report.html", contentType: "text/html; charset=utf-8", content: files.html },
    ];
    for (const chart of files.charts) {
      // The pipeline names charts (`chart-<id>.svg`/`.png`) as its markdown and html link them.
      parts.push({ name: chart.name, contentType: "image/svg+xml", content: chart.svg });
      if (chart.png)
        parts.push({ name: chart.png.name, contentType: "image/png", content: Buffer.from(chart.png.bytes) });
    }
    // The files are independent: written side by side, report.json after all of them.
    const refs = await Promise.all(parts.map((part) => this.write(part)));
    refs.push(
      await this.write({
        name: "report.json",
        contentType: "application/json",
        content: JSON.stringify(files.report, null, 2),
      }),
    );
    await this.announce(refs);
    return refs;
  }

  private async write({ name, contentType, content }: ArtifactFile): Promise<ArtifactRef> {
    const artifactName = ArtifactName.parse(name);
    const { bytes } = await this.storage.write(
      storageKeys.artifact(this.sessionId, this.jobId, artifactName),
      content,
    );
    return { name: artifactName, contentType, bytes };
  }

  /** Every event in one transaction: one round trip, however many charts. */
  private async announce(refs: ArtifactRef[]): Promise<void> {
    const batch = this.redis.multi();
    for (const ref of refs)
      this.events.appendTo(batch, {
        type: "job:artifact",
        sessionId: this.sessionId,
        jobId: this.jobId,
        ...ref,
      });
    const results = await batch.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
}
