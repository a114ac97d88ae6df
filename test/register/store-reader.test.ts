import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RecordStore } from '../../src/block/record-store.js';
import { StoreReader } from '../../src/register/store-reader.js';
import { ClaimName, compareName, compareNameCellText } from '../../src/register/name-verdict.js';
import { NAME_STYLE_LOWER } from '../../src/register/written-form.js';
import { NAME, O_CLAIM_MISSING, O_RECORD_MISSING } from '../../src/register/verdict.js';

describe('StoreReader', () => {
  it('reads what RecordStore accessors read, across chunks and while the store grows (property)', () => {
    const row = fc.record({
      t: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }),
      n: fc.option(fc.integer({ min: -1e6, max: 1e6 }), { nil: null }),
      u: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      // Long values (past the JavaScript decoder's limit) and any code point: the native path.
      l: fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 300 })), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const store = new RecordStore(
          [
            { name: 't', type: 'utf8' },
            { name: 'n', type: 'int32' },
            { name: 'u', type: 'uint8' },
            { name: 'l', type: 'utf8' },
          ],
          { chunkBits: 3 },
        );
        const reader = new StoreReader(store);
        const all = Int32Array.of(0, 1, 2, 3);
        rows.forEach((r, i) => {
          store.append([r.t, r.n, r.u, r.l]);
          // Read an early row again after every append: cached views must follow pool growth.
          for (const k of [0, i >> 1, i]) {
            // touchRows reads every kind of cell (null, text, numbers; a chunk the reader has not
            // seen yet), over rows of every chunk so far, −1 (no row) among them, and changes
            // nothing the accessors below read.
            const some = Int32Array.of(i, -1, k, 0, i >> 1);
            expect(Number.isInteger(reader.touchRows(some, some.length, all, 4))).toBe(true);
            expect(reader.text(0, k)).toBe(store.getString(0, k));
            expect(reader.number(1, k)).toBe(store.getNumber(1, k));
            expect(reader.number(2, k)).toBe(store.getNumber(2, k));
            expect(reader.text(3, k)).toBe(store.getString(3, k));
          }
        });
      }),
      { seed: 13, numRuns: 40 },
    );
  });

  it('reads what RecordStore accessors read in a store filled before the reader meets it — full chunks without nulls (the shared zero bitmap), with nulls, a partial last chunk — and after it grows (property)', () => {
    // Per chunk of 8 rows, whether its cells may be null: most chunks have none (a register).
    const chunk = fc.record({ nulls: fc.boolean(), rows: fc.array(fc.tuple(fc.option(fc.string({ maxLength: 6 }), { nil: null, freq: 3 }), fc.option(fc.integer({ min: -1e6, max: 1e6 }), { nil: null, freq: 3 })), { minLength: 8, maxLength: 8 }) });
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 7 }), fc.array(chunk, { maxLength: 2 }), (chunks, cut, later) => {
        const store = new RecordStore([{ name: 't', type: 'utf8' }, { name: 'n', type: 'int32' }], { chunkBits: 3 });
        const add = (cs: typeof chunks, last: number): void => {
          cs.forEach((c, j) => {
            const rows = j === cs.length - 1 ? c.rows.slice(0, 8 - last) : c.rows;
            for (const [t, n] of rows) store.append(c.nulls ? [t, n] : [t ?? '', n ?? 0]);
          });
        };
        add(chunks, cut);
        const reader = new StoreReader(store);
        const both = Int32Array.of(0, 1);
        const check = (): void => {
          const rows = Int32Array.from({ length: store.rowCount }, (_, r) => r);
          expect(Number.isInteger(reader.touchRows(rows, rows.length, both, 2))).toBe(true);
          for (let r = 0; r < store.rowCount; r++) {
            expect(reader.text(0, r)).toBe(store.getString(0, r));
            expect(reader.number(1, r)).toBe(store.getNumber(1, r));
          }
        };
        check();
        add(later, 0);
        check();
      }),
      { seed: 17, numRuns: 200 },
    );
  });

  it('nameOutcome answers compareNameCellText on the decoded cell (compareName on its name), across chunks, for missing cells, tails and text outside the BMP (property)', () => {
    const seen = new Set<number>();
    const letters = 'aăâbdđeêgiklmnoôơuưyàáảãạằắẳẵặềếểễệỳýỷỹỵ ';
    const value = fc.option(fc.oneof({ arbitrary: fc.string({ unit: fc.constantFrom(...letters), maxLength: 10 }), weight: 8 }, { arbitrary: fc.constantFrom('an 😀', 'nguyễn văn an', 'nguyen van an'), weight: 1 }), { nil: null });
    // A cell's tail (written-form.ts): none, a written text (the value in NFD, in Title case, or 😀), no text, Title, UPPER.
    const tail = fc.constantFrom(-1, 0, 1, 2, 3, 4, 5);
    const tailOf = (v: string, t: number): string =>
      t === 0 ? '\u0000\u0000' + v.normalize('NFD') : t === 1 ? '\u0000\u0000' + v.toUpperCase() + '😀' : t === 2 ? '\u0000\u0000' : t === 3 ? '\u0000\u0002' : t === 4 ? '\u0000\u0003' : t === 5 ? '\u0000\u0000' + v : '';
    fc.assert(
      fc.property(fc.array(fc.tuple(value, tail), { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 3 }), fc.nat(5)), { minLength: 1, maxLength: 20 }), (values, asks) => {
        const store = new RecordStore([{ name: 't', type: 'utf8' }], { chunkBits: 3 });
        for (const [v, t] of values) store.append([v === null ? null : v + tailOf(v, t)]);
        const reader = new StoreReader(store);
        for (const [r, style, how] of asks) {
          const row = r % values.length;
          const stored = reader.text(0, row);
          const hasTail = stored !== null && stored.includes('\u0000');
          // The stored value as written in a style, in another one, without diacritics, as its tail, or another value.
          const base = values[(row + (r & 1)) % values.length]![0] ?? 'x';
          const written =
            how === 0 ? base.toUpperCase() : how === 1 ? base : how === 2 ? base.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : how === 3 ? base.normalize('NFD') : how === 4 ? base.toUpperCase() + '😀' : base.split(' ').map((t) => (t === '' ? t : t[0]!.toUpperCase() + t.slice(1))).join(' ');
          const claim = written.trim() === '' ? null : new ClaimName(written.trim(), 'vi', true);
          const expected = compareNameCellText(claim, stored, style);
          seen.add(expected);
          expect(reader.nameOutcome(0, row, claim, style, hasTail)).toBe(expected);
          // A cell without a tail: what compareName says of it.
          if (!hasTail) expect(expected).toBe(compareName(claim, stored, style < 0 ? NAME_STYLE_LOWER : style));
        }
      }),
      { seed: 31, numRuns: 300 },
    );
    // The property saw exact, equivalent, close, mismatch and missing answers.
    for (const o of [NAME.EXACT, NAME.DIACRITICS, NAME.DIFFERS, O_RECORD_MISSING, O_CLAIM_MISSING]) expect(seen).toContain(o);
  });
});
