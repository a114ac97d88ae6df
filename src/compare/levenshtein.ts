/**
 * Levenshtein distance (a count of single-unit insertions, deletions and substitutions) on
 * code-unit spans, allocation-free.
 *
 * The Wagner–Fischer dynamic programme with one row: after stripping the common prefix and
 * suffix (which never changes the distance), row j holds the distance between the prefix of
 * `a` read so far and `b[0..j)`. Time O(|a|·|b|), memory O(min(|a|, |b|)) in a module-level
 * Int32Array (non-re-entrant, grown by doubling and kept).
 *
 * References: V. I. Levenshtein, "Binary codes capable of correcting deletions, insertions and
 * reversals", Soviet Physics Doklady 10 (1966) 707–710; R. A. Wagner and M. J. Fischer, "The
 * string-to-string correction problem", JACM 21 (1974) 168–173.
 *
 * Trade-off: the plain DP rather than Myers' bit-parallel algorithm — values compared here
 * are name parts and IDs of a few to a few dozen units, where the DP with prefix/suffix
 * stripping is already a handful of nanoseconds; a bounded question ("within k?") should use
 * `damerauLevenshteinWithin`, which exits early.
 */
import type { CodeUnits } from '../block/text-column.js';
import { ensureInt32 } from './spans.js';
import { assertString, unitsA, unitsB } from './string-units.js';

let row = new Int32Array(64); // non-re-entrant scratch: the one DP row

/** Levenshtein distance between `au[as..ae)` and `bu[bs..be)` (same encoding on both sides). */
export function levenshteinSpans(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): number {
  while (as < ae && bs < be && au[as] === bu[bs]) {
    as++;
    bs++;
  }
  while (as < ae && bs < be && au[ae - 1] === bu[be - 1]) {
    ae--;
    be--;
  }
  // Keep the row over the shorter span.
  if (ae - as < be - bs) {
    const tu = au; au = bu; bu = tu;
    const ts = as; as = bs; bs = ts;
    const te = ae; ae = be; be = te;
  }
  const la = ae - as;
  const lb = be - bs;
  if (lb === 0) return la;

  row = ensureInt32(row, lb + 1);
  const r = row;
  for (let j = 0; j <= lb; j++) r[j] = j;
  for (let i = 1; i <= la; i++) {
    const c = au[as + i - 1];
    let diag = r[0]!; // D[i-1][j-1]
    r[0] = i;
    for (let j = 1; j <= lb; j++) {
      const up = r[j]!; // D[i-1][j]
      let v = diag + (c === bu[bs + j - 1] ? 0 : 1);
      if (up + 1 < v) v = up + 1;
      if (r[j - 1]! + 1 < v) v = r[j - 1]! + 1;
      r[j] = v;
      diag = up;
    }
  }
  return r[lb]!;
}

/**
 * Levenshtein distance between two strings (UTF-16 code units): the number of single-unit
 * insertions, deletions and substitutions turning `a` into `b`. Throws KhopError
 * INVALID_ARGUMENT for a non-string.
 */
export function levenshteinDistance(a: string, b: string): number {
  assertString('levenshteinDistance', 'a', a);
  assertString('levenshteinDistance', 'b', b);
  return levenshteinSpans(unitsA(a), 0, a.length, unitsB(b), 0, b.length);
}
