import { ErrorBody } from "@assay/contracts";

/** An error answer of the api, with its code, or a transport failure (status 0). */
export class AssayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "AssayApiError";
  }

  static async fromResponse(response: Response): Promise<AssayApiError> {
    const text = await response.text().catch(() => "");
    try {
      const { error } = ErrorBody.parse(JSON.parse(text));
      return new AssayApiError(response.status, error.code, error.message, error.requestId);
    } catch {
      return new AssayApiError(response.status, "HTTP_ERROR", text.slice(0, 500) || response.statusText);
    }
  }
}
