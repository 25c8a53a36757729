/** Latencies past this land in the last bucket (they are reported as "≥ this"). */
const MAX_MS = 120_000;

/**
 * Whole-millisecond latency counts: a million deliveries a second cost one array increment each
 * instead of a growing array of numbers, and the client processes ship their counts, not their
 * samples. Percentiles match `percentile()` in stats.ts on the same (integer) samples.
 */
export class LatencyHistogram {
  readonly counts = new Uint32Array(MAX_MS + 1);
  total = 0;

  record(ms: number): void {
    this.counts[ms <= 0 ? 0 : ms >= MAX_MS ? MAX_MS : Math.round(ms)]!++;
    this.total++;
  }

  /** Non-zero buckets as [ms, count] pairs, to send to another process. */
  toPairs(): [number, number][] {
    const pairs: [number, number][] = [];
    for (let ms = 0; ms <= MAX_MS; ms++) if (this.counts[ms]) pairs.push([ms, this.counts[ms]!]);
    return pairs;
  }

  addPairs(pairs: readonly (readonly [number, number])[]): void {
    for (const [ms, count] of pairs) {
      this.counts[ms]! += count;
      this.total += count;
    }
  }

  /** numpy's default (linear between closest ranks), p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = (Math.min(100, Math.max(0, p)) / 100) * (this.total - 1);
    const low = this.valueAtRank(Math.floor(rank));
    const high = this.valueAtRank(Math.ceil(rank));
    return low + (high - low) * (rank - Math.floor(rank));
  }

  /** The sample at 0-based `rank` in sorted order. */
  private valueAtRank(rank: number): number {
    let seen = 0;
    for (let ms = 0; ms <= MAX_MS; ms++) {
      seen += this.counts[ms]!;
      if (seen > rank) return ms;
    }
    return MAX_MS;
  }
}
