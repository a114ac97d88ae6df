import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  NATIONAL_ID_LEVELS, NationalIdLevel, compareNationalIdRows, compareNationalIdStrings, compareNationalIds,
} from '../../src/compare/national-id-level.js';
import { StringColumn } from '../../src/block/text-column.js';
import { bytesOf } from './oracles.js';

describe('compareNationalIds', () => {
  // 001 = Hà Nội, 0 = male born 1900–1999, 90 = 1990, then 6 digits; 079… = TP HCM.
  const table: Array<[string, string, NationalIdLevel]> = [
    ['', '001090012345', NationalIdLevel.MISSING],
    ['001090012345', '001090012345', NationalIdLevel.EXACT],
    ['013456789', '013456789', NationalIdLevel.EXACT], // two old CMND numbers
    ['01090012345', '001090012345', NationalIdLevel.LOST_LEADING_ZERO], // spreadsheet dropped the 0
    ['79301123456', '079301123456', NationalIdLevel.LOST_LEADING_ZERO],
    ['001090012345', '001090012845', NationalIdLevel.ONE_DIGIT],
    ['013456789', '013456788', NationalIdLevel.ONE_DIGIT],
    ['001090012345', '001090013245', NationalIdLevel.TRANSPOSITION],
    ['001090012345', '010090012345', NationalIdLevel.TRANSPOSITION],
    ['013456789', '001090012345', NationalIdLevel.DIFFERENT_SCHEME], // CMND vs CCCD
    ['013456789', '01090012345', NationalIdLevel.DIFFERENT_SCHEME], // CMND vs CCCD without its 0
    ['001090012345', '079301123456', NationalIdLevel.ELSE],
    ['11090012345', '001090012345', NationalIdLevel.ELSE], // 11 digits but not a lost leading zero
    ['01090012345', '101090012345', NationalIdLevel.ELSE], // 12-digit side does not start with 0
    ['001090012345', '00109001234', NationalIdLevel.ELSE], // lost a trailing digit
    ['01090012345', '01090012346', NationalIdLevel.ONE_DIGIT], // two 11-digit values: plain edit rules
    ['0109001234', '001090012345', NationalIdLevel.ELSE], // 10 digits: no scheme
  ];
  it.each(table)('%s vs %s → level %i', (a, b, level) => {
    expect(compareNationalIdStrings(a, b)).toBe(level);
    expect(compareNationalIdStrings(b, a)).toBe(level);
    const ua = bytesOf(`x${a}`);
    const ub = bytesOf(`${b}yy`);
    expect(compareNationalIds(ua, 1, 1 + a.length, ub, 0, b.length)).toBe(level);
  });

  it('every level is reached by the table', () => {
    expect([...new Set(table.map((r) => r[2]))].sort()).toEqual(NATIONAL_ID_LEVELS.map((l) => l.code));
  });

  it('null rows are missing', () => {
    const a = new StringColumn([null, '001090012345']);
    const b = new StringColumn(['001090012345', '01090012345']);
    expect(compareNationalIdRows(a, 0, b, 0)).toBe(NationalIdLevel.MISSING);
    expect(compareNationalIdRows(a, 1, b, 1)).toBe(NationalIdLevel.LOST_LEADING_ZERO);
  });

  it('a 12-digit ID and itself with its leading zero removed are always lost-leading-zero', () => {
    const tail = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 11 });
    fc.assert(fc.property(tail, (t) => {
      expect(compareNationalIdStrings(`0${t}`, t)).toBe(NationalIdLevel.LOST_LEADING_ZERO);
    }), { numRuns: 200 });
  });
});
