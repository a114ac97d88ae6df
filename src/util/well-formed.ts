/**
 * Whether a string is well-formed UTF-16 (String.prototype.isWellFormed, ES2024, written out
 * for the ES2023 library this package targets): no lone surrogate. A lone surrogate is not
 * text — it has no UTF-8 form — so a value kept exactly (a record id stored as UTF-8) cannot
 * hold one; text that is normalised drops it instead (src/text/normalize.ts).
 */
export function isWellFormedText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false; // a low surrogate with no high one before it
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (d < 0xdc00 || d > 0xdfff) return false;
    i++;
  }
  return true;
}
