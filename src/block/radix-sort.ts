/**
 * Radix sort of (hi, lo, id) triples by the unsigned 64-bit key hi·2^32 + lo, stable.
 *
 * Algorithm: least-significant-digit radix sort (Knuth, TAOCP vol. 3, §5.2.5; the counting
 * pass is Seward's "counting sort"), six passes of 11/11/10-bit digits per 32-bit half:
 *
 *   lo: bits 0–10 │ 11–21 │ 22–31      hi: bits 0–10 │ 11–21 │ 22–31
 *       pass 1     pass 2   pass 3         pass 4     pass 5   pass 6
 *
 * Trade-off: 11-bit digits (2,048 buckets) keep the scatter targets of one pass
 * (3 arrays × 2,048 write heads) inside L2, where 16-bit digits (4 passes) would thrash it and
 * 8-bit digits would need 8 passes. Digits never straddle the two halves, so every digit is one
 * shift and one mask of a Uint32. All six histograms are counted in ONE read pass; a pass whose
 * digit is the same for every element is skipped (small inputs, or keys with constant bits —
 * e.g. group ids below 2^22 have three constant high-digit passes).
 *
 * Large inputs (≥ 2^16 triples) go MSD-first: one pass on the top bits of hi (up to 11) splits
 * the input into buckets of a few thousand or more, and each bucket is finished by LSD passes
 * while it sits in cache — six passes over main memory become two (cache-conscious
 * partitioning before local sorting, as studied by Polychroniou & Ross, "A comprehensive study
 * of main-memory partitioning and its application to large-scale comparison- and radix-sort",
 * SIGMOD 2014). Hash keys are uniform, so the buckets are even; skewed keys (small group ids)
 * fall into few buckets and simply get the full LSD treatment there.
 *
 * Stability means equal keys keep their input order: rows are pushed in ascending row id, so
 * every block of the CSR lists its rows in ascending order with no extra work.
 *
 * Memory: the caller provides the scratch arrays (same length as the input); the result lands
 * in either the input or the scratch set — `radixSort64` returns which one.
 */

/** The three parallel arrays of a sort. */
export interface KeyTriples {
  hi: Uint32Array;
  lo: Uint32Array;
  ids: Uint32Array;
}

const DIGIT_BITS = [11, 11, 10, 11, 11, 10] as const;
const DIGIT_SHIFT = [0, 11, 22, 0, 11, 22] as const;
const BUCKETS = 2048;

/** Below this size an insertion sort beats six counting passes. */
const INSERTION_THRESHOLD = 48;

/** Above this size the MSD-first variant wins: its in-bucket passes run inside the cache. */
const MSD_THRESHOLD = 1 << 16;

/**
 * Sort the first `n` triples of `data` by (hi, lo) unsigned, stably, using `scratch` (arrays of
 * length ≥ n) as the second buffer. Returns the set holding the sorted triples (either `data`
 * or `scratch`); the other set holds garbage afterwards. `msdBits` (1..11) forces the MSD-first
 * path with that many bucket bits (a tuning / test knob; default: automatic).
 */
export function radixSort64(data: KeyTriples, scratch: KeyTriples, n: number, msdBits?: number): KeyTriples {
  if (n <= INSERTION_THRESHOLD) {
    insertionSort(data.hi, data.lo, data.ids, 0, n);
    return data;
  }
  if (msdBits !== undefined || n >= MSD_THRESHOLD) {
    msdThenLsd(data, scratch, n, msdBits ?? msdBucketBits(n));
    return data;
  }
  return lsdRange(data, scratch, 0, n, 6);
}

/**
 * LSD passes over [from, to) of the two sets, on the first `passes` digits (6 = the whole key,
 * 5 = all but hi bits 22–31). Returns the set holding the sorted range.
 */
