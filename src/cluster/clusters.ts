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
 *
 * Average-linkage guard (option `averageLinkage`): single linkage chains — one pair between two
 * namesakes joins their whole clusters, and every pair across them counts as a match. With the
 * guard, pairs at or above the threshold are taken strongest first (as with a cannot-link key),
 * and a pair merges two clusters only when the given pairs between them (those below the
 * threshold too) agree: their mean match probability reaches `averageLinkage.least` — the
 * agglomerative average-linkage criterion (as dedupe.io's hierarchical clustering uses) — or at
 * least half of them reach it themselves. Pairs never scored (not candidates) do not count. The
 * second test keeps a merge that the mean alone would refuse for a lack of evidence rather than
 * evidence against: a record with no ID and only the year of birth matches one of two
 * records of its person (p 0.82) and not the other, whose province is missing (p 0.08; 1M
 * synthetic population). A pair the guard refuses is counted in
 * `ClusterConflicts.averageLinkagePairs`. Cost: an adjacency of the evidence pairs (4 bytes a
 * row + 8 a pair), a ring of members and a size per row (8 bytes a row); each merge test walks
 * the smaller cluster's pairs, so the whole is O(pairs · log rows) at worst.
 */
import { KhopError } from '../errors.js';
import { probabilityOfWeight, weightOfProbability } from '../score/probability.js';
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
   * one digit typed wrong): the cluster then holds both keys, and a later pair is kept out only
   * when the two clusters share no key. With a constraint, pairs are merged in descending weight order
   * (ties by the rows' ranks, then pair index), so the strongest evidence claims a keyless record first.
   */
  readonly conflict?: { readonly key: Float64Array; readonly vouched?: Uint8Array };
  /**
   * Average-linkage guard (see the file header). `least`: the mean match probability, over the
   * given pairs between two clusters, at which a pair at or above the threshold merges them — or
   * that half of those pairs reach (in [0, 1]; 0 = single linkage, merged in descending weight
   * order). `floor`: given pairs of a lower probability are not evidence (in [0, 1]; default 0:
   * every pair is). The pairs below the threshold are its evidence too: pass them. Default:
   * none (single linkage).
   */
  readonly averageLinkage?: { readonly least: number; readonly floor?: number };
}

/** Pairs above the threshold that a cannot-link constraint kept apart (set by clusterPairs). */
export interface ClusterConflicts {
  skippedPairs: number;
  /** Pairs above the threshold that the average-linkage guard kept apart (when it is on). */
  averageLinkagePairs?: number;
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

  const guard = options.averageLinkage;
  if (guard !== undefined) {
    const isProbability = (p: unknown) => typeof p === 'number' && p >= 0 && p <= 1;
    if (guard === null || typeof guard !== 'object' || !isProbability(guard.least) || (guard.floor !== undefined && !isProbability(guard.floor))) {
      throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: averageLinkage must be { least, floor? } with probabilities in [0, 1]');
    }
  }

