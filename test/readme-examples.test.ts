// The README's examples, asserted, so the documentation cannot drift from the code.
import { describe, expect, it } from 'vitest';
import * as k from '../src/index.js';

describe('README examples', () => {
  it('normalisation and parsing', () => {
    expect(k.normalizeText('Nguye\u0302\u0303n  Thị HOÀ')).toBe('nguyễn thị hòa');
    expect(k.normalizeText('Ðặng Thuỷ')).toBe('đặng thủy');
    expect(k.foldToAscii('Đặng Thị Ðào')).toBe('dang thi dao');
    expect(k.parsePersonName('Nguyễn Văn An')).toMatchObject({ family: 'nguyễn', middle: ['văn'], given: 'an', familyKnown: true, likelyReversed: false });
    expect(k.parsePersonName('An Nguyen Van')).toMatchObject({ likelyReversed: true, reason: 'given-name-first' });
    expect(k.parseDate('05/01/1990')).toEqual({ ok: true, year: 1990, month: 1, day: 5, packed: 19900105, swappable: true, precision: 'day' });
    expect(k.parseDate('00/00/1990')).toMatchObject({ ok: true, year: 1990, month: 0, day: 0, packed: 19900000, precision: 'year' });
    expect(k.parseDate('31/02/1990')).toEqual({ ok: false, code: 'INVALID_DATE', reason: 'impossible-date' });
    for (const s of ['ngày 15 tháng 3 năm 1985', '15 March 1985', 'Mar 15, 1985', '15-MAR-1985']) expect(k.parseDate(s)).toMatchObject({ ok: true, packed: 19850315 });
    expect(k.parseDate('1/2/1990 12:00:00 AM')).toMatchObject({ ok: true, packed: 19900201 });
    expect(k.typedDateDigits('31/02/1990')).toBe(19900231);
    expect(k.compareTypedDates(19972125, 19971225)).toBe(k.DateLevel.ONE_DIGIT);
    expect(k.DateLevel.ONE_DIGIT).toBe(7);
    const id = k.parseNationalId('001 090 012 345');
    expect(id).toMatchObject({ ok: true, kind: 'cccd', digits: '001090012345', provinceName: 'Hà Nội', sex: 'male', birthYear: 1990 });
    expect(k.parseNationalId('1090012345')).toEqual({ ...id, restoredLeadingZero: true });
    expect(k.parseNationalId('123456789')).toMatchObject({ ok: true, kind: 'cmnd9', digits: '123456789' });
    expect(k.parseNationalId('00109001234a')).toEqual({ ok: false, code: 'INVALID_ID', reason: 'non-digit' });
    expect(k.parseNationalId(12345678)).toEqual({ ok: true, kind: 'cmnd9', digits: '012345678', restoredLeadingZero: true });
    expect(k.parseNationalId('001890012345')).toEqual({ ok: false, code: 'INVALID_ID', reason: 'future-birth-year' });
    const c = k.checkIdConsistency('001090012345', { dob: '01/05/1991', sex: 'Nữ' });
    expect(c.consistent).toBe(false);
    expect(c.contradictions.map((x) => x.field)).toEqual(['birthYear', 'sex']);
  });

  it('phonetic keys', () => {
    expect(k.vietnamesePhoneticKey('Trần Thị Sương')).toBe(k.vietnamesePhoneticKey('Chần Thị Xương'));
    expect(k.soundex('Robert')).toBe('R163');
    expect(k.doubleMetaphone('Schmidt')).toEqual({ primary: 'XMT', alternate: 'SMT' });
  });

  it('register', async () => {
    const register = await k.Register.build(
      { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' } },
      [{ id: '001090012345', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' }],
    );
    const v = register.authenticate({ id: '1090012345', name: 'Nguyen Van An', dob: '1990-05-01' });
    expect(v.status).toBe('VERIFIED');
    expect(v.matchedBy).toBe('id');
    expect(v.fields).toEqual({
      id: { result: 'equivalent', reason: 'lost-leading-zero' },
      name: { result: 'equivalent', reason: 'diacritics' },
      dob: { result: 'equivalent', reason: 'date-format' },
      sex: { result: 'missing', reason: 'claim-missing' },
    });
  });
});
