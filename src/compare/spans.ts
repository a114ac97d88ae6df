/**
 * Small allocation-free primitives on code-unit spans shared by the comparators: equality,
 * token counting and token search. Internal to src/compare.
 *
 * A span is `(units, start, end)` with `end` exclusive (see src/block/text-column.ts). A token
 * is a maximal run of units other than the ASCII space (32); runs of spaces and leading or
 * trailing spaces are tolerated everywhere, although folded values never contain them.
 */
import type { CodeUnits } from '../block/text-column.js';

/** ASCII space, the only token separator in folded and normalised text. */
export const SPACE = 32;

/** True when both spans hold the same unit sequence. */
export function spanEquals(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = as, j = bs; i < ae; i++, j++) if (au[i] !== bu[j]) return false;
  return true;
}

/** Number of space-separated tokens in the span (0 for an empty or all-space span). */
export function countTokens(u: CodeUnits, s: number, e: number): number {
  let n = 0;
  let inToken = false;
  for (let i = s; i < e; i++) {
    const isSpace = u[i] === SPACE;
    if (!isSpace && !inToken) n++;
    inToken = !isSpace;
  }
  return n;
}

/** Index of the first unit of token `k` (0-based) at or after `s`, or -1 when there are ≤ k tokens. */
export function tokenStart(u: CodeUnits, s: number, e: number, k: number): number {
  let n = -1;
  let inToken = false;
  for (let i = s; i < e; i++) {
    const isSpace = u[i] === SPACE;
    if (!isSpace && !inToken) {
      n++;
      if (n === k) return i;
    }
    inToken = !isSpace;
  }
  return -1;
}

/** Index one past the end of the token starting at `i`. */
export function tokenEnd(u: CodeUnits, i: number, e: number): number {
  while (i < e && u[i] !== SPACE) i++;
  return i;
}

/**
 * True when the needle span occurs in the haystack span aligned on token boundaries (it starts
 * at a token start and ends at a token end). A multi-token needle must appear with the same
 * single spaces between its tokens. An empty needle never occurs.
 */
export function containsTokens(hu: CodeUnits, hs: number, he: number, nu: CodeUnits, ns: number, ne: number): boolean {
  const len = ne - ns;
  if (len <= 0) return false;
  let i = hs;
  while (i < he) {
    while (i < he && hu[i] === SPACE) i++; // i = next token start (or he)
    if (he - i < len) return false;
    let k = 0;
    while (k < len && hu[i + k] === nu[ns + k]) k++;
    if (k === len && (i + len === he || hu[i + len] === SPACE)) return true;
    i = tokenEnd(hu, i, he);
  }
  return false;
}

/** Grow a scratch array to at least `n` elements (doubling), keeping it when large enough. */
export function ensureInt32(buf: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (buf.length >= n) return buf;
  let size = buf.length * 2;
  while (size < n) size *= 2;
  return new Int32Array(size);
}

/** Grow a scratch array to at least `n` elements (doubling), keeping it when large enough. */
export function ensureUint8(buf: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (buf.length >= n) return buf;
  let size = buf.length * 2;
  while (size < n) size *= 2;
  return new Uint8Array(size);
}

/** Grow a scratch array to at least `n` elements (doubling), keeping it when large enough. */
export function ensureUint16(buf: Uint16Array<ArrayBuffer>, n: number): Uint16Array<ArrayBuffer> {
  if (buf.length >= n) return buf;
  let size = buf.length * 2;
  while (size < n) size *= 2;
  return new Uint16Array(size);
}