  const uf = new UnionFind(n);
  if (options.conflict !== undefined || guard !== undefined) {
    unionOrdered(uf, n, left, right, weights, count, threshold, options.conflict, guard, conflicts, rank);
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

/**
 * Union of the above-threshold pairs in descending weight order (ties by their rows' ranks), under a
 * cannot-link key (ClusterOptions.conflict) and / or the average-linkage guard.
 */
function unionOrdered(
  uf: UnionFind,
  n: number,
  left: Uint32Array,
  right: Uint32Array,
  weights: Float64Array,
  count: number,
  threshold: number,
  conflict: { readonly key: Float64Array; readonly vouched?: Uint8Array } | undefined,
  guard: { readonly least: number; readonly floor?: number } | undefined,
  out: ClusterConflicts,
  rank: Uint32Array | undefined,
): void {
  const key = conflict?.key;
  const vouched = conflict?.vouched;
  if (conflict !== undefined && (!(key instanceof Float64Array) || key.length < n)) {
    throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: conflict.key must be a Float64Array of length ≥ n');
  }
  if (vouched !== undefined && (!(vouched instanceof Uint8Array) || vouched.length < count)) {
    throw new KhopError('INVALID_ARGUMENT', 'clusterPairs: conflict.vouched must be a Uint8Array of length ≥ count');
  }
  let m = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i]!;
    if (w !== w) throw new KhopError('INVALID_ARGUMENT', `clusterPairs: weight of pair ${i} is NaN`, { details: { pair: i } });
    // Rows of pairs below the threshold are read only as the guard's evidence.
    if ((w >= threshold || guard !== undefined) && (left[i]! >= n || right[i]! >= n)) {
      throw new KhopError('INVALID_ARGUMENT', `clusterPairs: pair ${i} names a row ≥ n`, { details: { pair: i } });
    }
    if (w >= threshold) m++;
  }
  const order = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < count; i++) if (weights[i]! >= threshold) order[m++] = i;
  // Descending weight; ties by the pair's rows in user-id order (`rank`, else row index) — the
  // smaller of its two ranks, then the larger — so that rows given in another order, scored
  // alike, merge alike (pair order follows row order); then by pair index: deterministic.
  const at = rank ?? null;
  const lo = (i: number): number => (at === null ? Math.min(left[i]!, right[i]!) : Math.min(at[left[i]!]!, at[right[i]!]!));
  const hi = (i: number): number => (at === null ? Math.max(left[i]!, right[i]!) : Math.max(at[left[i]!]!, at[right[i]!]!));
  const sorted = Array.from(order).sort((a, b) => weights[b]! - weights[a]! || lo(a) - lo(b) || hi(a) - hi(b) || a - b);
  const keys = key !== undefined ? new ClusterKeys(key, n) : undefined;
  const linkage = guard !== undefined ? new Linkage(n, left, right, weights, count, guard.floor ?? 0) : undefined;
  if (linkage !== undefined) out.averageLinkagePairs ??= 0;
  for (const i of sorted) {
    const a = left[i]!;
    const b = right[i]!;
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) continue;
    if (keys !== undefined && (vouched === undefined || vouched[i] !== 1) && keys.apart(ra, rb)) {
      out.skippedPairs++;
      continue;
    }
    if (linkage !== undefined && !linkage.agrees(uf, ra, rb, guard!.least)) {
      out.averageLinkagePairs = (out.averageLinkagePairs ?? 0) + 1;
      continue;
    }
    uf.union(a, b);
    const r = uf.find(a);
    keys?.merged(ra, rb, r);
    linkage?.merged(ra, rb, r);
  }
}

/**
 * The cannot-link keys of each cluster, by root. A cluster holds one key, or none — or, once a
 * vouched pair (one ID typed wrong) has joined two keyed clusters, every key of both: X and its
 * typo Y are one person's, and a later pair reaching either is not kept apart, whichever of the
 * two rows the vouched pair named first (keeping one key — the pair's left row's — made the
 * clusters depend on how a pair was oriented, i.e. on the input order). Two keyed clusters are
 * kept apart when they share no key.
 */
class ClusterKeys {
  /** root → its key (NaN: none); for a cluster of several keys, one of them. */
  private readonly first: Float64Array;
  /** root → all its keys, for the clusters a vouched pair joined with two or more. */
  private readonly sets = new Map<number, Set<number>>();

  constructor(key: Float64Array, n: number) {
    this.first = Float64Array.from(key.subarray(0, n));
  }

  /** True when both clusters are keyed and share no key. */
  apart(ra: number, rb: number): boolean {
    const ka = this.first[ra]!;
    const kb = this.first[rb]!;
    // NaN !== NaN, so test "both keyed" explicitly.
    if (ka !== ka || kb !== kb || ka === kb) return false;
    const sa = this.sets.get(ra);
    const sb = this.sets.get(rb);
    if (sa === undefined && sb === undefined) return true;
    if (sa === undefined) return !sb!.has(ka);
    if (sb === undefined) return !sa.has(kb);
    // The smaller set against the larger: O(min) a check.
    const [small, large] = sa.size <= sb.size ? [sa, sb] : [sb, sa];
    for (const k of small) if (large.has(k)) return false;
    return true;
  }

