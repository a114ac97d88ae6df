import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCALE_WITHOUT_NAMES, MAX_MEMO_NAMES, prepareRows, type PreparedDataset } from '../../src/pipeline/prepare.js';
import { defineSchema } from '../../src/schema.js';
import { Rng } from '../../src/util/rng.js';

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

describe('prepare: an auto locale is decided from the rows that have a name', () => {
  const VI = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Minh Cường', 'Phạm Thu Dung', 'Hoàng Đức Em', 'Vũ Thị Phương'];
  const EN = ['James Smith', 'Mary Jones', 'Robert Brown', 'Linda Taylor', 'Paul Wilson', 'Emma Evans'];
  /** No name for the sample: absent, null, blank, a placeholder, no letter, no Latin letter ("Иван2" folds to "2": a name cell, not a name). */
  const NAMELESS: unknown[] = [undefined, null, '', '   ', 'N/A', 'unknown', '0', '#', 42, 'Иван', 'Иван2', '—'];
  const auto = defineSchema({ name: { kind: 'personName' }, dob: { kind: 'date' } });
  const SAMPLE = 40;

  it('whatever the order of the rows and however many nameless rows come first: the majority of the named rows when they fit the sample; a link samples both inputs (property)', async () => {
    const data = fc.sample(
      fc.record({
        vi: fc.nat(SAMPLE),
        en: fc.nat(SAMPLE),
        nameless: fc.integer({ min: 0, max: 3 * SAMPLE }),
        orders: fc.array(fc.integer(), { minLength: 3, maxLength: 3 }),
      }).filter((d) => d.vi + d.en <= SAMPLE),
      { seed: 21, numRuns: 25 },
    );
    for (const d of data) {
      const rows: Array<Record<string, unknown>> = [];
      for (let i = 0; i < d.vi; i++) rows.push({ rid: `v${i}`, name: VI[i % VI.length], dob: '01/02/1990' });
      for (let i = 0; i < d.en; i++) rows.push({ rid: `e${i}`, name: EN[i % EN.length], dob: '01/02/1990' });
      for (let i = 0; i < d.nameless; i++) {
        const v = NAMELESS[i % NAMELESS.length];
        rows.push(v === undefined ? { rid: `n${i}`, dob: '01/02/1990' } : { rid: `n${i}`, name: v, dob: '01/02/1990' });
      }
      // The majority of the named rows; none named: LOCALE_WITHOUT_NAMES.
      const expected = d.vi + d.en === 0 ? LOCALE_WITHOUT_NAMES : d.vi >= d.en ? 'vi' : 'generic';
      const orders = [
        [...rows.filter((r) => r.rid!.toString().startsWith('n')), ...rows.filter((r) => !r.rid!.toString().startsWith('n'))], // nameless first
        ...d.orders.map((seed) => shuffled(rows, seed)),
      ];
      let cells: Map<string, unknown[]> | null = null;
      for (const order of orders) {
        const p = await prepareRows([order], auto, { idField: 'rid', localeSampleSize: SAMPLE });
        expect(p.nameGroups[0]!.locale).toBe(expected);
        // Each row's cells the same in every order (rows before and after the decision alike).
        const byId = new Map(Array.from({ length: p.store.rowCount }, (_, r) => [String(p.userIds[r]), rowCells(p, r)] as const));
        if (cells === null) cells = byId;
        else expect(byId).toEqual(cells);
        // Split into a link's two inputs at any point: the same.
        const cut = (d.orders[0]! >>> 0) % (order.length + 1);
        const l = await prepareRows([order.slice(0, cut), order.slice(cut)], auto, { idField: 'rid', localeSampleSize: SAMPLE });
        expect(l.nameGroups[0]!.locale).toBe(expected);
        expect(l.sourceRows.reduce((a, b) => a + b, 0)).toBe(p.store.rowCount);
      }
    }
  });

  it('nameless rows ahead of the sample do not count, for split name fields too', async () => {
    const split = defineSchema({ first: { kind: 'givenName' }, last: { kind: 'familyName' }, dob: { kind: 'date' } });
    const rows = [
      ...Array.from({ length: 3 * SAMPLE }, (_, i) => ({ first: i % 2 === 0 ? '' : '0', last: i % 3 === 0 ? 'N/A' : null, dob: '01/02/1990' })),
      ...Array.from({ length: SAMPLE }, (_, i) => ({ first: ['James', 'Mary', 'Paul'][i % 3], last: ['Smith', 'Jones'][i % 2], dob: '01/02/1990' })),
    ];
    expect((await prepareRows([rows], split, { localeSampleSize: SAMPLE })).nameGroups[0]!.locale).toBe('generic');
    // Placeholders ("N/A") are no names: Vietnamese names behind them are not outvoted.
    const vi = [...Array.from({ length: 3 * SAMPLE }, () => ({ name: 'N/A', dob: '01/02/1990' })), ...VI.map((name) => ({ name, dob: '01/02/1990' }))];
    expect((await prepareRows([vi], auto, { localeSampleSize: SAMPLE })).nameGroups[0]!.locale).toBe('vi');
  });
});

