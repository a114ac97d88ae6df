import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  TEXT_OVERLAP_LEVELS, TOKEN_OVERLAP_COUNTS, TextOverlapLevel, compareTextOverlap, compareTextOverlapStrings,
  tokenJaccardSpans, tokenOverlapSpans,
} from '../../src/compare/text-overlap.js';
import { StringColumn } from '../../src/block/text-column.js';
import { bytesOf } from './oracles.js';

function setJaccard(a: string, b: string): number {
  const A = new Set(a.split(' ').filter(Boolean));
  const B = new Set(b.split(' ').filter(Boolean));
  const inter = [...A].filter((t) => B.has(t)).length;
  const union = new Set([...A, ...B]).size;
  return union === 0 ? 1 : inter / union;
}

describe('compareTextOverlap (folded addresses)', () => {
  const table: Array<[string, string, TextOverlapLevel]> = [
    ['', 'so 12 tran phu ha noi', TextOverlapLevel.MISSING],
    ['   ', 'so 12 tran phu ha noi', TextOverlapLevel.MISSING],
    ['so 12 tran phu ba dinh ha noi', 'so 12 tran phu ba dinh ha noi', TextOverlapLevel.EXACT],
    ['so 12  tran phu ', 'so 12 tran phu', TextOverlapLevel.EXACT], // spacing ignored
    // 8 distinct tokens vs the same plus "phuong": J = 8/9
    ['so 12 tran phu ba dinh ha noi', 'so 12 tran phu phuong ba dinh ha noi', TextOverlapLevel.HIGH],
    ['ha noi ba dinh tran phu so 12', 'so 12 tran phu ba dinh ha noi', TextOverlapLevel.HIGH], // order differs: J = 1
    // same street and city, district differs: 6 shared of 10 distinct → J = 0.6
    ['so 12 tran phu ba dinh ha noi', 'so 12 tran phu hoan kiem ha noi', TextOverlapLevel.SOME],
    // house number and district differ too: 5 shared of 11 → J = 0.45, neither side contained
    ['so 12 tran phu ba dinh ha noi', 'so 40 tran phu dong da ha noi', TextOverlapLevel.ELSE],
    ['phuong 3 quan 5', 'so 7 nguyen trai phuong 3 quan 5 ho chi minh', TextOverlapLevel.CONTAINED],
    ['thon 2 xa an binh', 'to 5 phuong tan dinh quan 1', TextOverlapLevel.ELSE],
    ['ha noi', 'so 1 ngo 2 hang bac hoan kiem ha noi', TextOverlapLevel.CONTAINED],
    ['noi', 'so 1 hang bac ha noi', TextOverlapLevel.ELSE], // 1-token side is too small to be "contained"
  ];
  it.each(table)('"%s" vs "%s" → level %i', (a, b, level) => {
    expect(compareTextOverlapStrings(a, b)).toBe(level);
    expect(compareTextOverlapStrings(b, a)).toBe(level);
  });

  it('every level is reached by the table', () => {
    expect([...new Set(table.map((r) => r[2]))].sort()).toEqual(TEXT_OVERLAP_LEVELS.map((l) => l.code));
  });

  it('counts distinct tokens; null rows are missing', () => {
    const a = bytesOf('ha noi ha noi');
    const b = bytesOf('noi bai ha');
    expect(tokenOverlapSpans(a, 0, a.length, b, 0, b.length)).toBe(2);
    expect([...TOKEN_OVERLAP_COUNTS]).toEqual([2, 2, 3]);
    const ca = new StringColumn([null, 'ha noi']);
    const cb = new StringColumn(['ha noi', 'ha  noi']);
    expect(compareTextOverlap(ca, 0, cb, 0)).toBe(TextOverlapLevel.MISSING);
    expect(compareTextOverlap(ca, 1, cb, 1)).toBe(TextOverlapLevel.EXACT);
  });

  it('Jaccard equals a Set-based oracle on random token strings (hash collisions included)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', 'abc', '', ' '), { maxLength: 12 }).map((t) => t.join(' '));
    fc.assert(fc.property(text, text, (a, b) => {
      const ua = bytesOf(a);
      const ub = bytesOf(b);
      expect(tokenJaccardSpans(ua, 0, ua.length, ub, 0, ub.length)).toBeCloseTo(setJaccard(a, b), 12);
      const level = compareTextOverlapStrings(a, b);
      expect(compareTextOverlapStrings(b, a)).toBe(level);
    }), { numRuns: 1000 });
  });

  it('grows its scratch for long texts (hundreds of tokens)', () => {
    const words = fc.array(fc.constantFrom('so', '12', 'tran', 'phu', 'ha', 'noi', 'x', 'yy', 'ab'), { minLength: 100, maxLength: 400 }).map((t) => t.join(' '));
    fc.assert(fc.property(words, words, (a, b) => {
      const ua = bytesOf(a);
      const ub = bytesOf(b);
      expect(tokenJaccardSpans(ua, 0, ua.length, ub, 0, ub.length)).toBeCloseTo(setJaccard(a, b), 12);
    }), { numRuns: 30 });
  });
});
