/**
 * Clusters from scored pairs: rows joined by any pair whose match weight reaches the
 * threshold end up in one cluster (connected components, single linkage), and every row gets
 * its cluster's representative: the member whose USER RECORD ID is smallest.
 *
 * Stable ids. The representative depends only on the cluster's members, not on the order of
 * pairs, the union–find tree shape or the run: re-running the same data gives the same ids,
 * and appending rows (with larger user ids) that join or form clusters without merging two
 * existing ones leaves every existing cluster's id unchanged. The order of user ids is given
 * by `rank` (rank[row] orders the user ids, e.g. their position in a sorted id list); by
 * default the row index itself (rows appended at the end keep old ids stable). Equal ranks are
 * broken by the row index, so the result is always deterministic.
 *
 * Memory: beyond the union–find (5 bytes per row) only the output array; the representative
 * of each root is collected in the output itself in a first pass, then copied to every row.
 */
import { KhopError } from '../errors.js';
import { UnionFind } from './union-find.js';

/** Options of {@link clusterPairs}. */
export interface ClusterOptions {
  /**
   * rank[row] orders the rows' user record ids (smaller rank = smaller id); length ≥ n.
   * Default: the row index.
   */
  readonly rank?: Uint32Array;
  /**
   * Cannot-link constraint: `key[row]` is a value that identifies one entity (e.g. a national ID
   * number as a number; NaN = none). Two clusters whose keys differ are never merged, unless
   * `vouched[pair]` is 1 (the pair's own comparison says the two keys belong together, e.g.
   * one digit typed wrong). With a constraint, pairs are merged in descending weight order
   * (ties by pair index), so the strongest evidence claims a keyless record first.
   */
  readonly conflict?: { readonly key: Float64Array; readonly vouched?: Uint8Array };
}

/** Pairs above the threshold that a cannot-link constraint kept apart (set by clusterPairs). */
export interface ClusterConflicts {
  skippedPairs: number;
}

/** One bar of the cluster-size histogram. */
export interface ClusterSizeCount {
  /** Cluster size (rows). */
  readonly size: number;
  /** Number of clusters of that size. */
  readonly count: number;
}

const NONE = 0xffffffff;

/**
 * Cluster n rows from `count` pairs (left[i], right[i]) with match weights weights[i] (bits):
 * pairs with weight ≥ threshold link their rows. Returns, per row, the row index of its
 * cluster's representative (smallest rank, then smallest row). Deterministic.
 * @throws KhopError INVALID_ARGUMENT on bad shapes, a row out of range, a NaN weight or threshold.
 */
export function clusterPairs(
  n: number,
  left: Uint32Array,
  right: Uint32Array,
  weights: Float64Array,
  count: number,
  threshold: number,
  options: ClusterOptions = {},
  conflicts: ClusterConflicts = { skippedPairs: 0 },
): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xfffffffe) throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: n must be an integer in 0..2^32−2');
  if (!Number.isInteger(count) || count < 0) throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: count must be an integer ≥ 0');
  if (!(left instanceof Uint32Array) || !(right instanceof Uint32Array) || left.length < count || right.length < count) {
    throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: left and right must be Uint32Arrays of length ≥ count');
  }
  if (!(weights instanceof Float64Array) || weights.length < count) {
    throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: weights must be a Float64Array of length ≥ count');
  }
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: threshold must be a number');
  const rank = options.rank;
  if (rank !== undefined && (!(rank instanceof Uint32Array) || rank.length < n)) {
    throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: rank must be a Uint32Array of length ≥ n');
  }

  const uf = new UnionFind(n);
  if (options.conflict !== undefined) {
    unionWithConstraint(uf, n, left, right, weights, count, threshold, options.conflict, conflicts);
  } else for (let i = 0; i < count; i++) {
    const w = weights[i]!;
    if (w >= threshold) {
      const a = left[i]!;
      const b = right[i]!;
      if (a >= n || b >= n) throw new KhopError('INVALID_ARGUMENT', `clusterPairs: pair ${i} names a row ≥ n`, { details: { pair: i } });
      uf.union(a, b);
    } else if (w !== w) {
      throw new KhopError('INVALID_ARGUMENT', `clusterPairs: weight of pair ${i} is NaN`, { details: { pair: i } });
    }
  }

  const out = new Uint32Array(n).fill(NONE);
  // Pass 1: out[root] = best member of the root's set. Rows are visited in increasing order,
  // so without `rank` the first member seen is the smallest row and is kept.
  for (let r = 0; r < n; r++) {
    const root = uf.find(r);
    const best = out[root]!;
    if (best === NONE) out[root] = r;
    else if (rank !== undefined && rank[r]! < rank[best]!) out[root] = r;
  }
  // Pass 2: every row takes its root's best member. Only root slots were written in pass 1,
  // and a root's slot is rewritten with its own value, so later reads stay correct.
  for (let r = 0; r < n; r++) out[r] = out[uf.find(r)]!;
  return out;
}

