// The pipeline's comparison loops (src/pipeline/comparisons.ts) read national IDs from a
// fixed-width copy and names from a PersonNameIndex: every level must equal the row-by-row
// comparators on the store's own columns (the reference), for candidate and random pairs of a
// seeded synthetic population, in the calling thread and bound from shared memory.
// (Kept with the comparator tests: the pipeline folder belongs to the match engine.)
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StringColumn } from '../../src/block/text-column.js';
import { compareNationalIdRows, compareNationalIds } from '../../src/compare/national-id-level.js';
import { comparePersonName } from '../../src/compare/person-name.js';
import { DateLevel, compareDates, compareTypedDates } from '../../src/compare/date-level.js';
import { compareSex } from '../../src/compare/sex-level.js';
import { compareTextOverlap } from '../../src/compare/text-overlap.js';
import { FIXED_TEXT_FALLBACK, FIXED_TEXT_WIDTH, bindSharedSide, bindSide, fixedTextColumn, planComparisons, shareSide } from '../../src/pipeline/comparisons.js';
import { prepareRows } from '../../src/pipeline/prepare.js';
import { defaultBlockingRules } from '../../src/pipeline/default-rules.js';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import { candidatePairs } from '../../src/block/candidate-pairs.js';
import { generatePopulation } from '../../src/synth/population.js';
import { defineSchema } from '../../src/schema.js';
import { Rng } from '../../src/util/rng.js';

