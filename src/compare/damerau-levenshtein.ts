/**
 * Bounded optimal-string-alignment distance ("restricted Damerau–Levenshtein"): insertions,
 * deletions, substitutions and transpositions of two ADJACENT units each cost 1, and no
 * substring is edited twice. `damerauLevenshteinWithin(max, a, b)` answers "are a and b within
 * `max` edits?" and RETURNS THE DISTANCE WHEN IT IS ≤ max, OTHERWISE max + 1 — so
 * `damerauLevenshteinWithin(1, a, b) <= 1` is the test and the value says how close.
 *
 * Note OSA is not the unrestricted Damerau–Levenshtein distance: OSA("ca", "abc") = 3 (no
 * edit may touch the transposed pair again) whereas true DL = 2 (ca → ac → abc). OSA is what
 * typo models need (one slip = one edit) and runs in the same DP as Levenshtein.
 *
 * Algorithm: Ukkonen's band — only cells with |i − j| ≤ max can lie on a path of cost ≤ max
 * (every step that moves off the diagonal costs 1), so each DP row is computed on that band
 * only, cells outside it read as max + 1 ("too far"), and the loop stops as soon as a whole
 * band row exceeds max (costs never decrease along a path). Length difference > max exits
 * before any DP. Common prefix and suffix are stripped first (never changes the distance).
 * Time O(min(|a|,|b|) · (2·max + 1)); three Int32Array rows of module-level scratch
 * (non-re-entrant, grown by doubling and kept).
 *
 * References: F. J. Damerau, "A technique for computer detection and correction of spelling
 * errors", CACM 7 (1964) 171–176; E. Ukkonen, "Algorithms for approximate string matching",
 * Information and Control 64 (1985) 100–118; G. Navarro, "A guided tour to approximate string
 * matching", ACM Computing Surveys 33 (2001) 31–88 (OSA vs. true DL, §2).
 */
import type { CodeUnits } from '../block/text-column.js';
import { KhopError } from '../errors.js';
import { ensureInt32 } from './spans.js';
import { assertString, unitsA, unitsB } from './string-units.js';

/** Largest accepted `max` (keeps max + 1 and every DP cell a small int32). */
export const DAMERAU_MAX_LIMIT = 0x3fffffff;

// Non-re-entrant scratch: DP rows i−2, i−1 and i.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * OSA distance between `au[as..ae)` and `bu[bs..be)` if it is ≤ `max`, otherwise `max + 1`.
 * Precondition (not checked here — the hot path): `max` is an integer in 0..DAMERAU_MAX_LIMIT;
 * both spans use the same encoding.
 */
export function damerauLevenshteinWithinSpans(
  max: number, au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number,
): number {
  while (as < ae && bs < be && au[as] === bu[bs]) {
    as++;
    bs++;
  }
  while (as < ae && bs < be && au[ae - 1] === bu[be - 1]) {
    ae--;
    be--;
  }
  const la = ae - as;
  const lb = be - bs;
  const far = max + 1;
  const diff = la > lb ? la - lb : lb - la;
  if (diff > max) return far;
  if (la === 0) return lb; // lb ≤ max here
  if (lb === 0) return la;
  if (max === 1) {
    // After stripping, the spans' first units differ and so do their last units: one edit
    // covers them only as one substitution (1 × 1) or one adjacent transposition (2 × 2, ab/ba).
    if (la === 1 && lb === 1) return 1;
    if (la === 2 && lb === 2 && au[as] === bu[bs + 1] && au[as + 1] === bu[bs]) return 1;
    return far;
  }

  rowA = ensureInt32(rowA, lb + 1);
  rowB = ensureInt32(rowB, lb + 1);
  rowC = ensureInt32(rowC, lb + 1);
  let prev2 = rowA; // row i−2
  let prev = rowB; // row i−1
  let cur = rowC; // row i

  // Row 0: D[0][j] = j inside the band, "far" outside it.
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : far;

  for (let i = 1; i <= la; i++) {
    const lo = i - max > 1 ? i - max : 1;
    const hi = i + max < lb ? i + max : lb;
    // Column lo−1 is read as the left neighbour: D[i][0] = i when in band, else out of band.
    cur[lo - 1] = lo === 1 && i <= max ? i : far;
    let rowMin = cur[lo - 1]!;
    const ca = au[as + i - 1];
    const caPrev = i > 1 ? au[as + i - 2] : -1;
    for (let j = lo; j <= hi; j++) {
      const cb = bu[bs + j - 1];
      let v = prev[j - 1]! + (ca === cb ? 0 : 1); // match / substitution
      const del = prev[j]! + 1;
      if (del < v) v = del;
      const ins = cur[j - 1]! + 1;
      if (ins < v) v = ins;
      // Adjacent transposition: a[i-2..i) = b[j-1], b[j-2] crossed.
      if (i > 1 && j > 1 && ca === bu[bs + j - 2] && caPrev === cb) {
        const tr = prev2[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      if (v > far) v = far; // keep every cell ≤ max + 1
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // The next row reads column hi+1 of this row as its "up" neighbour: out of band.
    if (hi < lb) cur[hi + 1] = far;
    if (rowMin > max) return far;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[lb]!;
  return d > max ? far : d;
}

/**
 * Bounded OSA (restricted Damerau–Levenshtein) distance between two strings: returns the
 * distance when it is ≤ `max`, otherwise `max + 1`; stops early once `max` is exceeded.
 * Throws KhopError INVALID_ARGUMENT when `max` is not an integer in 0..DAMERAU_MAX_LIMIT or an
 * argument is not a string.
 */
export function damerauLevenshteinWithin(max: number, a: string, b: string): number {
  if (!Number.isInteger(max) || max < 0 || max > DAMERAU_MAX_LIMIT) {
    throw new KhopError('INVALID_ARGUMENT', `damerauLevenshteinWithin: 'max' must be an integer in 0..${DAMERAU_MAX_LIMIT}`);
  }
  assertString('damerauLevenshteinWithin', 'a', a);
  assertString('damerauLevenshteinWithin', 'b', b);
  return damerauLevenshteinWithinSpans(max, unitsA(a), 0, a.length, unitsB(b), 0, b.length);
}
