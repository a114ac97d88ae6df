import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MEMO_NAMES, prepareRows, type PreparedDataset } from '../../src/pipeline/prepare.js';
import { defineSchema } from '../../src/schema.js';

/** Row r's cells, column by column (null for a missing cell). */
function rowCells(p: PreparedDataset, row: number): unknown[] {
  return p.store.columns.map((c) => {
    if (p.store.isNull(c.name, row)) return null;
    return c.type === 'ascii' || c.type === 'utf8' ? p.store.getString(c.name, row) : p.store.getNumber(c.name, row);
  });
}

const schemaOf = (locale: 'vi' | 'generic') => defineSchema({ name: { kind: 'personName', locale }, dob: { kind: 'date' } });

describe('prepare: a row\'s name forms do not depend on the rows before it (the full-name memo)', () => {
  // Written forms that repeat, differ only in case, spacing, Unicode form or order, or have no letters.
  const name = fc.constantFrom(
    'Nguyễn Văn An', 'nguyễn văn an', 'NGUYEN VAN AN', '  Nguyễn   Văn An ', 'Nguye\u0302\u0303n Văn An', 'An Nguyễn Văn', 'Văn An Nguyễn',
    'Nguyễn Văn Anh', 'Nguyễn Văn', 'Nguyễn Văn An Khang', 'Âu Dương Phong', 'Trần Thị Thu Trâm', 'Lê', '!!!', '123', 'Mary Ann Smith', 'Smith, John', "K'Nhiêu Hà", '',
  );

  for (const locale of ['vi', 'generic'] as const) {
    it(`${locale}: every row's cells equal those of the row prepared alone (property)`, async () => {
      const rows = fc.sample(fc.array(name, { minLength: 1, maxLength: 40 }), { seed: locale === 'vi' ? 5 : 6, numRuns: 15 });
      for (const names of rows) {
        const input = names.map((n, i) => ({ name: n, dob: `0${(i % 9) + 1}/05/1990` }));
        const all = await prepareRows([input], schemaOf(locale));
        expect(all.inputRows).toBe(input.length);
        // Rows with no usable value are rejected — by position, as when prepared alone.
        for (let r = 0; r < all.store.rowCount; r++) {
          const at = all.inputIndex[r]!;
          const alone = await prepareRows([[input[at]]], schemaOf(locale));
          expect(alone.store.rowCount).toBe(1);
          expect(rowCells(all, r)).toEqual(rowCells(alone, 0));
        }
        // The "no letters" issue is counted for every such row, seen before or not — digits
        // alone ('123') are no name either.
        const noLetters = input.filter((r) => r.name.trim() !== '' && !/\p{L}/u.test(r.name)).length;
        expect(all.issues.name?.['name has no letters'] ?? 0).toBe(noLetters);
      }
    });
  }

  it('after the memo was emptied, a name seen before gets the same cells', async () => {
    // More distinct names than the memo holds, then the first ones again.
    const n = MAX_MEMO_NAMES + 10;
    const input: Array<{ name: string; dob: string }> = [];
    for (let i = 0; i < n; i++) input.push({ name: `Nguyễn Văn A${i.toString(36)}`, dob: '01/01/1990' });
    for (let i = 0; i < 20; i++) input.push({ name: `Nguyễn Văn A${i.toString(36)}`, dob: '01/01/1990' });
    const p = await prepareRows([input], schemaOf('vi'));
    expect(p.store.rowCount).toBe(n + 20);
    for (let i = 0; i < 20; i++) {
      const alone = await prepareRows([[input[i]]], schemaOf('vi'));
      expect(rowCells(p, i)).toEqual(rowCells(alone, 0));
      expect(rowCells(p, n + i)).toEqual(rowCells(alone, 0));
    }
    // And a row just before and just after the memo was emptied.
    for (const r of [MAX_MEMO_NAMES - 1, MAX_MEMO_NAMES, MAX_MEMO_NAMES + 1]) {
      expect(rowCells(p, r)).toEqual(rowCells(await prepareRows([[input[r]]], schemaOf('vi')), 0));
    }
  });
});
