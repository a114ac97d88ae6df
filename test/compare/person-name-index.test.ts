// The indexed fast path of comparePersonName (person-name-index.ts) against the span path it
// replaces: IDENTICAL levels on every pair — candidate and random pairs of a seeded synthetic
// population, and property-generated names (spaces, initials, diacritics, nulls, keys).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { comparePersonName, type NameColumns } from '../../src/compare/person-name.js';
import { buildPersonNameIndex, NAME_INDEX_STRIDE, NORM_NOT_LOCATABLE, VALUE_HAS_INITIAL, VALUE_ONE_TOKEN } from '../../src/compare/person-name-index.js';
import { StringColumn } from '../../src/block/text-column.js';
import { generatePopulation } from '../../src/synth/population.js';
import { prepareRows } from '../../src/pipeline/prepare.js';
import { bindSharedSide, bindSide, planComparisons, shareSide } from '../../src/pipeline/comparisons.js';
import { defaultBlockingRules } from '../../src/pipeline/default-rules.js';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import { candidatePairs } from '../../src/block/candidate-pairs.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { ByteColumn, nameColumns } from './name-fixture.js';

/** Levels of every pair by both paths; returns the indexed levels (3 per pair). */
function bothPaths(cols: NameColumns, rows: number, L: ArrayLike<number>, R: ArrayLike<number>): { fast: Uint8Array; slow: Uint8Array } {
  const plain: NameColumns = { ...cols, index: undefined };
  const indexed: NameColumns = { ...plain, index: buildPersonNameIndex(plain, rows) };
  const fast = new Uint8Array(3 * L.length);
  const slow = new Uint8Array(3 * L.length);
  for (let p = 0; p < L.length; p++) {
    comparePersonName(indexed, L[p]!, indexed, R[p]!, fast, 3 * p);
    comparePersonName(plain, L[p]!, plain, R[p]!, slow, 3 * p);
  }
  return { fast, slow };
}

