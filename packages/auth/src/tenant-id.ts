import { z } from "zod";

/** A tenant's name: lower-case, safe inside a Redis key and a log line. */
export const TenantId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    "must be 1-64 of a-z, 0-9, '_' or '-', starting with a letter or digit",
  );
export type TenantId = z.infer<typeof TenantId>;
