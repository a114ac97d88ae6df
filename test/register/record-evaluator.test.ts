import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeMemo } from '../../src/register/record-evaluator.js';
import { DATE_OUTCOMES, ID_OUTCOMES, NAME_OUTCOMES, OTHER_OUTCOMES, SEX_OUTCOMES, type ExplainedField, type Outcome } from '../../src/register/verdict.js';

const ALL = [ID_OUTCOMES, NAME_OUTCOMES, DATE_OUTCOMES, SEX_OUTCOMES, OTHER_OUTCOMES];

/** A memo over K fields cycling through the outcome tables, and the oracle of its objects. */
function setup(K: number) {
  const names = Array.from({ length: K }, (_, k) => `f${k}`);
  const tables: Array<readonly Outcome[]> = names.map((_, k) => ALL[k % ALL.length]!);
  const explained: ExplainedField[][] = tables.map((t, k) => t.map((oc, o) => Object.freeze({ field: names[k]!, result: oc.verdict.result, weight: k * 100 + o })));
  const memo = new ShapeMemo(names, tables, explained);
  const oracle = (rows: Uint8Array) => ({
    fields: Object.fromEntries(names.map((n, k) => [n, tables[k]![rows[k]!]!.verdict])),
    explanation: names.map((_, k) => explained[k]![rows[k]!]!),
  });
  const rowsArb = fc.tuple(...tables.map((t) => fc.integer({ min: 0, max: t.length - 1 }))).map((r) => Uint8Array.from(r));
  return { memo, oracle, rowsArb, names };
}

describe('ShapeMemo (the frozen fields / explanation objects of an outcome shape)', () => {
  for (const K of [1, 4, 10, 11]) {
    it(`K = ${K}: objects equal the oracle, are frozen, key order is schema order; one object per shape when K ≤ 10`, () => {
      const { memo, oracle, rowsArb, names } = setup(K);
      fc.assert(
        fc.property(rowsArb, rowsArb, (a, b) => {
          const sa = memo.get(a);
          const o = oracle(a);
          expect(sa.fields).toEqual(o.fields);
          expect(Object.keys(sa.fields)).toEqual(names);
          for (const n of names) expect(sa.fields[n]).toBe(o.fields[n]); // the shared frozen FieldVerdicts
          expect(sa.explanation).toEqual(o.explanation);
          expect(Object.isFrozen(sa.fields) && Object.isFrozen(sa.explanation)).toBe(true);
          const again = memo.get(Uint8Array.from(a));
          const same = a.every((x, i) => x === b[i]);
          if (K <= 10) expect(again).toBe(sa);
          else expect(again).toEqual(sa); // wide schemas: fresh (still frozen) objects
          const sb = memo.get(b);
          if (!same) expect(sb.fields).not.toEqual(sa.fields);
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const K of [3, 11]) {
    it(`K = ${K}: getAt reads the rows in place — the objects of get on the same rows, wherever they sit in a buffer`, () => {
      const { memo, oracle, rowsArb } = setup(K);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 8 }), rowsArb, fc.uint8Array({ maxLength: 8 }), (before, rows, after) => {
          const bytes = Uint8Array.from([...before, ...rows, ...after]);
          const s = memo.getAt(bytes, before.length);
          expect(s.fields).toEqual(oracle(rows).fields);
          expect(s.explanation).toEqual(oracle(rows).explanation);
          if (K <= 10) expect(s).toBe(memo.get(rows));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('stays correct past MAX_SHAPES distinct shapes (the memo stops growing, answers stay right)', () => {
    const { memo, oracle } = setup(4);
    // ID (16 rows) × NAME (20) × DATE (15) = 4,800 > 4,096 shapes with the last field fixed.
    let checked = 0;
    for (let a = 0; a < ID_OUTCOMES.length; a++)
      for (let b = 0; b < NAME_OUTCOMES.length; b++)
        for (let c = 0; c < DATE_OUTCOMES.length; c++) {
          const rows = Uint8Array.of(a, b, c, 1);
          expect(memo.get(rows).fields).toEqual(oracle(rows).fields);
          checked++;
        }
    expect(checked).toBeGreaterThan(ShapeMemo.MAX_SHAPES);
    const last = Uint8Array.of(ID_OUTCOMES.length - 1, NAME_OUTCOMES.length - 1, DATE_OUTCOMES.length - 1, 1);
    expect(memo.get(last).explanation).toEqual(oracle(last).explanation);
  });
});
