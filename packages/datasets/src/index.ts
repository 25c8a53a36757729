export { columnTypeOf, dtypeName } from "./column-type.js";
export { detectFormat, HEAD_BYTES, readHead } from "./detect-format.js";
export { DatasetUnparseable, EmptyDataset, UnsupportedMediaType } from "./errors.js";
export { FORMAT_EXTENSION, formatFromFileName } from "./formats.js";
export { type DatasetShape, inspectDataset } from "./inspect-dataset.js";
export { pl } from "./polars.js";
export {
  polarsReason,
  readDataset,
  type SchemaInference,
  scanDataset,
  withDatasetScan,
} from "./read-dataset.js";
