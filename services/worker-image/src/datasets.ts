import type { Dataset } from "@assay/contracts";
import type { readDataset } from "@assay/datasets";
import { type SessionStore, type Storage, storageKeys } from "@assay/runtime";
import { DatasetLoadFailed } from "./errors.js";

export type DataFrame = Awaited<ReturnType<typeof readDataset>>;

export interface LoadedDataset {
  dataset: Dataset;
  df: DataFrame;
}

/**
 * Finds a session's dataset (metadata in Redis, file in storage) and reads it into memory.
 * Every failure becomes DatasetLoadFailed: retrying a job cannot make a missing or broken file load.
 */
export async function loadDataset(
  sessions: SessionStore,
  storage: Storage,
  sessionId: string,
  datasetId: string,
): Promise<LoadedDataset> {
  const dataset = await sessions.dataset(sessionId, datasetId);
  if (!dataset) throw new DatasetLoadFailed(`dataset ${datasetId} is not in session ${sessionId}`);
  // polars and the dataset readers are heavy: load them with the first job, not at start.
  const { FORMAT_EXTENSION, readDataset } = await import("@assay/datasets");
  const key = storageKeys.dataset(sessionId, datasetId, FORMAT_EXTENSION[dataset.format]);
  if ((await storage.size(key)) === undefined) {
    throw new DatasetLoadFailed(`the file of dataset ${datasetId} is missing from storage`);
  }
  try {
    const df = await readDataset(await storage.localPath(key), dataset.format);
    return { dataset, df };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetLoadFailed(`dataset ${datasetId} could not be read: ${reason}`, error);
  }
}
