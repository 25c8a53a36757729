import { distance } from "fastest-levenshtein";

/** Largest edit distance, as a share of the longer name, still taken as the same column. */
export const MAX_NORMALISED_DISTANCE = 0.3;

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\s_\-.]+/g, "");
}

function similar(phrase: string, column: string): boolean {
  if (phrase === column) return true;
  // Short names would match too much with any edit allowed.
  if (column.length < 5) return false;
  return distance(phrase, column) / Math.max(phrase.length, column.length) <= MAX_NORMALISED_DISTANCE;
}

/**
 * Columns named in a query, in the order they appear. Phrases of one to three words are compared
 * with every column name after normalising case, spacing and underscores; small typos are forgiven.
 */
export function matchColumns(query: string, columns: string[]): string[] {
  const words = query.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  const normalisedColumns = columns.map((name) => ({ name, key: normalise(name) }));
  const found: { name: string; position: number }[] = [];
  for (let start = 0; start < words.length; start++) {
    for (let length = 3; length >= 1; length--) {
      if (start + length > words.length) continue;
      const phrase = normalise(words.slice(start, start + length).join(" "));
      const match = normalisedColumns.find((c) => similar(phrase, c.key));
      if (match && !found.some((f) => f.name === match.name)) {
        found.push({ name: match.name, position: start });
        break;
      }
    }
  }
  return found.sort((a, b) => a.position - b.position).map((f) => f.name);
}
