import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSex } from '../../src/text/sex.js';

describe('parseSex', () => {
  const MALE = ['Nam', 'NAM', 'nam', ' Nam ', 'Nam giới', 'nam gioi', 'con trai', 'Trai', 'Đàn ông', 'dan ong', 'Ông', 'M', 'm', 'Male', 'MALE', 'man', '1', 1, '\uff2d'];
  const FEMALE = ['Nữ', 'NỮ', 'nữ', 'nu', 'Nu', 'Nu\u0303', 'Nữ giới', 'con gái', 'Gái', 'Phụ nữ', 'phu nu', 'Đàn bà', 'Bà', 'F', 'f', 'Female', 'woman', '2', 2];
  const NONE = ['', ' ', '0', '9', 0, 9, 'Khác', 'khac', 'other', 'x', 'U', 'unknown', 'ong', 'ba', 'Bá', 'nam nu', 'n', null, undefined, {}, Number.NaN, 'Nam1'];
  for (const x of MALE) it(`${JSON.stringify(x)} → male`, () => expect(parseSex(x)).toBe('male'));
  for (const x of FEMALE) it(`${JSON.stringify(x)} → female`, () => expect(parseSex(x)).toBe('female'));
  for (const x of NONE) it(`${String(JSON.stringify(x))} → null`, () => expect(parseSex(x)).toBe(null));

  it('answers the same when asked again, also after more distinct strings than its memo keeps', () => {
    const expected = (x: unknown) => (MALE.includes(x as never) ? 'male' : FEMALE.includes(x as never) ? 'female' : null);
    const known = [...MALE, ...FEMALE, ...NONE];
    for (let round = 0; round < 3; round++) {
      for (const x of known) expect(parseSex(x), JSON.stringify(x)).toBe(expected(x));
      // 1,500 distinct other strings (the memo is emptied when it holds 1,024): each unknown;
      // long ones (not kept) too, and a known form padded past that length.
      for (let i = 0; i < 1500; i++) expect(parseSex(`x${round}-${i}`)).toBe(null);
      expect(parseSex('x'.repeat(40))).toBe(null);
      expect(parseSex(`${' '.repeat(40)}Nữ`)).toBe('female');
    }
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => [null, 'male', 'female'].includes(parseSex(s))), { numRuns: 1000, seed: 51 });
  });
});
