import { z } from "zod";

/** Random part of every id: 24 chars of [0-9A-Za-z] is ~143 bits, unguessable. */
export const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const ID_RANDOM_LENGTH = 24;

const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{${ID_RANDOM_LENGTH}}$`), `must be a ${prefix}_ id`);

export const SessionId = idOf("ses");
export type SessionId = z.infer<typeof SessionId>;
export const DatasetId = idOf("ds");
export type DatasetId = z.infer<typeof DatasetId>;
export const JobId = idOf("job");
export type JobId = z.infer<typeof JobId>;

/** Artifact names are plain file names chosen by the worker; never a path. */
export const ArtifactName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be a plain file name")
  .refine((name) => !name.includes(".."), "must not contain '..'");
export type ArtifactName = z.infer<typeof ArtifactName>;
