import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  EditShape, IDENTIFIER_LEVELS, IdentifierLevel, compareIdentifierRows, compareIdentifierSpans, compareIdentifiers, editShape,
} from '../../src/compare/identifier-level.js';
import { StringColumn } from '../../src/block/text-column.js';
import { bytesOf, naiveLevenshtein, naiveOsa } from './oracles.js';

describe('compareIdentifiers', () => {
  // Real-shaped identifiers: social-insurance numbers (10 digits), passports, phone numbers.
  const table: Array<[string, string, IdentifierLevel]> = [
    ['', '0123456789', IdentifierLevel.MISSING],
    ['7912345678', '', IdentifierLevel.MISSING],
    ['7912345678', '7912345678', IdentifierLevel.EXACT],
    ['B1234567', 'B1234557', IdentifierLevel.ONE_TYPO], // substitution
    ['0912345678', '091234567', IdentifierLevel.ONE_TYPO], // deletion at the end
    ['0912345678', '09123456789', IdentifierLevel.ONE_TYPO], // insertion
    ['0912345678', '0192345678', IdentifierLevel.TRANSPOSITION],
    ['0912345678', '0912345687', IdentifierLevel.TRANSPOSITION],
    ['0912345678', '0912345600', IdentifierLevel.TWO_TYPOS], // two substitutions
    ['0912345678', '1902345678', IdentifierLevel.TWO_TYPOS], // swap of non-adjacent digits
    ['0912345678', '0913245687', IdentifierLevel.TWO_TYPOS], // two transpositions
    ['C0345678', 'C034567890', IdentifierLevel.TWO_TYPOS], // two insertions
    ['lucy.jenkins9@silva.info', 'lucyjenkifs9@silva.inno', IdentifierLevel.ELSE], // three
    ['0912345678', '0912340000', IdentifierLevel.ELSE],
    ['C0345678', 'C03456789012', IdentifierLevel.ELSE],
    // A worded identifier (more letters than digits) whose digits differ: the digits people add
    // to tell namesakes apart — no slip, even beside a slip in the letters. Its letters alone
    // still take slips.
    ['joe.mcdonald64@hotmail.com', 'joe.mcdonald61@hotmail.com', IdentifierLevel.ELSE],
    ['joe.mcdonald64@hotmail.com', 'joe.mcdonald4@hotmail.com', IdentifierLevel.ELSE],
    ['joe.mcdonald@hotmail.com', 'joe.mcdonald1@hotmail.com', IdentifierLevel.ELSE],
    ['joe.mcdonald1964@hotmail.com', 'joe.mcdonald1968@hotmail.com', IdentifierLevel.ELSE],
    ['0912345678', '0912345687', IdentifierLevel.TRANSPOSITION], // all digits: a slip
    ['joe.mcdonald64@hotmail.com', 'joe.mcdonald46@hotmail.com', IdentifierLevel.ELSE],
    ['joe.mcdonald64@hotmail.com', 'joe.mcdonlad64@hotmail.com', IdentifierLevel.TRANSPOSITION],
    ['joe.mcdonald64@hotmail.com', 'joe.mcdoald64@hotmail.com', IdentifierLevel.ONE_TYPO],
    ['joe.mcdonald64@hotmail.com', 'joe.mcdonakd64@hotmail.com', IdentifierLevel.ONE_TYPO],
    ['joe.mcdonald64@hotmail.com', 'jo.mcdonald64@hotmial.com', IdentifierLevel.TWO_TYPOS],
    ['lucy.hall04@gmail.com', 'lucy.hill14@gmail.com', IdentifierLevel.ELSE],
    ['lucy.hall04@gmail.com', 'lucy.hll04@gmail.com', IdentifierLevel.ONE_TYPO],
    // Between e-mail addresses only the user part's digits tell namesakes apart: a digit in the
    // domain is a slip like any other; in the user part it still is not.
    ['chill58@williams.com', 'chill58@williams5.com', IdentifierLevel.ONE_TYPO],
    ['chill58@williams.com', 'chill58@wil1iams.com', IdentifierLevel.ONE_TYPO],
    ['chill58@mail2.com', 'chill58@mail3.com', IdentifierLevel.ONE_TYPO],
    ['chill58@mail2.com', 'chill85@mail2.com', IdentifierLevel.ELSE],
    ['chill58@mail2.com', 'chill5@mail2.com', IdentifierLevel.ELSE],
    ['chill@williams5.com', 'chill1@williams.com', IdentifierLevel.ELSE], // the 1 is in the user part
    ['chill58@williams.com', 'chill58williams5.com', IdentifierLevel.ELSE], // one side has no '@': whole values
    // Digits as many as letters or more: every digit may be mistyped.
    ['kh000123', 'kh000124', IdentifierLevel.ONE_TYPO],
    ['ab12', 'ab13', IdentifierLevel.ONE_TYPO],
  ];
  it.each(table)('%s vs %s → level %i', (a, b, level) => {
    expect(compareIdentifiers(a, b)).toBe(level);
    expect(compareIdentifiers(b, a)).toBe(level);
  });

  it('every level is reached by the table', () => {
    const reached = new Set(table.map((r) => r[2]));
    expect([...reached].sort()).toEqual(IDENTIFIER_LEVELS.map((l) => l.code));
  });

  it('null rows are missing; row version equals span version', () => {
    const a = new StringColumn(['7912345678', null, '']);
    const b = new StringColumn(['7912345678', '7912345678', '1']);
    expect(compareIdentifierRows(a, 0, b, 0)).toBe(IdentifierLevel.EXACT);
    expect(compareIdentifierRows(a, 1, b, 1)).toBe(IdentifierLevel.MISSING);
    expect(compareIdentifierRows(a, 2, b, 2)).toBe(IdentifierLevel.MISSING);
    expect(compareIdentifierRows(a, 0, b, 2)).toBe(IdentifierLevel.ELSE);
  });

  it('editShape agrees with edit distances on random digit strings', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2'), maxLength: 8 });
    fc.assert(fc.property(digits, digits, (a, b) => {
      const ua = bytesOf(a);
      const ub = bytesOf(b);
      const shape = editShape(ua, 0, a.length, ub, 0, b.length);
      const lev = naiveLevenshtein(a, b);
      const osa = naiveOsa(a, b);
      if (shape === EditShape.EQUAL) expect(a).toBe(b);
      else if (shape === EditShape.SUBSTITUTION) expect([lev, a.length]).toEqual([1, b.length]);
      else if (shape === EditShape.INDEL) expect([lev, Math.abs(a.length - b.length)]).toEqual([1, 1]);
      else if (shape === EditShape.TRANSPOSITION) expect([osa, lev, a.length]).toEqual([1, 2, b.length]);
      else expect(osa).toBeGreaterThanOrEqual(2);
      const level = compareIdentifiers(a, b);
      if (a.length > 0 && b.length > 0 && shape === EditShape.OTHER) expect(level).toBe(osa === 2 ? IdentifierLevel.TWO_TYPOS : IdentifierLevel.ELSE);
      expect(editShape(ub, 0, b.length, ua, 0, a.length)).toBe(shape);
      expect(compareIdentifierSpans(ua, 0, a.length, ub, 0, b.length)).toBe(compareIdentifiers(a, b));
    }), { numRuns: 1000 });
  });
});
