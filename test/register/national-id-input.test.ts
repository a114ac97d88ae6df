import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { idDigits, idNumber, parseIdInput } from '../../src/register/national-id-input.js';

describe('parseIdInput', () => {
  it('reads the lost leading zeros of spreadsheets (11 and 10 digits, string or number)', () => {
    for (const input of ['1090012345', 1090012345, ' 1090012345 ', '01090012345']) {
      const p = parseIdInput(input);
      expect(p.ok && [p.digits, p.restoredLeadingZero]).toEqual(['001090012345', true]);
    }
    expect(parseIdInput('9990000000').ok).toBe(false);
    expect(parseIdInput('abc')).toEqual({ ok: false, code: 'INVALID_ID', reason: 'non-digit' });
  });
});

describe('idNumber / idDigits', () => {
  it('round trip every canonical 12- and 9-digit form (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 999_999_999 }), (prefix, rest, cmnd) => {
        const cccd = String(prefix).padStart(3, '0') + String(rest).padStart(9, '0');
        expect(idDigits(idNumber(cccd))).toBe(cccd);
        const nine = String(cmnd).padStart(9, '0');
        expect(idDigits(idNumber(nine))).toBe(nine);
        expect(idNumber(cccd)).toBeGreaterThanOrEqual(1e9);
        expect(idNumber(nine)).toBeLessThan(1e9);
        // The digit loop is Number() of the digits (a register saved before it holds those numbers).
        expect(idNumber(cccd)).toBe(Number(cccd));
        expect(idNumber(nine)).toBe(Number(nine));
      }),
      { seed: 1, numRuns: 500 },
    );
  });
});
