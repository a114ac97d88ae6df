import { describe, expect, it } from 'vitest';
import { ownString } from '../../src/util/own-string.js';
import { Rng } from '../../src/util/rng.js';

describe('ownString', () => {
  it('is the same text, for slices of a long text of every kind of unit (ASCII, Vietnamese, lone surrogates, empty)', () => {
    const rng = new Rng(5);
    const alphabet = ['a', 'Z', ' ', ',', 'ễ', 'Đ', '\u0301', '😀', '\ud800', '\udc00', '\u0000'];
    let long = '';
    for (let i = 0; i < 5000; i++) long += alphabet[rng.int(alphabet.length)];
    for (let k = 0; k < 500; k++) {
      const from = rng.int(long.length);
      const s = long.slice(from, from + rng.int(40));
      const own = ownString(s);
      expect(own).toBe(s);
      expect(own.length).toBe(s.length);
    }
    expect(ownString('')).toBe('');
    expect(ownString('a'.repeat(12))).toBe('a'.repeat(12));
  });
});
