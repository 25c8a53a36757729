import type { Dataset, DatasetFormat } from "@assay/contracts";
import { type SessionStore, type Storage, storageKeys } from "@assay/runtime";
import { DatasetLoadFailed } from "./errors.js";

export interface LocatedDataset {
  dataset: Dataset;
  /** Local file the pipeline thread reads. */
  path: string;
}

/**
 * Finds a session's dataset: its metadata in Redis and its file in storage. Reading the file is
 * the pipeline thread's work. A missing dataset is DatasetLoadFailed: a retry cannot make it appear.
 */
export async function locateDataset(
  sessions: SessionStore,
  storage: Storage,
  sessionId: string,
  datasetId: string,
): Promise<LocatedDataset> {
  const dataset = await sessions.dataset(sessionId, datasetId);
  if (!dataset) throw new DatasetLoadFailed(`dataset ${datasetId} is not in session ${sessionId}`);
  const extensions = await loadFormatExtensions();
  const key = storageKeys.dataset(sessionId, datasetId, extensions[dataset.format]);
  if ((await storage.size(key)) === undefined) {
    throw new DatasetLoadFailed(`the file of dataset ${datasetId} is missing from storage`);
  }
  return { dataset, path: await storage.localPath(key) };
}

/**
 * The file extension of each dataset format. @assay/datasets brings polars along, whose native
 * load blocks the event loop once for ~0.1-0.2 s: main.ts loads it after the first heartbeat,
 * while idle, so that pause never falls inside a job.
 */
export async function loadFormatExtensions(): Promise<Record<DatasetFormat, string>> {
  return (await import("@assay/datasets")).FORMAT_EXTENSION;
}
