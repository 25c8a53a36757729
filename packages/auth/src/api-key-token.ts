import { ID_ALPHABET } from "@assay/contracts";
import { customAlphabet } from "nanoid";
import { z } from "zod";

const KEY_ID_LENGTH = 16;
/** 43 base62 characters are ~256 bits: too many to guess, so a fast hash would do; scrypt is defence in depth. */
const SECRET_LENGTH = 43;

export const ApiKeyId = z.string().regex(new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`), "must be a key id");
export type ApiKeyId = z.infer<typeof ApiKeyId>;

const TOKEN = new RegExp(`^ak_([0-9A-Za-z]{${KEY_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);
const newKeyId = customAlphabet(ID_ALPHABET, KEY_ID_LENGTH);
const newSecret = customAlphabet(ID_ALPHABET, SECRET_LENGTH);

/** A token `ak_<keyId>_<secret>`: the key id makes lookup O(1); only the secret's hash is stored. */
export interface ApiKeyToken {
  keyId: string;
  secret: string;
}

export function newApiKeyToken(): ApiKeyToken & { token: string } {
  const keyId = newKeyId();
  const secret = newSecret();
  return { keyId, secret, token: `ak_${keyId}_${secret}` };
}

/** Splits a presented token; undefined for anything that is not exactly a token's shape. */
export function parseApiKeyToken(token: string): ApiKeyToken | undefined {
  const match = TOKEN.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}
