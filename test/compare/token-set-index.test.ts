// The token-set index (token-set-index.ts) and compareTextOverlapIndexed against the span path
// (compareTextOverlap): same level and same TOKEN_OVERLAP_COUNTS on every ordered pair of
// property-generated texts — repeated words, odd spacing, nulls, empty values, both encodings.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StringColumn } from '../../src/block/text-column.js';
import { buildTokenSetIndex, tokenSetCounts } from '../../src/compare/token-set-index.js';
import { TOKEN_OVERLAP_COUNTS, TextOverlapLevel, compareTextOverlap, compareTextOverlapIndexed } from '../../src/compare/text-overlap.js';
import { ByteColumn } from './name-fixture.js';

const word = fc.constantFrom('so', '12', 'duong', 'le', 'loi', 'phuong', '3', 'quan', '5', 'a', 'ab');
const text = fc.option(
  fc.oneof(
    { weight: 4, arbitrary: fc.array(word, { minLength: 0, maxLength: 9 }).map((w) => w.join(' ')) },
    { weight: 1, arbitrary: fc.stringMatching(/^[ab ]{0,7}$/) },
  ),
  { nil: null, freq: 8 },
);

describe('token-set index', () => {
  for (const encoding of ['utf16', 'utf8'] as const) {
    it(`compareTextOverlapIndexed = compareTextOverlap on every ordered pair (${encoding})`, () => {
      const seen = new Set<number>();
      fc.assert(
        fc.property(fc.array(text, { minLength: 1, maxLength: 12 }), (values) => {
          const col = encoding === 'utf16' ? new StringColumn(values) : new ByteColumn(values);
          const x = buildTokenSetIndex(col, values.length);
          for (let a = 0; a < values.length; a++) {
            for (let b = 0; b < values.length; b++) {
              const slow = compareTextOverlap(col, a, col, b);
              const slowCounts = [...TOKEN_OVERLAP_COUNTS];
              const fast = compareTextOverlapIndexed(x, col, a, col, b);
              seen.add(fast);
              expect(fast).toBe(slow);
              if (values[a] !== null && values[b] !== null) expect([...TOKEN_OVERLAP_COUNTS]).toEqual(slowCounts);
            }
          }
        }),
        { numRuns: 300, seed: 12 },
      );
      expect([...seen].sort()).toEqual(Object.values(TextOverlapLevel).sort());
    });
  }

  it('holds each row\'s distinct tokens, ascending; one id per word across rows; none for null or blank', () => {
    const col = new StringColumn(['le loi le 12', null, '  ', '12 le', 'quan']);
    const x = buildTokenSetIndex(col, 5);
    const row = (r: number) => [...x.ids.subarray(x.starts[r]!, x.starts[r + 1]!)];
    expect(row(0)).toHaveLength(3);
    expect(row(0)).toEqual([...row(0)].sort((p, q) => p - q));
    expect(row(1)).toEqual([]);
    expect(row(2)).toEqual([]);
    expect(row(3).every((id) => row(0).includes(id))).toBe(true);
    const counts = new Int32Array(3);
    tokenSetCounts(x, 0, 3, counts);
    expect([...counts]).toEqual([2, 3, 2]);
    expect(buildTokenSetIndex(col, 2, { shared: true }).ids.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('equals an oracle (ids in first-seen order, each row its distinct ids ascending), on shared memory or not', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 0, maxLength: 40 }), fc.boolean(), (values, utf8) => {
        const col = utf8 ? new ByteColumn(values) : new StringColumn(values);
        const ids = new Map<string, number>();
        const starts = [0];
        const all: number[] = [];
        for (const v of values) {
          const row = new Set<number>();
          for (const w of (v ?? '').split(' ').filter((t) => t !== '')) {
            if (!ids.has(w)) ids.set(w, ids.size + 1);
            row.add(ids.get(w)!);
          }
          all.push(...[...row].sort((p, q) => p - q));
          starts.push(all.length);
        }
        for (const shared of [false, true]) {
          const x = buildTokenSetIndex(col, values.length, { shared });
          expect([...x.starts]).toEqual(starts);
          expect([...x.ids]).toEqual(all);
          expect(x.ids.buffer instanceof SharedArrayBuffer).toBe(shared);
          expect(x.starts.buffer instanceof SharedArrayBuffer).toBe(shared);
        }
      }),
      { numRuns: 300, seed: 31 },
    );
  });

  it('rejects a bad row count', () => {
    expect(() => buildTokenSetIndex(new StringColumn(['a']), -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
