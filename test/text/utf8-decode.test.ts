import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DECODE_UNITS, decodeUtf8Units } from '../../src/text/utf8-decode.js';

/** decodeUtf8Units' answer as a string (null for its −1), into an array of MAX_DECODE_UNITS units as its callers size it. */
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | null {
  const out = new Uint16Array(MAX_DECODE_UNITS);
  const n = decodeUtf8Units(bytes, start, end, out);
  return n < 0 ? null : String.fromCharCode(...out.subarray(0, n));
}

/** The native decoder's answer for bytes[start..end). */
function native(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end);
}

/** Is the text made of code points ≤ U+FFFF, without lone surrogates? */
function bmpWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

describe('decodeUtf8Units into MAX_DECODE_UNITS units', () => {
  it('known answers: ASCII, Vietnamese, 2- and 3-byte forms, spans inside a pool', () => {
    const pool = new Uint8Array(Buffer.from('xxNguyễn Văn Ányy€\u0800\uffff'));
    expect(decodeUtf8(pool, 2, 2)).toBe('');
    expect(decodeUtf8(pool, 0, 2)).toBe('xx');
    const names = Buffer.from('Nguyễn Văn Án').length;
    expect(decodeUtf8(pool, 2, 2 + names)).toBe('Nguyễn Văn Án');
    expect(decodeUtf8(pool, 0, pool.length)).toBe('xxNguyễn Văn Ányy€\u0800\uffff');
  });

  it('equals the native decoder on the UTF-8 of any BMP text without surrogates, and on every BMP code point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 3 }), (s, pad) => {
        const bytes = new Uint8Array(Buffer.from(pad + s + pad));
        const start = Buffer.byteLength(pad);
        const end = start + Buffer.byteLength(s);
        const d = decodeUtf8(bytes, start, end);
        if (bmpWellFormed(s) && s.length <= MAX_DECODE_UNITS) expect(d).toBe(native(bytes, start, end));
        else expect(d).toBeNull(); // a supplementary character (4 bytes) or U+FFFD's source: left to the native decoder
      }),
      { seed: 17, numRuns: 5000 },
    );
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const bytes = new Uint8Array(Buffer.from(String.fromCharCode(c)));
      expect(decodeUtf8(bytes, 0, bytes.length)).toBe(String.fromCharCode(c));
    }
  });

  it('returns null for every byte string that is not well-formed 1–3-byte UTF-8 (never a guess), else the native answer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const d = decodeUtf8(bytes, 0, bytes.length);
        const n = native(bytes, 0, bytes.length);
        const wellFormed = Buffer.from(n).equals(Buffer.from(bytes)) && bmpWellFormed(n);
        if (wellFormed) expect(d).toBe(n);
        else expect(d).toBeNull();
      }),
      { seed: 18, numRuns: 20000 },
    );
    for (const bad of [[0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xc3], [0xe1, 0x80], [0xff]]) {
      expect(decodeUtf8(new Uint8Array(bad), 0, bad.length)).toBeNull();
    }
  });

  it('values longer than MAX_DECODE_UNITS are left to the native decoder', () => {
    const long = new Uint8Array(Buffer.from('a'.repeat(MAX_DECODE_UNITS + 1)));
    expect(decodeUtf8(long, 0, long.length)).toBeNull();
    expect(decodeUtf8(long, 0, MAX_DECODE_UNITS)).toBe('a'.repeat(MAX_DECODE_UNITS));
  });
});

describe('decodeUtf8Units into a short array', () => {
  it('a shorter array declines what does not fit and otherwise holds the same units (property)', () => {
    const out = new Uint16Array(8);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        out.fill(0xffff);
        const n = decodeUtf8Units(bytes, start, end, out);
        const d = decodeUtf8(bytes, start, end);
        // More units than `out` holds is a decline too (8 here).
        if (d === null || d.length > out.length) expect(n).toBe(-1);
        else expect(String.fromCharCode(...out.subarray(0, n))).toBe(d);
      }),
      { seed: 19, numRuns: 20000 },
    );
    const vi = new Uint8Array(Buffer.from('xĐặng Thị Àx'));
    const units = new Uint16Array(MAX_DECODE_UNITS);
    const n = decodeUtf8Units(vi, 1, vi.length - 1, units);
    expect(String.fromCharCode(...units.subarray(0, n))).toBe('Đặng Thị À');
  });
});
