import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { checkIdConsistency } from '../../src/text/id-consistency.js';
import { parseNationalId } from '../../src/text/national-id.js';

describe('checkIdConsistency', () => {
  // 001 0 90 012345: Hà Nội, male, 1990
  const ID = '001090012345';

  it('consistent claim', () => {
    expect(checkIdConsistency(ID, { dob: '01/05/1990', sex: 'Nam' })).toEqual({
      consistent: true,
      decoded: true,
      checked: ['birthYear', 'sex'],
      contradictions: [],
    });
    expect(checkIdConsistency(ID, { dob: 19900000, sex: 'M' }).consistent).toBe(true);
    expect(checkIdConsistency(ID, { dob: '1990' }).consistent).toBe(true);
  });

  it('sex contradiction', () => {
    const r = checkIdConsistency(ID, { dob: '01/05/1990', sex: 'Nữ' });
    expect(r.consistent).toBe(false);
    expect(r.contradictions.map((c) => c.field)).toEqual(['sex']);
  });

  it('birth-year contradiction', () => {
    const r = checkIdConsistency(ID, { dob: '01/05/1991', sex: 'nam' });
    expect(r.contradictions.map((c) => c.field)).toEqual(['birthYear']);
  });

  it('century contradiction: same two digits, other century', () => {
    const r = checkIdConsistency('001205012345', { dob: 19050501, sex: 'nam' }); // ID: male born 2005
    expect(r.contradictions.map((c) => c.field)).toEqual(['century']);
    const both = checkIdConsistency('001305012345', { dob: '1905-05-01', sex: 'nam' }); // female 2005
    expect(both.contradictions.map((c) => c.field)).toEqual(['century', 'sex']);
    expect(checkIdConsistency('001020012345', { dob: '2020' }).contradictions.map((c) => c.field)).toEqual(['century']); // 1920
  });

  it('an ID whose birth year is after the current one decodes to nothing: no contradiction found in it', () => {
    // 8/9 are the 2300s (Circular 07/2016/TT-BCA), not the 1800s: "001890012345" does not say 1890.
    for (const id of ['001890012345', '001990012345', '036499001234', '079299001234']) {
      expect(checkIdConsistency(id, { dob: '01/05/1890', sex: 'nam' })).toEqual({ consistent: true, decoded: false, checked: [], contradictions: [] });
      expect(checkIdConsistency(id, { dob: '01/05/1999', sex: 'nữ' }).decoded).toBe(false);
    }
  });

  it('reasons carry no personal data', () => {
    const r = checkIdConsistency(ID, { dob: '01/05/1975', sex: 'nữ' });
    for (const c of r.contradictions) expect(c.reason).not.toMatch(/\d/);
  });

  it('accepts a parse result, including the 11-digit restored form', () => {
    const parsed = parseNationalId('1090012345'.padStart(11, '0'));
    expect(parsed.ok).toBe(true);
    expect(checkIdConsistency(parsed, { dob: '1990', sex: 'male' }).consistent).toBe(true);
    expect(checkIdConsistency('01090012345', { dob: '1990', sex: 'female' }).consistent).toBe(false);
  });

  it('compares only what it can: undecodable IDs and unreadable claims are not evidence', () => {
    expect(checkIdConsistency('123456789', { dob: '1990', sex: 'nam' })).toEqual({ consistent: true, decoded: false, checked: [], contradictions: [] });
    expect(checkIdConsistency('not an id', { dob: '1990' }).decoded).toBe(false);
    expect(checkIdConsistency(ID, { dob: '31/02/1990', sex: 'khác' })).toEqual({ consistent: true, decoded: true, checked: [], contradictions: [] });
    expect(checkIdConsistency(ID, {}).checked).toEqual([]);
    expect(checkIdConsistency(ID, { dob: 19900230 }).checked).toEqual([]); // invalid packed date
  });

  it('throws INVALID_ARGUMENT for a non-object claim or a bad id argument', () => {
    for (const call of [
      () => checkIdConsistency(ID, null as unknown as object),
      () => checkIdConsistency(42 as unknown as string, {}),
      () => checkIdConsistency({} as unknown as string, {}),
    ]) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
