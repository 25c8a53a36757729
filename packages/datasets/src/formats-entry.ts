/**
 * `@assay/datasets/formats`: format detection without nodejs-polars, whose native addon costs a
 * process ~37 MB of RSS at import. The api needs only this at start and loads the reader lazily.
 */
export { detectFormat, HEAD_BYTES, readHead } from "./detect-format.js";
export { DatasetUnparseable, EmptyDataset, UnsupportedMediaType } from "./errors.js";
export { FORMAT_EXTENSION, formatFromFileName } from "./formats.js";