/** Index of the first pair whose levels differ, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return Math.floor(i / 3);
  return -1;
}

describe('person-name index: same levels as the span path on a synthetic population', async () => {
  const N = 30_000;
  const schema = vietnamesePersonSchema();
  const prepared = await prepareRows([[...generatePopulation({ size: N, seed: 2026, duplicateRate: 0.3 })]], schema);
  const side = bindSide(prepared.store);
  const cols = side.names('name');
  const rows = prepared.store.rowCount;
  const L: number[] = [];
  const R: number[] = [];
  for (const chunk of candidatePairs(buildBlockIndexes(prepared.store, defaultBlockingRules(schema, prepared.nameGroups)), { reuseChunk: true })) {
    for (let i = 0; i < chunk.length; i++) {
      L.push(chunk.left[i]!);
      R.push(chunk.right[i]!);
    }
  }
  const candidates = L.length;
  const rng = new Rng(99);
  for (let k = 0; k < 100_000; k++) {
    L.push(rng.int(rows));
    R.push(rng.int(rows)); // self-pairs included: identity must hold too
  }
  const { fast, slow } = bothPaths(cols, rows, L, R);

  it('bindSide attaches an index covering every row', () => {
    expect(cols.index).toBeDefined();
    expect(cols.index!.rowCount).toBe(rows);
    expect(candidates).toBeGreaterThan(5_000);
  });

  it('shareSide puts the index on shared memory; a thread binding it compares as the span path does', () => {
    const plan = planComparisons(schema, prepared.nameGroups, { dictionaries: prepared.dictionaries });
    expect(plan.namePrefixes).toEqual(['name']);
    const d = structuredClone(shareSide(prepared.store, plan));
    const shared = bindSharedSide(d);
    const x = shared.names('name').index!;
    expect(x.rows.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(x.units.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(x).toBe(d.names![0]![1]); // bound as shipped, not rebuilt
    const spanSide = { ...side, names: (p: string) => ({ ...side.names(p), index: undefined }) };
    const n = 20_000;
    const a = plan.specs.map(() => new Uint8Array(n));
    const b = plan.specs.map(() => new Uint8Array(n));
    const l = Uint32Array.from(L.slice(-n));
    const r = Uint32Array.from(R.slice(-n));
    plan.compute(shared, shared, l, r, 0, n, a);
    plan.compute(spanSide, spanSide, l, r, 0, n, b);
    for (let k = 0; k < a.length; k++) expect(firstDifference(a[k]!, b[k]!), plan.specs[k]!.name).toBe(-1);
  });

  it('every candidate and random pair gets identical family, middle and given levels', () => {
    const d = firstDifference(fast, slow);
    expect(d, d < 0 ? '' : `pair ${d}: rows ${L[d]}, ${R[d]}`).toBe(-1);
  });

  it('the pairs reach every non-missing level of all three comparisons (the equality covers them all)', () => {
    // The population never omits a family or given name (missing values: property tests below).
    const expected = [[1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]];
    for (let k = 0; k < 3; k++) {
      const seen = new Set<number>();
      for (let p = 0; p < L.length; p++) seen.add(fast[3 * p + k]!);
      expect([...seen].sort(), `comparison ${k}`).toEqual(expected[k]);
    }
  });
});

// Values from a tiny alphabet so that equal, one-edit, initial and token-contained values are
// frequent; spaces (leading, doubled, trailing) and nulls included.
const token = fc.stringMatching(/^[abn]{1,3}$/);
const spaced = fc.oneof(
  { weight: 4, arbitrary: fc.array(token, { minLength: 0, maxLength: 3 }).map((t) => t.join(' ')) },
  { weight: 1, arbitrary: fc.stringMatching(/^[ab ]{0,5}$/) },
);
const key = fc.oneof(fc.constant(''), fc.constantFrom('k', 'kk', 'q'));
const maybeNull = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 8 });
const record = fc.record({
  family: maybeNull(spaced), middle: maybeNull(spaced), given: maybeNull(spaced),
  keys: fc.tuple(maybeNull(key), maybeNull(key), maybeNull(key)),
  // norm: the parts re-written with optional diacritics (áàâ for a), or anything at all.
  norm: fc.oneof(
    { weight: 3, arbitrary: fc.constant('parts') },
    { weight: 1, arbitrary: maybeNull(fc.stringMatching(/^[aábn ]{0,8}$/)) },
  ),
  accents: fc.array(fc.constantFrom('a', 'á', 'à', 'â'), { minLength: 12, maxLength: 12 }),
});
type Rec = typeof record extends fc.Arbitrary<infer T> ? T : never;

function columnsOf(recs: readonly Rec[], encoding: 'utf16' | 'utf8'): NameColumns {
  const col = (v: Array<string | null>) => (encoding === 'utf16' ? new StringColumn(v) : new ByteColumn(v));
  const norm = recs.map((r) => {
    if (r.norm !== 'parts') return r.norm;
    let i = 0;
    const s = [r.family, r.middle, r.given].filter((x) => x !== null && x !== '').join(' ');
    return s.replace(/a/g, () => r.accents[i++ % r.accents.length]!);
  });
  return {
    norm: col(norm), fold: col(recs.map((r) => [r.family, r.middle, r.given].join(' ').trim())),
    family: col(recs.map((r) => r.family)), middle: col(recs.map((r) => r.middle)), given: col(recs.map((r) => r.given)),
    familyKey: col(recs.map((r) => r.keys[0])), middleKey: col(recs.map((r) => r.keys[1])), givenKey: col(recs.map((r) => r.keys[2])),
  };
}

describe('person-name index: properties', () => {
  for (const encoding of ['utf16', 'utf8'] as const) {
    it(`indexed = span path on every ordered pair of generated records (${encoding})`, () => {
      fc.assert(
        fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), (recs) => {
          const cols = columnsOf(recs, encoding);
          const L: number[] = [];
          const R: number[] = [];
          for (let a = 0; a < recs.length; a++) for (let b = 0; b < recs.length; b++) { L.push(a); R.push(b); }
          const { fast, slow } = bothPaths(cols, recs.length, L, R);
          expect(firstDifference(fast, slow)).toBe(-1);
        }),
        { numRuns: 400, seed: 5 },
      );
    });
  }

  it('longer Vietnamese-like given names: the Jaro–Winkler pre-filter never rejects a close pair', () => {
    const syl = fc.stringMatching(/^[a-z]{2,9}$/);
    fc.assert(
      fc.property(fc.array(syl, { minLength: 2, maxLength: 12 }), (given) => {
        const cols = nameColumns(given.map((g) => ({ name: null, parts: ['x', '', g] as [string, string, string] })));
        const L: number[] = [];
        const R: number[] = [];
        for (let a = 0; a < given.length; a++) for (let b = 0; b < given.length; b++) { L.push(a); R.push(b); }
        const { fast, slow } = bothPaths(cols, given.length, L, R);
        expect(firstDifference(fast, slow)).toBe(-1);
      }),
      { numRuns: 300, seed: 6 },
    );
  });
});

describe('person-name index: layout', () => {
  it('interns equal units to one id across columns, empty and null to 0, flags initials and tokens', () => {
    const cols = nameColumns([
      { name: 'Nguyễn V. An', parts: ['nguyen', 'v', 'an'], keys: ['ng', '', 'an'] },
      { name: 'An Nguyen Thi', parts: ['an', 'nguyen thi', ''] },
      { name: null, parts: ['nguyen', '', 'an'] },
    ]);
    const x = buildPersonNameIndex(cols, 3);
    const id = (r: number, slot: number) => x.rows[r * NAME_INDEX_STRIDE + slot]!;
    expect(id(1, 0)).not.toBe(id(0, 0)); // 'an' ≠ 'nguyen'
    expect(id(0, 0)).toBe(id(2, 0)); // 'nguyen' in two rows
    expect(id(0, 2)).toBe(id(1, 0)); // given 'an' = family 'an': one dictionary
    expect(id(0, 5)).toBe(id(0, 2)); // key 'an' = given 'an'
    expect(id(1, 2)).toBe(0); // empty given
    expect(id(1, 3)).toBe(0); // empty key
    expect(id(2, 6)).toBe(NORM_NOT_LOCATABLE); // no norm: parts cannot be located
    expect(x.flags[id(0, 1)]! & VALUE_HAS_INITIAL).toBe(VALUE_HAS_INITIAL); // 'v'
    expect(x.flags[id(1, 1)]! & VALUE_ONE_TOKEN).toBe(0); // 'nguyen thi'
    expect(x.flags[id(0, 0)]).toBe(VALUE_ONE_TOKEN);
    const s = x.offsets[id(0, 6)]!;
    expect(String.fromCharCode(...x.units.subarray(s, x.offsets[id(0, 6) + 1]!))).toBe('nguyễn'); // diacritic part
  });

  it('a name of 40 tokens is located in norm (token bounds grow)', () => {
    const middle = Array.from({ length: 38 }, (_, i) => `t${i}`);
    const cols = nameColumns([
      { name: ['Đỗ', ...middle, 'Ánh'].join(' '), parts: ['do', middle.join(' '), 'anh'] },
      { name: ['Đỗ', ...middle, 'Anh'].join(' '), parts: ['do', middle.join(' '), 'anh'] },
    ]);
    const x = buildPersonNameIndex(cols, 2);
    const out = new Uint8Array(3);
    comparePersonName({ ...cols, index: x }, 0, { ...cols, index: x }, 1, out, 0);
    expect([...out]).toEqual([1, 1, 2]); // exact, exact, folded-equal (Ánh / Anh)
  });

  it('rows appended after the build are compared by the span path (same levels)', () => {
    const cols = nameColumns([{ name: 'Lê Văn Tám' }, { name: 'Le Van Tam' }]);
    const x = buildPersonNameIndex(cols, 1); // row 1 not indexed
    const a = new Uint8Array(3);
    const b = new Uint8Array(3);
    comparePersonName({ ...cols, index: x }, 0, { ...cols, index: x }, 1, a, 0);
    comparePersonName(cols, 0, cols, 1, b, 0);
    expect([...a]).toEqual([...b]);
  });

  it('rejects a bad row count', () => {
    const cols = nameColumns([{ name: 'A B' }]);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => buildPersonNameIndex(cols, bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    try {
      buildPersonNameIndex(cols, -1);
    } catch (e) {
      expect(isKhopError(e)).toBe(true);
    }
  });
});
