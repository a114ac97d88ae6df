/**
 * Terminal width of text, for the padded columns of stderr's mappings, summaries and tables:
 * `padEnd` counts UTF-16 units, so a column name written decomposed ("Họ tên" as o + U+0323)
 * or in a wide script pushed its arrow out of line with the others.
 *
 * A code point takes: none for a combining mark (Mn, Me) or a zero-width character (U+200B–
 * U+200F, U+2060, U+FEFF); two for an East Asian wide or fullwidth character (the common
 * blocks: Hangul Jamo, CJK, Hangul syllables, compatibility ideographs, fullwidth forms, the
 * emoji planes' pictographs, the supplementary ideographic planes); one otherwise. An
 * approximation of what terminals do (wcwidth), enough to keep khop's own lines aligned.
 */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200B-\u200F\u2060\uFEFF]$/u;

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Terminal columns `text` takes (see the file header). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x300) w++; // ASCII and Latin-1/Extended: one column, no test
    else if (ZERO_WIDTH.test(ch)) continue;
    else w += isWide(cp) ? 2 : 1;
  }
  return w;
}

/** `text` followed by spaces up to `width` columns (as String.prototype.padEnd, by display width). */
export function padEndDisplay(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** Spaces, then `text`, up to `width` columns (as String.prototype.padStart, by display width). */
export function padStartDisplay(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}
