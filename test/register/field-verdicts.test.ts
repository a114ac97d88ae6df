/**
 * Field verdicts (src/register/field-verdicts.ts): the ID comparison on digit code units and
 * the per-claim memo of the equal-date comparison, each against the string form it replaced
 * (written out again here as the oracle). Every value is made up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PreparedClaim } from '../../src/register/claim.js';
import { compareDateField, compareIdField, sameIdOutcome, writeIdDigits } from '../../src/register/field-verdicts.js';
import { idDigits, idNumber } from '../../src/register/national-id-input.js';
import { registerLayout } from '../../src/register/register-layout.js';
import { NationalIdLevel, compareNationalIdStrings } from '../../src/compare/national-id-level.js';
import { isDateWritten, packDateCell } from '../../src/register/written-form.js';
import { DATE, ID, O_RECORD_MISSING } from '../../src/register/verdict.js';
import type { ParsedNationalId } from '../../src/text/national-id.js';
import { defineSchema } from '../../src/schema.js';
import { Register } from '../../src/register/register.js';

const layout = registerLayout(
  defineSchema({ id: { kind: 'nationalId', country: 'VN' }, name: { kind: 'personName' }, dob: { kind: 'date' }, dob2: { kind: 'date' } }),
  true,
);
const ID_F = layout.id;
const DOB = layout.date!;
const DOB2 = layout.fields[3]!;

/** compareIdField as it was: the record's digits as a string (idDigits), compared as strings. */
function idOracle(claim: PreparedClaim, record: number | null): number {
  const p = claim.id(ID_F);
  if (p === null) return 0;
  if (record === null) return O_RECORD_MISSING;
  if (!p.ok) return ID.INVALID;
  const digits = idDigits(record);
  if ((p as ParsedNationalId).digits === digits) return sameIdOutcome(claim, ID_F);
  switch (compareNationalIdStrings((p as ParsedNationalId).digits, digits)) {
    case NationalIdLevel.ONE_DIGIT:
      return ID.ONE_DIGIT;
    case NationalIdLevel.TRANSPOSITION:
      return ID.TRANSPOSITION;
    case NationalIdLevel.DIFFERENT_SCHEME:
      return ID.DIFFERENT_SCHEME;
    default:
      return ID.DIFFERS;
  }
}

describe('writeIdDigits', () => {
  it('writes idDigits(n) for every integer 0 ≤ n < 10^12, and refuses anything else (property)', () => {
    const out = new Uint8Array(12);
    const check = (n: number): void => {
      const len = writeIdDigits(n, out);
      expect(String.fromCharCode(...out.subarray(0, len))).toBe(idDigits(n));
    };
    for (const n of [0, 1, 999_999_999, 1e9, 1e9 + 1, 1_090_012_345, 1e12 - 1]) check(n);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 999_999 }), (hi, lo) => check(hi * 1e6 + lo)),
      { seed: 3, numRuns: 2000 },
    );
    for (const n of [-1, 1e12, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53]) expect(writeIdDigits(n, out), String(n)).toBe(-1);
  });
});

describe('compareIdField on digit units equals the string comparison', () => {
  it('for IDs near the record’s (one digit, swapped digits, lost zero, old 9-digit, invalid) and odd stored numbers (property)', () => {
    const cccd = fc.tuple(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 0, max: 999_999_999 })).map(([p, r]) => String(p).padStart(3, '0') + String(r).padStart(9, '0'));
    const cmnd = fc.integer({ min: 0, max: 999_999_999 }).map((n) => String(n).padStart(9, '0'));
    const stored = fc.oneof(cccd, cmnd);
    const edit = fc.tuple(fc.nat(5), fc.nat(11), fc.nat(9));
    /** A claimed ID written from the stored digits with edit `e`. */
    const claimOf = (digits: string, [kind, at, d]: [number, number, number]): unknown => {
      const i = at % digits.length;
      switch (kind) {
        case 0: return digits;
        case 1: return digits.slice(0, i) + String(d) + digits.slice(i + 1);
        case 2: return i + 1 < digits.length ? digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2) : digits;
        case 3: return digits.replace(/^0/, ''); // a spreadsheet's lost zero
        case 4: return `${digits.slice(0, 3)} ${digits.slice(3)}`;
        default: return d % 2 === 0 ? 'abc' : String(d).repeat(9);
      }
    };
    fc.assert(
      fc.property(stored, stored, edit, fc.constantFrom(0, 0, 0, 1, 2, 3), (digits, other, e, odd) => {
        const claim = new PreparedClaim({ id: claimOf(digits, e) }, layout);
        // The stored number: the record's, another record's, or one outside what a register stores.
        const record = [idNumber(digits), idNumber(other), 1e12 + 7, 12.5][odd]!;
        expect(compareIdField(claim, ID_F, record)).toBe(idOracle(claim, record));
      }),
      { seed: 5, numRuns: 3000 },
    );
    const none = new PreparedClaim({}, layout);
    expect(compareIdField(none, ID_F, 1_090_012_345)).toBe(idOracle(none, 1_090_012_345));
    const some = new PreparedClaim({ id: '001090012345' }, layout);
    expect(compareIdField(some, ID_F, null)).toBe(O_RECORD_MISSING);
    expect(compareIdField(some, ID_F, idNumber('001090012345'))).toBe(ID.EXACT);
  });
});

