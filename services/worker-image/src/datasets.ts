import type { Dataset } from "@assay/contracts";
// The polars-free subpath: polars is loaded on the pipeline thread only, never on the main one.
import { FORMAT_EXTENSION } from "@assay/datasets/formats";
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
  const key = storageKeys.dataset(sessionId, datasetId, FORMAT_EXTENSION[dataset.format]);
  if ((await storage.size(key)) === undefined) {
    throw new DatasetLoadFailed(`the file of dataset ${datasetId} is missing from storage`);
  }
  return { dataset, path: await storage.localPath(key) };
}
