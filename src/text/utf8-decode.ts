/**
 * decodeUtf8: the JavaScript string of a short run of WELL-FORMED UTF-8 bytes, decoded in
 * JavaScript — for hot paths that read one small text cell at a time out of a byte pool
 * (a name in the register's store), where the native decoder's per-call cost (argument checks,
 * a call into C++, a Buffer view) exceeds the decoding itself.
 *
 *   bytes[start .. end)  ─► UTF-16 code units in a module-level scratch ─► String.fromCharCode
 *
 * Only the shortest (RFC 3629) forms of U+0000–U+FFFF except the surrogates are accepted, i.e.
 * sequences of 1–3 bytes:
 *   00–7F                      1 byte
 *   C2–DF 80–BF                2 bytes            (C0, C1 would be overlong)
 *   E0 A0–BF 80–BF             3 bytes            (E0 80–9F would be overlong)
 *   E1–EC | EE–EF 80–BF 80–BF  3 bytes
 *   ED 80–9F 80–BF             3 bytes            (ED A0–BF would encode a surrogate)
 * Anything else — a 4-byte sequence (a supplementary character), a stray continuation byte,
 * a truncated or overlong sequence — returns null, and the caller uses the native decoder: this
 * function never guesses (the native decoder would write U+FFFD for invalid bytes; returning
 * null keeps that decision with it). For accepted input the result equals
 * `Buffer.prototype.toString('utf8', start, end)` (tested against it).
 *
 * Trade-off: a loop of table-free byte tests and one string made of the units (unitsToString)
 * per call; values longer than {@link MAX_DECODE_UNITS} code units also return null (the native
 * decoder is better there, and the scratch stays small). Not re-entrant (module scratch; calls no user code).
 */

import { unitsToString } from '../util/code-units.js';

/** Longest value decoded here, in UTF-16 code units (longer values: null). */
export const MAX_DECODE_UNITS = 256;

const scratch = new Uint16Array(MAX_DECODE_UNITS);

/**
 * The string of the well-formed UTF-8 bytes `bytes[start .. end)` of code points ≤ U+FFFF,
 * or null (see the file header). `0 ≤ start ≤ end ≤ bytes.length` is the caller's contract.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | null {
  const n = decodeUtf8Units(bytes, start, end, scratch);
  return n < 0 ? null : unitsToString(scratch, n);
}

/**
 * decodeUtf8 into code units: writes the UTF-16 code units of `bytes[start .. end)` to
 * `out[0 .. n)` and returns n, or −1 where decodeUtf8 returns null (input it leaves to the
 * native decoder, or more than `out.length` units) — for a caller that reads the units
 * without making a string (the register's name comparison, name-verdict.ts).
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
