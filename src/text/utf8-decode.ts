/**
 * decodeUtf8Units: the UTF-16 code units of a short run of WELL-FORMED UTF-8 bytes, decoded in
 * JavaScript — for hot paths that read one small text cell at a time out of a byte pool (a
 * name in the register's store, compared without a string of it: name-verdict.ts), where the
 * native decoder's per-call cost (argument checks, a call into C++, a Buffer view, a string)
 * exceeds the decoding itself.
 *
 *   bytes[start .. end)  ─► UTF-16 code units into the caller's Uint16Array
 *
 * Only the shortest (RFC 3629) forms of U+0000–U+FFFF except the surrogates are accepted, i.e.
 * sequences of 1–3 bytes:
 *   00–7F                      1 byte
 *   C2–DF 80–BF                2 bytes            (C0, C1 would be overlong)
 *   E0 A0–BF 80–BF             3 bytes            (E0 80–9F would be overlong)
 *   E1–EC | EE–EF 80–BF 80–BF  3 bytes
 *   ED 80–9F 80–BF             3 bytes            (ED A0–BF would encode a surrogate)
 * Anything else — a 4-byte sequence (a supplementary character), a stray continuation byte,
 * a truncated or overlong sequence — returns −1, and the caller uses the native decoder: this
 * function never guesses (the native decoder would write U+FFFD for invalid bytes; declining
 * keeps that decision with it). For accepted input the units are those of
 * `Buffer.prototype.toString('utf8', start, end)` (tested against it).
 *
 * Trade-off: a loop of table-free byte tests; values longer than the caller's array (callers
 * size it {@link MAX_DECODE_UNITS}) also return −1 (the native decoder is better there).
 */

/** Longest value decoded here, in UTF-16 code units (longer values: null). */
export const MAX_DECODE_UNITS = 256;

/**
 * Writes the UTF-16 code units of the well-formed UTF-8 bytes `bytes[start .. end)` (code
 * points ≤ U+FFFF) to `out[0 .. n)` and returns n, or −1 for input it leaves to the native
 * decoder or more than `out.length` units (see the file header). `0 ≤ start ≤ end ≤
 * bytes.length` is the caller's contract.
 */
export function decodeUtf8Units(bytes: Uint8Array, start: number, end: number, out: Uint16Array): number {
  const max = out.length;
  let n = 0;
  let i = start;
  while (i < end) {
    if (n === max) return -1;
    const b = bytes[i]!;
    if (b < 0x80) {
      out[n++] = b;
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      if (i + 1 >= end) return -1;
      const b1 = bytes[i + 1]!;
      // A continuation byte is 10xxxxxx: (b1 & 0xc0) === 0x80.
      if ((b1 & 0xc0) !== 0x80) return -1;
      // 110xxxxx 10yyyyyy → xxxxxyyyyyy
      out[n++] = ((b & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
      continue;
    }
    if (b >= 0xe0 && b <= 0xef) {
      if (i + 2 >= end) return -1;
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return -1;
      if (b === 0xe0 && b1 < 0xa0) return -1; // overlong (< U+0800)
      if (b === 0xed && b1 >= 0xa0) return -1; // a surrogate (U+D800–U+DFFF)
      // 1110xxxx 10yyyyyy 10zzzzzz → xxxxyyyyyyzzzzzz
      out[n++] = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      i += 3;
      continue;
    }
    return -1; // C0, C1, F0–FF, or a stray continuation byte (80–BF)
  }
  return n;
}
