import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RecordStore } from '../../src/block/record-store.js';
import { TermFrequencyTable } from '../../src/score/term-frequency.js';
import { columnFrequencies, termFrequencyRows } from '../../src/pipeline/term-frequency-rows.js';

// The oracle: every row's value as a string, counted by TermFrequencyTable; null and '' are
// missing — not counted, frequency 0 (a name part a row lacks is stored as '': the frequency is
// a share of the rows that have that part, as the level's u is a share of the pairs that have it).
function oracle(values: ReadonlyArray<string | null>): number[] {
  const t = TermFrequencyTable.fromValues(values.map((v) => (v === '' ? null : v)));
  return values.map((v) => (v === null || v === '' ? 0 : t.frequency(v)));
}

describe('termFrequencyRows', () => {
  it('text columns (ascii and utf8, several chunks): equal to the string oracle (property)', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.constantFrom('nguyen', 'tran', 'le', 'pham', 'an', 'binh'), // repeated values
      fc.string({ unit: fc.constantFrom('a', 'b', 'n', ' '), maxLength: 5 }),
    );
    fc.assert(fc.property(fc.array(value, { maxLength: 60 }), fc.constantFrom<'ascii' | 'utf8'>('ascii', 'utf8'), (values, type) => {
      const store = new RecordStore([{ name: 'v', type }], { chunkBits: 3 }); // 8 rows a chunk
      for (const v of values) store.append([v]);
      const got = Array.from(columnFrequencies(store, 'v'));
      const want = oracle(values);
      expect(got.length).toBe(want.length);
      for (let r = 0; r < want.length; r++) expect(got[r]).toBeCloseTo(want[r]!, 12);
    }), { numRuns: 400, seed: 41 });
  });

  it('diacritics and other UTF-8 values are counted by their bytes', () => {
    const values = ['Nguyễn', 'Nguyen', 'Nguyễn', null, 'Ðỗ', 'Đỗ', 'Nguyễn'];
    const store = new RecordStore([{ name: 'v', type: 'utf8' }]);
    for (const v of values) store.append([v]);
    expect(Array.from(columnFrequencies(store, 'v'))).toEqual(oracle(values));
  });

  it('int32 code columns: frequency of the code among the rows that have one (0 / null = missing)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 6 })), { maxLength: 50 }), (codes) => {
      const store = new RecordStore([{ name: 'c', type: 'int32' }], { chunkBits: 3 });
      for (const c of codes) store.append([c]);
      const want = oracle(codes.map((c) => (c === null ? null : String(c))));
      const got = Array.from(columnFrequencies(store, 'c'));
      for (let r = 0; r < codes.length; r++) expect(got[r]).toBeCloseTo(want[r]!, 12);
    }), { numRuns: 300, seed: 43 });
  });

  it('int32 codes with a canonical map: counted as their canonical code (spellings of one province as one value)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 6 })), { maxLength: 50 }), (codes) => {
      const store = new RecordStore([{ name: 'c', type: 'int32' }], { chunkBits: 3 });
      for (const c of codes) store.append([c]);
      const canonical = Int32Array.from([0, 1, 1, 3, 3, 3]); // 2 → 1, 4 and 5 → 3, 6 beyond: itself
      const canon = (c: number) => (c < canonical.length ? canonical[c]! : c);
      const want = oracle(codes.map((c) => (c === null ? null : String(canon(c)))));
      const got = Array.from(columnFrequencies(store, 'c', canonical));
      for (let r = 0; r < codes.length; r++) expect(got[r]).toBeCloseTo(want[r]!, 12);
    }), { numRuns: 300, seed: 44 });
  });

  it('dedupe: two spellings of one province weigh the same read from either row (rows reversed: same weights)', async () => {
    const { dedupe } = await import('../../src/index.js');
    const { generatePopulation } = await import('../../src/synth/population.js');
    const { vietnamesePersonSchema } = await import('../../src/schema.js');
    const rows: Array<Record<string, unknown>> = [...generatePopulation({ size: 3000, seed: 3, duplicateRate: 0.3 })].map((r) => ({ ...r }));
    let spelled = 0;
    rows.forEach((r, i) => {
      if (i % 3 === 0 && typeof r.province === 'string' && !/^(Tỉnh|Thành phố) /.test(r.province)) {
        r.province = `Tỉnh ${r.province}`;
        spelled++;
      }
    });
    expect(spelled).toBeGreaterThan(100);
    const options = { schema: vietnamesePersonSchema(), idField: 'recordId', threads: 1, pairFloor: 0 };
    const weights = (rs: typeof rows, r: Awaited<ReturnType<typeof dedupe>>): Map<string, number> => {
      const out = new Map<string, number>();
      for (let j = 0; j < r.pairs.count; j++) {
        const ids = [String(rs[r.pairs.left[j]!]!.recordId), String(rs[r.pairs.right[j]!]!.recordId)].sort();
        out.set(ids.join('|'), r.pairs.weight[j]!);
      }
      return out;
    };
    const forward = weights(rows, await dedupe(rows, options));
    const reversed = rows.slice().reverse();
    const backward = weights(reversed, await dedupe(reversed, options));
    expect(backward.size).toBe(forward.size);
    let differ = 0;
    for (const [key, w] of forward) if (Math.abs((backward.get(key) ?? Number.NaN) - w) > 1e-9) differ++;
    expect(differ).toBe(0);
  });

  it('one result per tf column of the plan, undefined where a comparison has none', () => {
    const store = new RecordStore([{ name: 'a', type: 'ascii' }, { name: 'c', type: 'int32' }]);
    store.append(['x', 1]);
    store.append(['x', 2]);
    const rows = termFrequencyRows(store, { tfColumns: [null, 'a', 'c', null] });
    expect(rows[0]).toBeUndefined();
    expect(Array.from(rows[1]!)).toEqual([1, 1]);
    expect(Array.from(rows[2]!)).toEqual([0.5, 0.5]);
    expect(rows[3]).toBeUndefined();
  });
});