describe('compareDateField: the equal-date memo', () => {
  it('answers like a fresh claim for any sequence of records, formats and date fields (property)', () => {
    const written = fc.constantFrom('01/05/1990', '1/5/1990', '1990-05-01', '19900501', '01-05-1990', '01.05.1990', '1990', '05/1990', '1990/05/01', '1990-05', ' 01/05/1990', '32/13/1990');
    const records = fc.constantFrom(19900501, 19900000, 19900500, 19900105, 19910501);
    const fields = fc.constantFrom(DOB, DOB2);
    fc.assert(
      fc.property(written, written, fc.array(fc.tuple(records, fc.integer({ min: 0, max: 15 }), fields), { minLength: 1, maxLength: 12 }), (a, b, calls) => {
        const raw = { dob: a, dob2: b };
        const kept = new PreparedClaim(raw, layout);
        for (const [record, format, f] of calls) {
          // Every date field's cell carries its written format (written-form.ts).
          const cell = packDateCell(record, format);
          const fresh = new PreparedClaim(raw, layout);
          expect(compareDateField(kept, f, cell)).toBe(compareDateField(fresh, f, cell));
        }
      }),
      { seed: 8, numRuns: 1500 },
    );
  });

  it('is exact exactly when the record’s rendering is the claim’s text', () => {
    const claim = new PreparedClaim({ dob: '1990-05-01', dob2: '01/05/1990' }, layout);
    expect(compareDateField(claim, DOB, packDateCell(19900501, 3))).toBe(DATE.EXACT); // yyyy-mm-dd
    expect(isDateWritten('1990-05-01', 19900501, 3)).toBe(true);
    expect(compareDateField(claim, DOB, packDateCell(19900501, 1))).toBe(DATE.FORMAT); // dd/mm/yyyy
    expect(compareDateField(claim, DOB, packDateCell(19900501, 3))).toBe(DATE.EXACT); // from the memo
    expect(compareDateField(claim, DOB, packDateCell(19900501, 0))).toBe(DATE.FORMAT); // written otherwise
    // Another date field starts afresh, with its own written form.
    expect(compareDateField(claim, DOB2, packDateCell(19900501, 1))).toBe(DATE.EXACT);
    expect(compareDateField(claim, DOB2, packDateCell(19900501, 3))).toBe(DATE.FORMAT);
    expect(compareDateField(claim, DOB, packDateCell(19900501, 1))).toBe(DATE.FORMAT);
    expect(compareDateField(claim, DOB, packDateCell(19900502, 3))).toBe(DATE.ONE_DAY);
  });
});

describe('a category of province names in the register (as dedupe reads them)', () => {
  const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' } } as const;
  const person = { id: '001090012345', name: 'Nguyễn Văn An', dob: '01/02/1990', sex: 'Nam' };
  const policy = { require: { province: ['exact', 'equivalent', 'missing'] } } as const;
  it('another name of one province is equivalent, an old one against its 2025 successor close, two provinces one letter apart a mismatch', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['Hà Giang', 'Tỉnh Hà Giang', 'equivalent', 'province-name'],
      ['TP. Hồ Chí Minh', 'Sài Gòn', 'equivalent', 'province-name'],
      ['TP. Hồ Chí Minh', 'TP HCM', 'equivalent', 'province-name'],
      ['Thành phố Huế', 'Thừa Thiên Huế', 'equivalent', 'province-name'],
      ['Hanoi', 'Hà Nội', 'equivalent', 'province-name'],
      ['Hà Giang', 'Tuyên Quang', 'close', 'province-merged'],
      ['Tuyên Quang', 'Hà Giang', 'close', 'province-merged'],
      ['Bình Dương', 'Bà Rịa - Vũng Tàu', 'mismatch', 'differs'],
      ['Quảng Ninh', 'Quảng Bình', 'mismatch', 'differs'],
      ['Thanh Hóa', 'Khánh Hòa', 'mismatch', 'differs'],
      ['Quảng Ninh', 'Quang Ninh', 'equivalent', 'folded'],
      ['London', 'Londno', 'close', 'typo'], // not a province: a typo as before
    ];
    for (const [stored, claimed, result, reason] of cases) {
      const reg = await Register.build(schema, [{ ...person, province: stored }], { policy });
      const v = reg.authenticate({ ...person, province: claimed });
      expect([stored, claimed, v.fields.province]).toEqual([stored, claimed, { result, reason }]);
      expect(v.status).toBe(result === 'equivalent' ? 'VERIFIED' : 'MISMATCH');
    }
  });

  it('a category that is not mostly province names (a district field) is not read as provinces', async () => {
    const districtSchema = { ...schema, province: { kind: 'category' } } as const;
    const districts = ['Quận 1', 'Quận 3', 'Huyện Sa Pa', 'Huyện Bát Xát', 'Thành phố Lào Cai', 'Thành phố Yên Bái', 'Huyện Văn Chấn'];
    const rows = districts.map((d, i) => ({ ...person, id: `00109001234${i}`, province: d }));
    const reg = await Register.build(districtSchema, rows, { policy });
    const v = reg.authenticate({ ...rows[4]!, province: 'Thành phố Yên Bái' });
    expect(v.fields.province).toEqual({ result: 'mismatch', reason: 'differs' }); // two cities, not an old province and its successor
    // The same two values in a field of provinces: merged.
    const provinces = await Register.build(districtSchema, [{ ...person, province: 'Lào Cai' }], { policy });
    expect(provinces.authenticate({ ...person, province: 'Yên Bái' }).fields.province).toEqual({ result: 'close', reason: 'province-merged' });
  });
});
