import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  NATIONAL_ID_LEVELS, NationalIdLevel, compareNationalIdRows, compareNationalIdStrings, compareNationalIds, differingBytes32,
  equalLengthIdsDifferInThreeOrMore,
} from '../../src/compare/national-id-level.js';
import { FIXED_TEXT_WIDTH, fixedTextColumn } from '../../src/pipeline/comparisons.js';
import { StringColumn } from '../../src/block/text-column.js';
import { bytesOf } from './oracles.js';
import { parseNationalId } from '../../src/text/national-id.js';

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
    ['0109001234', '001090012345', NationalIdLevel.ELSE], // 10 digits starting 0: no scheme
    ['1090012345', '001090012345', NationalIdLevel.LOST_LEADING_ZERO], // both zeros of a 00x prefix lost
    ['1090012345', '01090012345', NationalIdLevel.LOST_LEADING_ZERO],
    ['12345678', '012345678', NationalIdLevel.LOST_LEADING_ZERO], // a CMND that lost its 0
    ['12345678', '001090012345', NationalIdLevel.DIFFERENT_SCHEME],
    ['12345678', '112345678', NationalIdLevel.ELSE],
    ['01234567', '001234567', NationalIdLevel.ELSE], // 8 digits starting 0: no scheme
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

describe('compareNationalIds agrees with parseNationalId on lost leading zeros (oracle)', () => {
  it('two forms of IDs the parser reads: lost-leading-zero exactly when the parser restores them to the same digits, different-scheme when it reads a CMND and a CCCD', () => {
    // A CMND starting with 0 and a CCCD of the 1900s, each as written or with 1..all of its
    // leading zeros dropped (as a number-typed column drops them).
    const cmnd = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^[0-9]{7}$/)).map(([d, t]) => `0${d}${t}`);
    const cccd = fc.tuple(fc.constantFrom('001', '002', '004', '079', '096'), fc.stringMatching(/^[01][0-9]{8}$/)).map(([p, r]) => p + r);
    const id = fc.oneof(cmnd, cccd);
    const form = (x: string, drop: number): string => {
      const zeros = x.length - x.replace(/^0+/, '').length;
      return x.slice(Math.min(drop, zeros));
    };
    fc.assert(
      fc.property(id, id, fc.boolean(), fc.nat(3), fc.nat(3), (x, y, same, dx, dy) => {
        const a = form(x, dx);
        const b = form(same ? x : y, dy);
        const pa = parseNationalId(a);
        const pb = parseNationalId(b);
        if (!pa.ok || !pb.ok) return true; // a CMND of one repeated digit
        const level = compareNationalIdStrings(a, b);
        if (a === b) return level === NationalIdLevel.EXACT;
        if (pa.kind !== pb.kind) return level === NationalIdLevel.DIFFERENT_SCHEME;
        if (pa.digits === pb.digits) return level === NationalIdLevel.LOST_LEADING_ZERO;
        return a.length === b.length || level === NationalIdLevel.ELSE;
      }),
      { numRuns: 5000, seed: 47 },
    );
  });
});

describe('equal-length ID pre-filter on fixed-width slots (differingBytes32, equalLengthIdsDifferInThreeOrMore)', () => {
  it('differingBytes32 counts the non-zero bytes of a word', () => {
    fc.assert(fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (x) => {
      let n = 0;
      for (let k = 0; k < 4; k++) if (((x >>> (8 * k)) & 255) !== 0) n++;
      expect(differingBytes32(x)).toBe(n);
    }), { numRuns: 2000, seed: 31 });
    expect([0, 1, 0x100, 0x80000000, 0x01010101, 0x00ff00ff].map(differingBytes32)).toEqual([0, 1, 1, 1, 4, 2]);
  });

  it('rules out only pairs whose level is else, and rules out the far ones (near copies and random IDs)', () => {
    // A base ID and copies with 0–4 random digit changes or an adjacent swap: every level of
    // equal-length IDs is reached, and pairs at 3+ differences are the ones ruled out.
    const digits = fc.stringMatching(/^[0-9]{1,15}$/);
    const change = fc.record({ pos: fc.nat(), digit: fc.integer({ min: 0, max: 9 }), swap: fc.boolean() });
    let ruledOut = 0;
    let kept = 0;
    fc.assert(fc.property(digits, fc.array(fc.array(change, { maxLength: 4 }), { minLength: 1, maxLength: 6 }), (base, copies) => {
      const values = [base, ...copies.map((cs) => {
        const d = base.split('');
        for (const c of cs) {
          const i = c.pos % d.length;
          if (c.swap && i + 1 < d.length) [d[i], d[i + 1]] = [d[i + 1]!, d[i]!];
          else d[i] = String(c.digit);
        }
        return d.join('');
      })];
      const f = fixedTextColumn(new StringColumn(values), values.length);
      const w = new Int32Array(f.buffer, f.byteOffset, f.length >>> 2);
      for (let a = 0; a < values.length; a++) {
        for (let b = 0; b < values.length; b++) {
          const ia = a * FIXED_TEXT_WIDTH, ib = b * FIXED_TEXT_WIDTH;
          const level = compareNationalIds(f, ia + 1, ia + 1 + f[ia]!, f, ib + 1, ib + 1 + f[ib]!);
          if (equalLengthIdsDifferInThreeOrMore(w, ia >>> 2, w, ib >>> 2)) {
            ruledOut++;
            expect(level).toBe(NationalIdLevel.ELSE);
          } else {
            kept++;
            // Not ruled out ⇔ at most two digits differ.
            let diff = 0;
            for (let i = 0; i < base.length; i++) if (values[a]![i] !== values[b]![i]) diff++;
            expect(diff).toBeLessThanOrEqual(2);
          }
        }
      }
    }), { numRuns: 400, seed: 32 });
    expect(ruledOut).toBeGreaterThan(1000);
    expect(kept).toBeGreaterThan(1000);
  });
});
