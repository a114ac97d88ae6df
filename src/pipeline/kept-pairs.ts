/**
 * KeptPairs: what scoring leaves for clustering and the result of dedupe / link — the
 * candidate pairs whose match weight is at or above the pair floor (their rows, weight and
 * comparison levels, in the order they were scored), and counts over EVERY scored pair: how
 * many, how many at or above the match threshold, and the weight histogram.
 *
 *   scored pairs, window by window ─► add(): histogram, matched count, copy of the kept ones
 *                                  ─► clustering (pairs ≥ threshold; the floor ≤ threshold, so
 *                                     every pair clustering would use is kept, in the same
 *                                     relative order) and the result's pairs / explain
 *
 * Why: clustering and the result only ever read the pairs at or above the floor, so the
 * per-pair columns of all candidates (pairs, levels, weights: ~24 bytes a pair) need not
 * outlive scoring — and with a given model they never exist whole (match.ts scores the
 * candidate stream window by window). The kept pairs are usually a small share of the
 * candidates (matches plus near-misses).
 *
 * Trade-off: columns grow by doubling (a kept pair is copied at most once on average);
 * `trim()` gives exact-size columns at the end.
 */

/**
 * When the candidates are streamed (a given model, or streamed training), they are compared and
 * scored in windows of this many pairs (4M: ~70 MB of pair, level and weight columns for 8
 * comparisons) — the candidates are never held whole.
 */
export const SCORE_WINDOW_PAIRS = 1 << 22;

/**
 * Training streams the candidates (read three times, compared twice — all for the evidence, the
 * kept ones for their levels — never held) instead of holding them
 * (pair, levels, weight: 16 + K bytes each) when their columns would take more than this —
 * estimated before any pair is made from the block sizes (pairs within every rule's blocks, an
 * upper bound). Results do not depend on it; memory and time do (BENCHMARKS.md, score-stream).
 */
export const STREAM_TRAINING_MIN_BYTES = 2 * 2 ** 30;

/** The weight histogram of every scored pair: bins of HIST_BIN_WIDTH bits from HIST_BIN_START. */
export const HIST_BIN_START = -40;
export const HIST_BIN_WIDTH = 2;
export const HIST_BINS = 50;

export class KeptPairs {
  /** Kept pairs. */
  count = 0;
  /** Pairs scored (kept or not). */
  scored = 0;
  /** Scored pairs with weight ≥ the threshold weight. */
  matched = 0;
  left: Uint32Array;
  right: Uint32Array;
  weights: Float64Array;
  /** Per comparison, the level of each kept pair. */
  levels: Uint8Array[];
  /** Scored pairs per weight bin (see HIST_*); out-of-range weights go to the first or last bin. */
  readonly histogram: number[] = new Array<number>(HIST_BINS).fill(0);

  /**
   * @param comparisons  number of comparisons (level columns)
   * @param floorWeight  pairs with weight ≥ this are kept (−Infinity: all)
   * @param thresholdWeight  pairs with weight ≥ this count as matched
   */
  constructor(
    comparisons: number,
    private readonly floorWeight: number,
    private readonly thresholdWeight: number,
    capacity = 1024,
  ) {
    this.left = new Uint32Array(capacity);
    this.right = new Uint32Array(capacity);
    this.weights = new Float64Array(capacity);
    this.levels = Array.from({ length: comparisons }, () => new Uint8Array(capacity));
  }

  /** Scored pairs 0 … n−1 of these columns: counted, and copied when at or above the floor. */
  add(left: Uint32Array, right: Uint32Array, weights: Float64Array, levels: readonly Uint8Array[], n: number): void {
    this.tally(weights, n);
    this.keep(left, right, weights, levels, n);
  }

  /** Whether a pair of this weight is kept (at or above the floor). */
  keeps(weight: number): boolean {
    return weight >= this.floorWeight;
  }

  /**
   * Count scored pairs 0 … n−1 by weight (scored, matched, histogram) without keeping any: with
   * `keep`, what `add` does, for a caller that compares only the pairs it keeps.
   */
  tally(weights: Float64Array, n: number): void {
    const hist = this.histogram;
    for (let p = 0; p < n; p++) {
      const w = weights[p]!;
      if (w >= this.thresholdWeight) this.matched++;
      const bin = Math.min(HIST_BINS - 1, Math.max(0, Math.floor((w - HIST_BIN_START) / HIST_BIN_WIDTH)));
      hist[bin]!++;
    }
    this.scored += n;
  }

  /** Copy pairs 0 … n−1 at or above the floor (not counted: see `tally`). */
  keep(left: Uint32Array, right: Uint32Array, weights: Float64Array, levels: readonly Uint8Array[], n: number): void {
    const K = this.levels.length;
    for (let p = 0; p < n; p++) {
      const w = weights[p]!;
      if (!(w >= this.floorWeight)) continue;
      if (this.count === this.left.length) this.resize(this.count * 2);
      const j = this.count++;
      this.left[j] = left[p]!;
      this.right[j] = right[p]!;
      this.weights[j] = w;
      for (let k = 0; k < K; k++) this.levels[k]![j] = levels[k]![p]!;
    }
  }

  /**
   * Drop the kept pairs whose weight is below `weight` (the others keep their order): after
   * clustering, the pairs kept only as the average-linkage guard's evidence (match.ts).
   */
  dropBelow(weight: number): void {
    const K = this.levels.length;
    let j = 0;
    for (let p = 0; p < this.count; p++) {
      const w = this.weights[p]!;
      if (!(w >= weight)) continue;
      if (j !== p) {
        this.left[j] = this.left[p]!;
        this.right[j] = this.right[p]!;
        this.weights[j] = w;
        for (let k = 0; k < K; k++) this.levels[k]![j] = this.levels[k]![p]!;
      }
      j++;
    }
    this.count = j;
    this.trim();
  }

  /** Shrink the columns to max(1, count) slots. */
  trim(): void {
    const size = Math.max(1, this.count);
    if (this.left.length !== size) this.resize(size);
  }

  private resize(cap: number): void {
    const n = this.count;
    const grow = <T extends Uint32Array | Float64Array | Uint8Array>(a: T, make: (c: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, n) as never);
      return b;
    };
    this.left = grow(this.left, (c) => new Uint32Array(c));
    this.right = grow(this.right, (c) => new Uint32Array(c));
    this.weights = grow(this.weights, (c) => new Float64Array(c));
    this.levels = this.levels.map((l) => grow(l, (c) => new Uint8Array(c)));
  }
}