  /** Clusters ra and rb became one, rooted at r: it holds the keys of both. */
  merged(ra: number, rb: number, r: number): void {
    const ka = this.first[ra]!;
    const kb = this.first[rb]!;
    const sa = this.sets.get(ra);
    const sb = this.sets.get(rb);
    this.sets.delete(ra);
    this.sets.delete(rb);
    if (ka !== ka || kb !== kb || (ka === kb && sa === undefined && sb === undefined)) {
      // At most one side keyed, or both the one same key: r keeps the keyed side's keys.
      const keyed = ka === ka;
      this.first[r] = keyed ? ka : kb;
      const set = keyed ? sa : sb;
      if (set !== undefined) this.sets.set(r, set);
      return;
    }
    // Both keyed: the union, the smaller added into the larger (each key moves O(log n) times).
    let large = sa ?? new Set([ka]);
    let small = sb ?? new Set([kb]);
    if (large.size < small.size) [large, small] = [small, large];
    for (const k of small) large.add(k);
    this.first[r] = ka;
    if (large.size > 1) this.sets.set(r, large);
  }
}

/**
 * The average-linkage guard's state: every evidence pair (probability ≥ the floor) listed under
 * both of its rows (CSR), the members of each cluster as a ring (next), and each root's size.
 */
class Linkage {
  private readonly start: Uint32Array;
  private readonly pairs: Uint32Array;
  private readonly next: Uint32Array;
  private readonly size: Uint32Array;

  constructor(
    n: number,
    private readonly left: Uint32Array,
    private readonly right: Uint32Array,
    private readonly weights: Float64Array,
    count: number,
    floor: number,
  ) {
    const floorWeight = floor <= 0 ? -Infinity : weightOfProbability(floor);
    const start = new Uint32Array(n + 1);
    let m = 0;
    for (let i = 0; i < count; i++) {
      if (!(weights[i]! >= floorWeight)) continue;
      start[left[i]! + 1]!++;
      start[right[i]! + 1]!++;
      m++;
    }
    for (let r = 0; r < n; r++) start[r + 1]! += start[r]!;
    const fill = start.slice(0, n);
    const pairs = new Uint32Array(2 * m);
    for (let i = 0; i < count; i++) {
      if (!(weights[i]! >= floorWeight)) continue;
      pairs[fill[left[i]!]!++] = i;
      pairs[fill[right[i]!]!++] = i;
    }
    this.start = start;
    this.pairs = pairs;
    this.next = new Uint32Array(n);
    for (let r = 0; r < n; r++) this.next[r] = r;
    this.size = new Uint32Array(n).fill(1);
  }

  /**
   * Whether the evidence pairs between clusters `ra` and `rb` (roots) agree with merging them:
   * their mean match probability is at least `least`, or at least half of them reach `least`
   * themselves. Walks the smaller cluster's members and their pairs.
   */
  agrees(uf: UnionFind, ra: number, rb: number, least: number): boolean {
    const { start, pairs, next, left, right, weights } = this;
    const small = this.size[ra]! <= this.size[rb]! ? ra : rb;
    const big = small === ra ? rb : ra;
    let sum = 0;
    let k = 0;
    let reaching = 0;
    let x = small;
    do {
      for (let e = start[x]!, end = start[x + 1]!; e < end; e++) {
        const j = pairs[e]!;
        const y = left[j] === x ? right[j]! : left[j]!;
        if (uf.find(y) === big) {
          const p = probabilityOfWeight(weights[j]!);
          sum += p;
          if (p >= least) reaching++;
          k++;
        }
      }
      x = next[x]!;
    } while (x !== small);
    // No evidence pair between them (a threshold below the floor): nothing speaks against it.
    return k === 0 || sum >= least * k || 2 * reaching >= k;
  }

  /** Clusters `ra` and `rb` were merged into root `r`: one ring, one size. */
  merged(ra: number, rb: number, r: number): void {
    const { next, size } = this;
    const t = next[ra]!;
    next[ra] = next[rb]!;
    next[rb] = t;
    size[r] = size[ra]! + size[rb]!;
  }
}