describe('fixedTextColumn', () => {
  it('copies short values, marks long or wide ones for the column path, null/empty as length 0', () => {
    const col = new StringColumn(['079123456789', null, '', '1'.repeat(15), '1'.repeat(16), 'ā12']);
    const f = fixedTextColumn(col, 6);
    expect(f.length).toBe(6 * FIXED_TEXT_WIDTH);
    expect(f[0]).toBe(12);
    expect(String.fromCharCode(...f.subarray(1, 13))).toBe('079123456789');
    expect(f[FIXED_TEXT_WIDTH]).toBe(0);
    expect(f[2 * FIXED_TEXT_WIDTH]).toBe(0);
    expect(f[3 * FIXED_TEXT_WIDTH]).toBe(15); // 15 units + the length byte fill the slot
    expect(f[4 * FIXED_TEXT_WIDTH]).toBe(FIXED_TEXT_FALLBACK); // 16 units do not fit
    expect(f[5 * FIXED_TEXT_WIDTH]).toBe(FIXED_TEXT_FALLBACK); // unit above 255
    expect(fixedTextColumn(col, 2, true).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('the fixed-width national-ID level equals the column level (property)', () => {
    const id = fc.option(fc.stringMatching(/^[0-9]{0,17}$/), { nil: null, freq: 6 });
    fc.assert(fc.property(fc.array(id, { minLength: 1, maxLength: 12 }), (values) => {
      const col = new StringColumn(values);
      const f = fixedTextColumn(col, values.length);
      for (let a = 0; a < values.length; a++) {
        expect(f[a * FIXED_TEXT_WIDTH] === FIXED_TEXT_FALLBACK).toBe((values[a]?.length ?? 0) >= FIXED_TEXT_WIDTH);
        for (let b = 0; b < values.length; b++) {
          const ia = a * FIXED_TEXT_WIDTH, ib = b * FIXED_TEXT_WIDTH;
          if (f[ia] === FIXED_TEXT_FALLBACK || f[ib] === FIXED_TEXT_FALLBACK) continue; // read from the column
          expect(compareNationalIds(f, ia + 1, ia + 1 + f[ia]!, f, ib + 1, ib + 1 + f[ib]!)).toBe(compareNationalIdRows(col, a, col, b));
        }
      }
    }), { numRuns: 300, seed: 8 });
  });
});

describe('planComparisons on a synthetic population = the row comparators', async () => {
  const schema = defineSchema({
    id: { kind: 'nationalId', country: 'VN', column: 'id' },
    name: { kind: 'personName', locale: 'vi', column: 'fullName' },
    dob: { kind: 'date', column: 'dob' },
    sex: { kind: 'sex', column: 'sex' },
    province: { kind: 'category', column: 'province' },
    address: { kind: 'text', column: 'address' },
  });
  // 5 % of the dates typed with a part out of range (a month 1x, a day 4x–9x, a year 0xxx):
  // invalid as dates, graded on their digits (compareTypedDates) — some one slip from a twin.
  const typoRng = new Rng(77);
  const rows = [...generatePopulation({ size: 12_000, seed: 31, duplicateRate: 0.3 })].map((r) => {
    const m = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(r.dob);
    if (m === null || typoRng.next() >= 0.05) return r;
    const [, d, mo, y] = m;
    const how = typoRng.int(3);
    const dob = how === 0 ? `${d}/1${mo![1]}/${y}` : how === 1 ? `${4 + typoRng.int(6)}${d![1]}/${mo}/${y}` : `${d}/${mo}/0${y!.slice(1)}`;
    return { ...r, dob };
  });
  // …and 30 of them twice (the same slip copied into two records: exact on the typed digits).
  const typos = rows.filter((r, i) => r.dob !== '' && !/^\d\d\/(0\d|1[0-2])\/[12]\d{3}$/.test(r.dob) && i % 2 === 0).slice(0, 30);
  rows.push(...typos.map((r, i) => ({ ...r, recordId: `copy-${i}` })));
  const prepared = await prepareRows([rows], schema);
  const store = prepared.store;
  const plan = planComparisons(schema, prepared.nameGroups, { dictionaries: prepared.dictionaries });
  const L: number[] = [];
  const R: number[] = [];
  for (const chunk of candidatePairs(buildBlockIndexes(store, defaultBlockingRules(schema, prepared.nameGroups)), { reuseChunk: true })) {
    for (let i = 0; i < chunk.length; i++) {
      L.push(chunk.left[i]!);
      R.push(chunk.right[i]!);
    }
  }
  const rng = new Rng(4);
  for (let k = 0; k < 30_000; k++) {
    L.push(rng.int(store.rowCount));
    R.push(rng.int(store.rowCount));
  }
  const left = Uint32Array.from(L);
  const right = Uint32Array.from(R);
  const P = left.length;

  // The reference: one row comparator per pair on the store's columns (no index, no copies).
  const ids = store.textColumn('id.id');
  const names = { ...bindSide(store).names('name'), index: undefined };
  const dob = (r: number) => (store.isNull('dob.date', r) ? 0 : store.getNumber('dob.date', r)!);
  const typedDob = (r: number) => (store.isNull('dob.dateTyped', r) ? 0 : store.getNumber('dob.dateTyped', r)!);
  // A date, or the digits of a date typed with a part out of range (compared on its digits).
  const dobLevel = (a: number, b: number) => {
    const x = dob(a) || typedDob(a), y = dob(b) || typedDob(b);
    return (dob(a) === 0 || dob(b) === 0) && x !== 0 && y !== 0 ? compareTypedDates(x, y) : compareDates(dob(a), dob(b));
  };
  const sex = (r: number) => (store.isNull('sex.sex', r) ? 0 : store.getNumber('sex.sex', r)!);
  const address = store.textColumn('address.fold');
  // The category comparison has no index: it is its own reference (a plain loop over flattened codes).
  const reference = planComparisons(schema, prepared.nameGroups, { dictionaries: prepared.dictionaries });
  const expected = plan.specs.map(() => new Uint8Array(P));
  const col = (name: string) => plan.specs.findIndex((c) => c.name === name);
  const scratch = new Uint8Array(3);
  for (let p = 0; p < P; p++) {
    const a = left[p]!, b = right[p]!;
    expected[col('id')]![p] = compareNationalIdRows(ids, a, ids, b);
    expected[col('dob')]![p] = dobLevel(a, b);
    expected[col('sex')]![p] = compareSex(sex(a), sex(b));
    expected[col('address')]![p] = compareTextOverlap(address, a, address, b);
    comparePersonName(names, a, names, b, scratch, 0);
    expected[col('name.family')]![p] = scratch[0]!;
    expected[col('name.middle')]![p] = scratch[1]!;
    expected[col('name.given')]![p] = scratch[2]!;
  }

  {
    const s = bindSide(store);
    const out = plan.specs.map(() => new Uint8Array(P));
    reference.compute(s, s, left, right, 0, P, out);
    expected[col('province')]!.set(out[col('province')]!);
  }

  for (const [how, side] of [['bindSide', () => bindSide(store)], ['bindSharedSide', () => bindSharedSide(structuredClone(shareSide(store, plan)))]] as const) {
    it(`every level of every pair equals the reference (${how})`, () => {
      const s = side();
      const got = plan.specs.map(() => new Uint8Array(P));
      plan.compute(s, s, left, right, 0, P, got);
      for (let k = 0; k < got.length; k++) {
        let diff = -1;
        for (let p = 0; p < P && diff < 0; p++) if (got[k]![p] !== expected[k]![p]) diff = p;
        expect(diff, plan.specs[k]!.name).toBe(-1);
      }
    });
  }

  it('typed invalid dates are present and reach the exact, one-digit and missing levels', () => {
    const k = col('dob');
    let typed = 0;
    for (let r = 0; r < store.rowCount; r++) if (typedDob(r) !== 0) typed++;
    expect(typed).toBeGreaterThan(200);
    const seen = new Set<number>();
    for (let p = 0; p < P; p++) {
      const a = left[p]!, b = right[p]!;
      if ((typedDob(a) !== 0 || typedDob(b) !== 0) && dob(a) + typedDob(a) !== 0 && dob(b) + typedDob(b) !== 0) seen.add(expected[k]![p]!);
    }
    expect([...seen].sort()).toEqual([DateLevel.MISSING, DateLevel.EXACT, DateLevel.ONE_DIGIT].sort());
  });

  it('the shared side carries the ID copy on shared memory', () => {
    const d = shareSide(store, plan);
    expect(plan.fixedTextColumns).toEqual(['id.id']);
    expect(d.fixed![0]![1].buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(plan.tokenSetColumns).toEqual(['address.fold']);
    expect(d.tokenSets![0]![1].ids.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
