import { describe, expect, it } from 'vitest';
import { asciiBytesToString, ensureCapacity, scratchBuffer } from '../../src/keys/ascii-bytes.js';
import { Rng } from '../../src/util/rng.js';

function randomAscii(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x20 + rng.int(95));
  return s;
}

describe('asciiBytesToString', () => {
  it('decodes a prefix of a Buffer and of a plain Uint8Array, short and long (chunked)', () => {
    const rng = new Rng(3);
    for (const n of [0, 1, 20, 4096, 4097, 10_000]) {
      const text = randomAscii(rng, n);
      const plain = new Uint8Array(n + 5);
      const buf = scratchBuffer(n + 5);
      for (let i = 0; i < n; i++) plain[i] = buf[i] = text.charCodeAt(i);
      plain[n] = buf[n] = 0x41; // a byte past the length is not decoded
      expect(asciiBytesToString(plain, n)).toBe(text);
      expect(asciiBytesToString(buf, n)).toBe(text);
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
