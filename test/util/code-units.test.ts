import { describe, expect, it } from 'vitest';
import { asciiBytesToString, ensureCapacity, scratchBuffer, unitsToString } from '../../src/util/code-units.js';
import { Rng } from '../../src/util/rng.js';

function randomAscii(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x20 + rng.int(95));
  return s;
}

describe('asciiBytesToString', () => {
  it('decodes a range of a Buffer and of a plain Uint8Array, short and long (chunked)', () => {
    const rng = new Rng(3);
    for (const n of [0, 1, 20, 4096, 4097, 10_000]) {
      const text = randomAscii(rng, n);
      const plain = new Uint8Array(n + 5);
      const buf = scratchBuffer(n + 5);
      for (let i = 0; i < n; i++) plain[i] = buf[i] = text.charCodeAt(i);
      plain[n] = buf[n] = 0x41; // a byte past the length is not decoded
      expect(asciiBytesToString(plain, n)).toBe(text);
      expect(asciiBytesToString(buf, n)).toBe(text);
      // A range that starts past 0: bytes[start .. start + length).
      const start = Math.min(n, 3);
      expect(asciiBytesToString(plain, n - start, start)).toBe(text.slice(start));
      expect(asciiBytesToString(buf, n - start, start)).toBe(text.slice(start));
    }
  });
});

describe('ensureCapacity', () => {
  it('returns the same buffer when large enough, else a larger zeroed one (power-of-two growth)', () => {
    const b = scratchBuffer(64);
    expect(ensureCapacity(b, 64)).toBe(b);
    const c = ensureCapacity(b, 65);
    expect(c).not.toBe(b);
    expect(c.length).toBe(128);
    expect(ensureCapacity(new Uint8Array(0), 1000).length).toBe(1024);
    expect(c.every((x) => x === 0)).toBe(true);
  });
});

describe('unitsToString', () => {
  it('equals String.fromCharCode of the units — any unit, unpaired surrogates included — short and long, for any array', () => {
    const rng = new Rng(5);
    for (const n of [0, 1, 16, 4096, 4097, 10_000]) {
      // A view into a larger buffer at an offset, and units past the length not read.
      const backing = new Uint16Array(n + 9);
      const units = backing.subarray(3, 3 + n + 2);
      let expected = '';
      for (let i = 0; i < n; i++) {
        const u = rng.int(4) === 0 ? 0xd800 + rng.int(0x800) : rng.int(0x10000);
        units[i] = u;
        expected += String.fromCharCode(u);
      }
      units[n] = 0x41;
      expect(unitsToString(units, n)).toBe(expected);
      // The same array again after its contents changed (its view is reused).
      if (n > 0) {
        units[0] = 0x62;
        expect(unitsToString(units, n)).toBe('b' + expected.slice(1));
      }
    }
  });
});
