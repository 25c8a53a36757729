import { createRequire } from "node:module";
import type polars from "nodejs-polars";

/**
 * nodejs-polars, loaded with require. Importing the CommonJS package from ESM makes Node lex
 * every file it re-exports to find named exports: ~70 ms of CPU at each process start.
 * Use `import { pl } from "@assay/datasets"` (values and types alike) on paths where start-up counts.
 */
export const pl: typeof polars = createRequire(import.meta.url)("nodejs-polars");

/** The types of `import pl from "nodejs-polars"` under the same name. */
export declare namespace pl {
  type DataFrame = polars.DataFrame;
  type LazyDataFrame = polars.LazyDataFrame;
  type Series = polars.Series;
  type Expr = polars.Expr;
  type DataType = polars.DataType;
}