function lsdRange(data: KeyTriples, scratch: KeyTriples, from: number, to: number, passes: number): KeyTriples {
  const n = to - from;
  // One read pass fills all histograms: counts[pass * BUCKETS + digit].
  const counts = lsdCounts;
  counts.fill(0);
  const hi = data.hi;
  const lo = data.lo;
  for (let i = from; i < to; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    counts[l & 0x7ff]!++;
    counts[BUCKETS + ((l >>> 11) & 0x7ff)]!++;
    counts[2 * BUCKETS + (l >>> 22)]!++;
    counts[3 * BUCKETS + (h & 0x7ff)]!++;
    counts[4 * BUCKETS + ((h >>> 11) & 0x7ff)]!++;
    counts[5 * BUCKETS + (h >>> 22)]!++;
  }
  let src = data;
  let dst = scratch;
  const offs = lsdOffsets;
  for (let pass = 0; pass < passes; pass++) {
    const base = pass * BUCKETS;
    const size = 1 << DIGIT_BITS[pass]!;
    // Skip a pass whose digit is constant: it would copy the range unchanged.
    let constant = false;
    for (let d = 0; d < size; d++) {
      const c = counts[base + d]!;
      if (c === n) constant = true;
      if (c !== 0) break;
    }
    if (constant) continue;
    // Exclusive prefix sums: offs[d] = from + number of elements with a smaller digit.
    let sum = from;
    for (let d = 0; d < size; d++) {
      offs[d] = sum;
      sum += counts[base + d]!;
    }
    scatter(src, dst, from, to, offs, pass < 3, DIGIT_SHIFT[pass]!, size - 1);
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/**
 * Large inputs: one MSD counting pass on the top b bits of hi (2^b buckets, b ≤ 11, chosen so
 * a bucket holds ~4,096 triples or more) from `data` into `scratch`; then each bucket, small
 * enough for L2 (~50k triples, 1.2 MB with its scratch, at 10^8 keys), gets the LSD passes
 * locally and lands back in `data`: lo 0–10, 11–21, 22–31, hi 0–10, 11–21, plus hi 22–31 when
 * b < 11 (bits already fixed by the bucket are constant inside it, which is harmless). Main
 * memory is crossed about twice instead of six times; the bucket size keeps the per-bucket
 * histogram work (≈ 2·10^4 operations) small against the bucket's own passes.
 */
function msdThenLsd(data: KeyTriples, scratch: KeyTriples, n: number, bits: number): void {
  const size = 1 << bits;
  const shift = 32 - bits;
  const passes = bucketPasses(bits);
  const counts = new Uint32Array(size);
  const hi = data.hi;
  for (let i = 0; i < n; i++) counts[hi[i]! >>> shift]!++;
  const starts = new Uint32Array(size + 1);
  let sum = 0;
  for (let d = 0; d < size; d++) {
    starts[d] = sum;
    sum += counts[d]!;
  }
  starts[size] = n;
  const offs = starts.slice(0, size);
  scatter(data, scratch, 0, n, offs, false, shift, size - 1);
  for (let d = 0; d < size; d++) sortBucket(scratch, data, starts[d]!, starts[d + 1]!, passes, data);
}

/**
 * The in-bucket step of the MSD-first sort: sort [from, to) of `src` by (hi, lo), stably,
 * with `other` as the second buffer, and leave the sorted range in `into` (either `src` or
 * `other`; at most one in-cache copy of the range). `passes`: the LSD digits to sort on (5 when
 * the bucket already fixes hi bits 22–31, else 6). Used by the pool's parallel index build
 * (src/pool/parallel-index.ts), whose tasks each sort a group of buckets.
 */
export function sortBucket(src: KeyTriples, other: KeyTriples, from: number, to: number, passes: number, into: KeyTriples): void {
  const m = to - from;
  if (m <= 0) return;
  let where: KeyTriples;
  if (m <= INSERTION_THRESHOLD) {
    insertionSort(src.hi, src.lo, src.ids, from, to);
    where = src;
  } else {
    where = lsdRange(src, other, from, to, passes);
  }
  if (where !== into) {
    into.hi.set(where.hi.subarray(from, to), from);
    into.lo.set(where.lo.subarray(from, to), from);
    into.ids.set(where.ids.subarray(from, to), from);
  }
}

/**
 * Bucket bits of the MSD-first pass for n triples: ⌊log2 n⌋ − 12 clamped to 1..11, so a bucket
 * holds ~4,096 triples or more (and at most 2,048 buckets).
 */
export function msdBucketBits(n: number): number {
  return Math.min(11, Math.max(1, Math.floor(Math.log2(Math.max(2, n))) - 12));
}

/** LSD passes left inside a bucket of `bits` MSD bits (5 when the bucket fixes hi bits 22–31). */
export function bucketPasses(bits: number): number {
  return bits === 11 ? 5 : 6;
}

/** The plain six-pass LSD sort at every size (for benchmarks against the MSD-first path). */
export function radixSort64Lsd(data: KeyTriples, scratch: KeyTriples, n: number): KeyTriples {
  return n <= INSERTION_THRESHOLD ? (insertionSort(data.hi, data.lo, data.ids, 0, n), data) : lsdRange(data, scratch, 0, n, 6);
}

// Scratch of lsdRange (module-level, reused: radixSort64 is not re-entrant, and never calls out).
const lsdCounts = new Uint32Array(6 * BUCKETS);
const lsdOffsets = new Uint32Array(BUCKETS);

function scatter(src: KeyTriples, dst: KeyTriples, from: number, to: number, offs: Uint32Array, byLo: boolean, shift: number, mask: number): void {
  const sh = src.hi;
  const sl = src.lo;
  const si = src.ids;
  const dh = dst.hi;
  const dl = dst.lo;
  const di = dst.ids;
  const key = byLo ? sl : sh;
  for (let i = from; i < to; i++) {
    const d = (key[i]! >>> shift) & mask;
    const p = offs[d]!;
    offs[d] = p + 1;
    dh[p] = sh[i]!;
    dl[p] = sl[i]!;
    di[p] = si[i]!;
  }
}

/** Stable insertion sort of [from, to) by (hi, lo) unsigned. */
export function insertionSort(hi: Uint32Array, lo: Uint32Array, ids: Uint32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const h = hi[i]!;
    const l = lo[i]!;
    const id = ids[i]!;
    let j = i - 1;
    // Uint32Array elements read as non-negative numbers, so < compares unsigned.
    while (j >= from && (hi[j]! > h || (hi[j] === h && lo[j]! > l))) {
      hi[j + 1] = hi[j]!;
      lo[j + 1] = lo[j]!;
      ids[j + 1] = ids[j]!;
      j--;
    }
    hi[j + 1] = h;
    lo[j + 1] = l;
    ids[j + 1] = id;
  }
}

/** Allocate a triple set of `n` elements (SharedArrayBuffer-backed when `shared`). */
export function allocTriples(n: number, shared: boolean): KeyTriples {
  const mk = (): Uint32Array => (shared ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n));
  return { hi: mk(), lo: mk(), ids: mk() };
}