describe('prepare: a name part without a letter is no name part', () => {
  /** Values without a letter: digits, symbols, numbers. */
  const NO_LETTER = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'0123456789#-?./ ()*'), minLength: 1, maxLength: 6 }).filter((s) => s.trim() !== ''),
    fc.integer({ min: 0, max: 10 ** 6 }),
  );
  const split = defineSchema({ first: { kind: 'givenName', locale: 'generic' }, last: { kind: 'familyName', locale: 'generic' }, dob: { kind: 'date' } });

  it('a given or family name without a letter is missing and counted "name has no letters" on its field (property)', async () => {
    const data = fc.sample(fc.array(fc.tuple(fc.option(NO_LETTER, { nil: null }), fc.boolean()), { minLength: 1, maxLength: 20 }), { seed: 22, numRuns: 20 });
    for (const parts of data) {
      // Each row: one part letter-less (or absent), the other a name.
      const rows = parts.map(([v, givenBad], i) => ({ first: givenBad ? v : 'Mary', last: givenBad ? 'Smith' : v, dob: `0${(i % 9) + 1}/05/1990` }));
      const p = await prepareRows([rows], split);
      expect(p.store.rowCount).toBe(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const givenBad = parts[r]![1];
        // A missing part is empty (as an absent one); its key too.
        for (const form of givenBad ? ['given', 'givenKey'] : ['family', 'familyKey']) expect(p.store.getString(`last+first.${form}`, r) ?? '').toBe('');
        expect(p.store.getString(givenBad ? 'last+first.family' : 'last+first.given', r)).toBe(givenBad ? 'smith' : 'mary');
        expect(p.store.getString('last+first.keySet', r)).toBe(null);
      }
      const bad = (given: boolean) => parts.filter(([v, g]) => v !== null && g === given).length;
      expect(p.issues['first']?.['name has no letters'] ?? 0).toBe(bad(true));
      expect(p.issues['last']?.['name has no letters'] ?? 0).toBe(bad(false));
    }
  });

  for (const locale of ['vi', 'generic'] as const) {
    it(`${locale}: tokens without a letter inside a name are dropped — the cells of the name without them, no issue (property)`, async () => {
      const NAMES = ['Nguyễn Văn An', 'Trần Thị Thu Trâm', 'Âu Dương Phong', 'Mary Ann Smith', 'John Smith', 'Lê', 'Smith, John'];
      const data = fc.sample(fc.tuple(fc.constantFrom(...NAMES), fc.array(fc.tuple(fc.nat(), NO_LETTER), { minLength: 1, maxLength: 3 })), { seed: locale === 'vi' ? 23 : 24, numRuns: 60 });
      for (const [name, inserts] of data) {
        const words = name.split(' ');
        for (const [at, v] of inserts) words.splice(at % (words.length + 1), 0, String(v).replace(/\s/g, '') || '0');
        const withTokens = await prepareRows([[{ name: words.join(' '), dob: '01/05/1990' }]], schemaOf(locale));
        const without = await prepareRows([[{ name, dob: '01/05/1990' }]], schemaOf(locale));
        expect(rowCells(withTokens, 0)).toEqual(rowCells(without, 0));
        expect(withTokens.issues).toEqual({});
      }
    });
  }
});

/** `rows` in a seeded random order. */
function shuffled<T>(rows: readonly T[], seed: number): T[] {
  const out = rows.slice();
  const rng = new Rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
