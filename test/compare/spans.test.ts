import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { containsTokens, countTokens, spanEquals, tokenEnd, tokenStart } from '../../src/compare/spans.js';
import { bytesOf } from './oracles.js';

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' '), maxLength: 12 });

describe('span primitives', () => {
  it('count and locate tokens like String.split', () => {
    fc.assert(fc.property(text, (s) => {
      const u = bytesOf(s);
      const tokens = s.split(' ').filter(Boolean);
      expect(countTokens(u, 0, u.length)).toBe(tokens.length);
      let from = 0;
      tokens.forEach((t, k) => {
        const st = tokenStart(u, 0, u.length, k);
        expect(st).toBe(s.indexOf(t, from));
        expect(s.slice(st, tokenEnd(u, st, u.length))).toBe(t);
        from = st + t.length;
      });
      expect(tokenStart(u, 0, u.length, tokens.length)).toBe(-1);
    }), { numRuns: 500 });
  });

  it('containsTokens finds token-aligned occurrences only', () => {
    fc.assert(fc.property(text, text, (h, n) => {
      // literal definition: n starts at a token start and ends at a token end of h
      let expected = false;
      for (let i = 0; i + n.length <= h.length && n.length > 0 && n[0] !== ' '; i++) {
        if (h.startsWith(n, i) && (i === 0 || h[i - 1] === ' ') && (i + n.length === h.length || h[i + n.length] === ' ')) expected = true;
      }
      const hu = bytesOf(h);
      const nu = bytesOf(n);
      expect(containsTokens(hu, 0, hu.length, nu, 0, nu.length)).toBe(expected);
    }), { numRuns: 1500 });
    const h = bytesOf('nguyen van an');
    expect(containsTokens(h, 0, h.length, bytesOf('van'), 0, 3)).toBe(true);
    expect(containsTokens(h, 0, h.length, bytesOf('va'), 0, 2)).toBe(false);
    expect(containsTokens(h, 0, h.length, bytesOf('van an'), 0, 6)).toBe(true);
  });

  it('spanEquals compares across encodings of the same units', () => {
    expect(spanEquals(bytesOf('xan'), 1, 3, new Uint16Array([97, 110]), 0, 2)).toBe(true);
    expect(spanEquals(bytesOf('an'), 0, 2, bytesOf('anh'), 0, 3)).toBe(false);
  });
});
