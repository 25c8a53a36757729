import { AppError } from "@assay/contracts";

export class UnsupportedMediaType extends AppError {
  constructor(message: string) {
    super("UNSUPPORTED_MEDIA_TYPE", message);
  }
}

export class EmptyDataset extends AppError {
  constructor(message = "the dataset has no rows or no columns") {
    super("EMPTY_DATASET", message);
  }
}

export class DatasetUnparseable extends AppError {
  constructor(reason: string, cause?: unknown) {
    super("DATASET_UNPARSEABLE", `the dataset could not be parsed: ${reason}`, { cause });
  }
}
