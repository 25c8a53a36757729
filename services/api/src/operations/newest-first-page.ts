import { ValidationFailed } from "@assay/contracts";
import type { Redis } from "@assay/runtime";

export interface Page {
  members: string[];
  nextCursor: string | null;
}

interface Position {
  score: number;
  member: string;
}

/**
 * One page of a sorted set, highest score first, after an opaque cursor (the last item's score and
 * member). Members added meanwhile never shift a page: the cursor is a position, not an offset.
 */
export async function newestFirstPage(
  redis: Redis,
  key: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const picked: Position[] = [];
  let offset = 0;
  while (picked.length <= limit) {
    const batch = await redis.zrange(
      key,
      after ? String(after.score) : "+inf",
      "-inf",
      "BYSCORE",
      "REV",
      "LIMIT",
      offset,
      limit + 1,
      "WITHSCORES",
    );
    if (batch.length === 0) break;
    offset += batch.length / 2;
    for (let i = 0; i < batch.length; i += 2) {
      const position = { member: batch[i]!, score: Number(batch[i + 1]) };
      // Equal scores come in reverse member order: skip those at or before the cursor.
      if (after && position.score === after.score && position.member >= after.member) continue;
      picked.push(position);
    }
  }
  const page = picked.slice(0, limit);
  const last = page.at(-1);
  return {
    members: page.map((position) => position.member),
    nextCursor: picked.length > limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor({ score, member }: Position): string {
  return Buffer.from(`${score}:${member}`).toString("base64url");
}

function decodeCursor(cursor: string): Position {
  const match = /^(\d{1,16}):([0-9A-Za-z_/]{1,100})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match)
    throw new ValidationFailed("invalid cursor: pass the nextCursor of the previous page", [
      { path: "cursor", message: "invalid" },
    ]);
  return { score: Number(match[1]), member: match[2]! };
}
