/**
 * A verdict's line in `khop authenticate`'s verdict file: VerdictCsvLines (the text around the
 * record id cached per `fields` object) against every cell formatted (VerdictRows +
 * CsvLineFormatter.rowText), on random verdicts that share a few `fields` objects as a register's
 * do — and differ in everything else the cache must notice: status, matched_by, weight (NaN,
 * ±0), reason, record id (text that needs quoting or formula escaping, numbers, none),
 * candidates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvLineFormatter } from '../../src/io/csv-writer.js';
import type { FieldVerdict, Verdict } from '../../src/register/verdict.js';
import { VerdictCsvLines, VerdictRows, type VerdictRowSpec } from '../../src/register/verdict-rows.js';

const FIELDS = ['id', 'name', 'dob'];
const COLUMNS = ['row_number', 'status', 'record_id', 'matched_by', 'weight', 'reason', ...FIELDS.flatMap((f) => [f, `${f}_reason`])];

const fieldVerdict = fc.record({ result: fc.constantFrom('exact', 'equivalent', 'close', 'mismatch', 'missing'), reason: fc.constantFrom('same', 'transposition', 'day/month swapped', 'a, "quoted" reason') });
/** A few shared `fields` objects (frozen, as the register's), some without a field. */
const fieldsPool = fc.array(fc.dictionary(fc.constantFrom(...FIELDS), fieldVerdict).map((o) => Object.freeze(o as Record<string, FieldVerdict>)), { minLength: 1, maxLength: 4 });

function verdicts(pool: ReadonlyArray<Readonly<Record<string, FieldVerdict>>>) {
  return fc.array(
    fc.record({
      fields: fc.constantFrom(...pool),
      status: fc.constantFrom('VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID', 'AMBIGUOUS'),
      recordId: fc.oneof(fc.constant(null), fc.nat(), fc.constantFrom('HS1', '=cmd', 'a,b', 'x"y', '')),
      matchedBy: fc.constantFrom('id', 'earlierId', null),
      weight: fc.oneof(fc.constantFrom(Number.NaN, 0, -0, 12.5), fc.double({ min: -50, max: 50, noNaN: true })),
      reason: fc.option(fc.constantFrom('NAME_MISMATCH', 'ID_NOT_FOUND', 'needs, quoting'), { nil: undefined }),
      candidates: fc.option(fc.array(fc.record({ recordId: fc.oneof(fc.nat(), fc.constant('HS"2')), weight: fc.double({ min: -5, max: 30, noNaN: true }) }), { maxLength: 3 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 40 },
  );
}

describe('VerdictCsvLines: the line every cell formatted gives', () => {
  it('for random verdicts sharing fields objects, any delimiter and escaping, with and without candidates', () => {
    fc.assert(
      fc.property(
        fieldsPool.chain((pool) => verdicts(pool)),
        fc.constantFrom(',', ';', '\t'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (vs, delimiter, escapeFormulas, textIds, withCandidates) => {
          const spec: VerdictRowSpec = { fields: FIELDS, textIds, withCandidates, candidatesAsText: true };
          const columns = withCandidates ? [...COLUMNS, 'candidates'] : COLUMNS;
          const fast = new VerdictCsvLines(spec, new CsvLineFormatter(columns, delimiter, escapeFormulas));
          const format = new CsvLineFormatter(columns, delimiter, escapeFormulas);
          const rows = new VerdictRows(spec, (cells) => format.run(cells));
          vs.forEach((raw, i) => {
            const v = { ...raw, explanation: null } as unknown as Verdict;
            expect(fast.line(i + 1, v)).toBe(format.rowText(rows.cells(i + 1, v), i + 1));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('VerdictRows: absent values are null, ids as text with textIds, candidates as JSON text or the list', () => {
    const fields = Object.freeze({ id: { result: 'exact', reason: 'same' } }) as unknown as Verdict['fields'];
    const v = { status: 'NOT_FOUND', fields, recordId: 7, matchedBy: null, weight: Number.NaN, explanation: null, candidates: [{ recordId: 3, weight: 1.5 }] } as unknown as Verdict;
    const runs: unknown[][] = [];
    const asText = new VerdictRows({ fields: ['id', 'name'], textIds: true, withCandidates: true, candidatesAsText: true }, (cells) => (runs.push([...cells]), new CsvLineFormatter(['a', 'b', 'c', 'd'], ',', true).run(cells)));
    const cells = asText.cells(4, v);
    expect(cells.slice(0, 6)).toEqual([4, 'NOT_FOUND', '7', null, null, null]);
    expect(cells[7]).toBe('[{"record_id":"3","weight":1.5}]');
    asText.cells(5, v);
    expect(runs).toEqual([['exact', 'same', null, null]]); // one run per fields object
    const asList = new VerdictRows({ fields: ['id'], textIds: false, withCandidates: true, candidatesAsText: false }, (cells) => new CsvLineFormatter(['a', 'b'], ',', true).run(cells));
    const list = asList.cells(1, v);
    expect(list[2]).toBe(7);
    expect(list[7]).toEqual([{ record_id: 3, weight: 1.5 }]);
  });
});
