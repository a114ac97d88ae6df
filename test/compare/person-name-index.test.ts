// The indexed fast path of comparePersonName (person-name-index.ts) against the span path it
// replaces: IDENTICAL levels on every pair — candidate and random pairs of a seeded synthetic
// population, and property-generated names (spaces, initials, diacritics, nulls, keys).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  GIVEN_NAME_CLOSE_JARO_WINKLER, GivenNameLevel, comparePersonName, elsewhereRuledOut, jaroWinklerCloseRuledOut, withinOneEditRuledOut, type NameColumns,
} from '../../src/compare/person-name.js';
import { damerauLevenshteinWithin } from '../../src/compare/damerau-levenshtein.js';
import { jaroWinklerSimilarity } from '../../src/compare/jaro-winkler.js';
import { containsTokens } from '../../src/compare/spans.js';
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

describe('person-name index: marks that differ on both sides', () => {
  it('grades every pair of these names as the span path does, in both encodings (Hùng / Hưng / Hung …)', () => {
    const names = ['Nguyễn Văn Hùng', 'Nguyễn Văn Hưng', 'Nguyen Van Hung', 'Nguyên Vân Hùng', 'NGUYỄN VĂN HÙNG', 'Nguyễn Thúy Hằng', 'Nguyên Thủy Hằng', 'Nguyen Thuy Hang', 'Phạm Văn Nguyện', 'Phạm Văn Nguyên', "Nay H'Lan", "Nay H'Lân", "Nay HLân", 'Ksor H’Hen', 'Ksor H’Hên', "Nay H'Lăn"];
    for (const encoding of ['utf16', 'utf8'] as const) {
      const cols = nameColumns(names.map((name) => ({ name })), encoding);
      const L: number[] = [];
      const R: number[] = [];
      for (let a = 0; a < names.length; a++) for (let b = 0; b < names.length; b++) {
        L.push(a);
        R.push(b);
      }
      const { fast, slow } = bothPaths(cols, names.length, L, R);
      expect(firstDifference(fast, slow)).toBe(-1);
      expect(Array.from(fast).some((level) => level === GivenNameLevel.CLOSE)).toBe(true); // the branch is reached
    }
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

describe('person-name index: pre-filters rule out only pairs the full test rejects', () => {
  /** Letter signature as person-name-index.ts builds it: bit (unit & 31) per non-space unit. */
  const sigOf = (s: string): number => {
    let bits = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 32) bits |= 1 << (s.charCodeAt(i) & 31);
    return bits;
  };
  // Name-like words over a small alphabet (many shared letters), and pairs of a word with a
  // near copy (0–3 edits: substitution, insertion, deletion, adjacent swap) or another word, so
  // that both outcomes of every full test are frequent.
  const word = fc.stringMatching(/^[aghinotu]{1,9}$/);
  const edit = fc.record({ kind: fc.integer({ min: 0, max: 3 }), pos: fc.nat(), ch: fc.constantFrom(...'aghinotuy') });
  const applyEdits = (w: string, edits: ReadonlyArray<{ kind: number; pos: number; ch: string }>): string => {
    let s = w;
    for (const e of edits) {
      const i = e.pos % (s.length + 1);
      if (e.kind === 0 && i < s.length) s = s.slice(0, i) + e.ch + s.slice(i + 1);
      else if (e.kind === 1) s = s.slice(0, i) + e.ch + s.slice(i);
      else if (e.kind === 2 && s.length > 1 && i < s.length) s = s.slice(0, i) + s.slice(i + 1);
      else if (i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    }
    return s;
  };
  const pair = fc.tuple(word, fc.array(edit, { maxLength: 3 }), fc.option(word, { freq: 3 }))
    .map(([a, edits, other]) => [a, other ?? applyEdits(a, edits)] as const);

  it('withinOneEditRuledOut ⇒ OSA distance ≥ 2', () => {
    const seen = { out: 0, heldAndKept: 0 };
    fc.assert(fc.property(pair, ([a, b]) => {
      const within = damerauLevenshteinWithin(1, a, b) <= 1;
      if (withinOneEditRuledOut(a.length, b.length, sigOf(a), sigOf(b))) {
        seen.out++;
        expect(within).toBe(false);
      } else if (within) seen.heldAndKept++;
    }), { numRuns: 5000, seed: 41 });
    expect(seen.out).toBeGreaterThan(500);
    expect(seen.heldAndKept).toBeGreaterThan(500);
  });

  it('jaroWinklerCloseRuledOut ⇒ Jaro–Winkler below the close threshold (with and without a shared first unit)', () => {
    const seen = { out: 0, heldAndKept: 0 };
    fc.assert(fc.property(pair, ([a, b]) => {
      const close = jaroWinklerSimilarity(a, b) >= GIVEN_NAME_CLOSE_JARO_WINKLER;
      if (jaroWinklerCloseRuledOut(a.length, b.length, sigOf(a), sigOf(b), a[0] === b[0])) {
        seen.out++;
        expect(close).toBe(false);
      } else if (close) seen.heldAndKept++;
    }), { numRuns: 5000, seed: 42 });
    expect(seen.out).toBeGreaterThan(500);
    expect(seen.heldAndKept).toBeGreaterThan(500);
  });

  it('jaroWinklerCloseRuledOut is tight enough to keep the closest pairs of longer names at the threshold', () => {
    // Long words with one substitution late in the word sit just above 0.92: never ruled out.
    fc.assert(fc.property(fc.stringMatching(/^[a-z]{8,12}$/), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), (w, c) => {
      const b = w.slice(0, -1) + c;
      if (jaroWinklerSimilarity(w, b) >= GIVEN_NAME_CLOSE_JARO_WINKLER) {
        expect(jaroWinklerCloseRuledOut(w.length, b.length, sigOf(w), sigOf(b), w[0] === b[0])).toBe(false);
      }
    }), { numRuns: 1000, seed: 43 });
  });

  it('elsewhereRuledOut ⇒ no part of the other name holds the given name as a token run', () => {
    const tokens = fc.array(word, { minLength: 0, maxLength: 3 }).map((t) => t.join(' '));
    const seen = { out: 0, heldAndKept: 0 };
    fc.assert(fc.property(word, tokens, tokens, tokens, fc.boolean(), (given, f, m, g, plant) => {
      // Half the time plant the given name in the middle part, so that the test often holds.
      const middle = plant ? `${m} ${given}`.trim() : m;
      const parts = [f, middle, g];
      const units = (s: string) => Uint16Array.from(s, (ch) => ch.charCodeAt(0));
      const held = parts.some((p) => containsTokens(units(p), 0, p.length, units(given), 0, given.length));
      if (elsewhereRuledOut(sigOf(given), sigOf(f) | sigOf(middle) | sigOf(g))) {
        seen.out++;
        expect(held).toBe(false);
      } else if (held) seen.heldAndKept++;
    }), { numRuns: 3000, seed: 44 });
    expect(seen.out).toBeGreaterThan(300);
    expect(seen.heldAndKept).toBeGreaterThan(300);
  });
});
