/**
 * Character classes shared by the normaliser, the folder and the ID cleaner, as plain
 * code-unit range tests (no regex, no tables): whitespace, invisible format characters, and
 * the combining-mark blocks that attach to Latin letters.
 *
 * The sets are part of the normalisation contract: what normalizeText strips, foldToAscii
 * must drop; what normalizeText turns into a space, foldToAscii must treat as a separator.
 *
 * Reference: Unicode Character Database, PropList.txt (White_Space), Blocks.txt (Combining
 * Diacritical Marks and its Extended / Supplement / for Symbols / Half Marks blocks).
 */

/** Unicode White_Space (other than ASCII, handled inline). */
export function isUnicodeSpace(c: number): boolean {
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Invisible format characters stripped by normalisation (besides C0/C1 controls). */
export function isInvisible(c: number): boolean {
  return (
    c === 0xad || c === 0x061c || c === 0x180e || (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206f) ||
    c === 0xfeff
  );
}

/** True for combining marks in the blocks that attach to Latin letters. */
export function isLatinCombiningMark(c: number): boolean {
  return (
    (c >= 0x0300 && c <= 0x036f) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    (c >= 0xfe20 && c <= 0xfe2f)
  );
}
