import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { AppError } from "@assay/contracts";
import busboy from "busboy";

export interface MultipartFile {
  stream: Readable;
  /** The client's file name, for display and extension only. */
  fileName: string | undefined;
}

const FILE_FIELD = "file";

/** Resolves with the `file` field of a multipart upload as a stream; other parts are discarded. */
export function receiveMultipartFile(req: IncomingMessage, maxBytes: number): Promise<MultipartFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One byte over the limit lets the size meter, not busboy's silent truncation, decide.
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fileSize: maxBytes + 1 } });
    } catch (error) {
      return reject(new AppError("BAD_REQUEST", `malformed multipart request: ${(error as Error).message}`));
    }
    let found = false;
    parser.on("file", (field, stream, info) => {
      if (field !== FILE_FIELD || found) {
        stream.resume();
        return;
      }
      found = true;
      resolve({ stream, fileName: info.filename });
    });
    parser.on("error", (error: Error) => {
      reject(new AppError("BAD_REQUEST", `malformed multipart request: ${error.message}`));
    });
    parser.on("close", () => {
      if (!found) reject(new AppError("BAD_REQUEST", `multipart field '${FILE_FIELD}' is missing`));
    });
    req.pipe(parser);
  });
}
