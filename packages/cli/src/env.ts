import { z } from "zod";
import { UsageError } from "./exit-codes.js";

const CliEnv = z.object({
  API_URL: z.url().default("http://127.0.0.1:8080"),
  ASSAY_API_KEY: z.string().min(1).optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

/** The CLI's environment, read once; a bad value is a usage error. */
export function parseCliEnv(source: NodeJS.ProcessEnv): CliEnv {
  const parsed = CliEnv.safeParse({
    API_URL: source.API_URL || undefined,
    ASSAY_API_KEY: source.ASSAY_API_KEY || undefined,
  });
  if (!parsed.success) {
    throw new UsageError(`API_URL must be a URL like http://127.0.0.1:8080 (got '${source.API_URL}')`);
  }
  return parsed.data;
}
