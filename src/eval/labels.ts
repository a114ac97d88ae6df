/**
 * Label helpers for the quality metrics: dense relabelling of arbitrary numeric cluster labels
 * and a stable counting sort of record indices by a dense key.
 *
 * Trade-off: typed arrays and one native numeric sort (O(n log n)) instead of a Map from label
 * to id — a JavaScript Map holds at most 2^24 entries, and evaluation must work on a whole
 * nation's records.
 */
import { KhopError } from '../errors.js';
import { invalidArgument } from '../util/arg-check.js';

/** Labels renumbered 0..count−1 in increasing order of the original value. */
export interface DenseLabels {
  /** ids[i] = rank of labels[i] among the distinct labels. */
  readonly ids: Uint32Array;
  /** Number of distinct labels. */
  readonly count: number;
  /** sizes[id] = number of records with that label. */
  readonly sizes: Uint32Array;
}

/**
 * Renumber `labels` densely. Every label must be a finite number (KhopError INVALID_ARGUMENT
 * naming `name` otherwise).
 */
/** Throw INVALID_ARGUMENT unless `labels` is an array or a typed array (of labels). */
export function checkLabels(fn: string, name: string, labels: unknown): void {
  if (!Array.isArray(labels) && !(ArrayBuffer.isView(labels) && !(labels instanceof DataView))) {
    throw invalidArgument(fn, name, 'an array of finite numbers', labels);
  }
}

export function denseLabels(labels: ArrayLike<number>, name: string): DenseLabels {
  const n = labels.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new KhopError('INVALID_ARGUMENT', `${name}[${i}] must be a finite number`);
    }
    values[i] = v;
  }
  const sorted = values.slice().sort();
  let count = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i];
  const ids = new Uint32Array(n);
  const sizes = new Uint32Array(count);
  for (let i = 0; i < n; i++) {
    // binary search of values[i] in sorted[0, count)
    const v = values[i];
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    ids[i] = lo;
    sizes[lo]++;
  }
  return { ids, count, sizes };
}

/**
 * Stable counting sort: returns `order` re-ordered by key[order[j]] (keys in [0, keyCount)).
 * O(n + keyCount) time, one Uint32Array of keyCount + 1 counters.
 */
export function countingSortBy(order: Uint32Array, key: Uint32Array, keyCount: number): Uint32Array<ArrayBuffer> {
  const n = order.length;
  const start = new Uint32Array(keyCount + 1);
  for (let j = 0; j < n; j++) start[key[order[j]] + 1]++;
  for (let k = 0; k < keyCount; k++) start[k + 1] += start[k];
  const out = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const i = order[j];
    out[start[key[i]]++] = i;
  }
  return out;
}

/** n·(n−1)/2: the number of unordered pairs among n items (exact below 2^53; 0 for n < 2). */
export function pairsOf(n: number): number {
  return n < 2 ? 0 : (n * (n - 1)) / 2;
}
