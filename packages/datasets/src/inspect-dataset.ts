import { stat } from "node:fs/promises";
import type { DatasetColumn, DatasetFormat } from "@assay/contracts";
import { columnTypeOf, dtypeName } from "./column-type.js";
import { EmptyDataset } from "./errors.js";
import { pl } from "./polars.js";
import { withDatasetScan } from "./read-dataset.js";

export interface DatasetShape {
  rows: number;
  columns: DatasetColumn[];
}

/**
 * Counts rows and types columns without holding the data: the schema comes from the scan, and a
 * streaming pass that parses every value (null counts) proves the whole file reads with it.
 */
export async function inspectDataset(filePath: string, format: DatasetFormat): Promise<DatasetShape> {
  if ((await stat(filePath)).size === 0) throw new EmptyDataset("the dataset is empty");
  const shape = await withDatasetScan(filePath, format, async (scan) => {
    const schema = scan.limit(0).collectSync();
    const columns = schema.columns.map((name, index) => {
      const dtype = schema.dtypes[index]!;
      return { name, type: columnTypeOf(dtype), dtype: dtypeName(dtype) };
    });
    if (columns.length === 0) return { rows: 0, columns };
    await scan.select(pl.all().nullCount()).collect({ streaming: true });
    const length = await scan.select(pl.len().alias("rows")).collect();
    return { rows: Number(length.getColumn("rows").get(0)), columns };
  });
  if (shape.rows === 0 || shape.columns.length === 0) throw new EmptyDataset();
  return shape;
}