/**
 * Cluster-size histogram of a representative array (as returned by {@link clusterPairs}):
 * how many clusters have each size, sorted by size. Singletons count as clusters of size 1.
 */
export function clusterSizeHistogram(representative: Uint32Array): ClusterSizeCount[] {
  if (!(representative instanceof Uint32Array)) throw new KhopError('INVALID_ARGUMENT', 'clusterSizeHistogram: representative must be a Uint32Array');
  const n = representative.length;
  const sizes = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const rep = representative[r]!;
    if (rep >= n) throw new KhopError('INVALID_ARGUMENT', `clusterSizeHistogram: row ${r} has a representative ≥ n`);
    sizes[rep]!++;
  }
  const bySize = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const s = sizes[r]!;
    if (s !== 0) bySize.set(s, (bySize.get(s) ?? 0) + 1);
  }
  return [...bySize.entries()].sort((a, b) => a[0] - b[0]).map(([size, count]) => ({ size, count }));
}

/** Union of the above-threshold pairs under a cannot-link key (see ClusterOptions.conflict). */
function unionWithConstraint(
  uf: UnionFind,
  n: number,
  left: Uint32Array,
  right: Uint32Array,
  weights: Float64Array,
  count: number,
  threshold: number,
  conflict: { readonly key: Float64Array; readonly vouched?: Uint8Array },
  out: ClusterConflicts,
): void {
  const { key, vouched } = conflict;
  if (!(key instanceof Float64Array) || key.length < n) throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: conflict.key must be a Float64Array of length ≥ n');
  if (vouched !== undefined && (!(vouched instanceof Uint8Array) || vouched.length < count)) {
    throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: conflict.vouched must be a Uint8Array of length ≥ count');
  }
  let m = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i]!;
    if (w !== w) throw new KhopError('INVALID_ARGUMENT', `clusterPairs: weight of pair ${i} is NaN`, { details: { pair: i } });
    if (w >= threshold) m++;
  }
  const order = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < count; i++) if (weights[i]! >= threshold) order[m++] = i;
  // Descending weight, ties by pair index: a deterministic order.
  const sorted = Array.from(order).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const rootKey = Float64Array.from(key.subarray(0, n));
  for (const i of sorted) {
    const a = left[i]!;
    const b = right[i]!;
    if (a >= n || b >= n) throw new KhopError('INVALID_ARGUMENT', `clusterPairs: pair ${i} names a row ≥ n`, { details: { pair: i } });
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) continue;
    const ka = rootKey[ra]!;
    const kb = rootKey[rb]!;
    // NaN !== NaN, so test "both keyed" explicitly.
    if (ka === ka && kb === kb && ka !== kb && (vouched === undefined || vouched[i] !== 1)) {
      out.skippedPairs++;
      continue;
    }
    uf.union(a, b);
    rootKey[uf.find(a)] = ka === ka ? ka : kb;
  }
}
