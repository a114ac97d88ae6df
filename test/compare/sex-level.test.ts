import { describe, it, expect } from 'vitest';
import { SEX_LEVELS, SexCode, SexLevel, compareSex } from '../../src/compare/sex-level.js';
import { isKhopError } from '../../src/errors.js';

describe('compareSex', () => {
  it('all nine code pairs', () => {
    const { UNKNOWN: U, MALE: M, FEMALE: F } = SexCode;
    const expected: Array<[number, number, number]> = [
      [U, U, SexLevel.MISSING], [U, M, SexLevel.MISSING], [F, U, SexLevel.MISSING],
      [M, M, SexLevel.EQUAL], [F, F, SexLevel.EQUAL],
      [M, F, SexLevel.DIFFERENT], [F, M, SexLevel.DIFFERENT],
    ];
    for (const [a, b, l] of expected) expect(compareSex(a, b)).toBe(l);
    expect(new Set(expected.map((e) => e[2])).size).toBe(SEX_LEVELS.length);
  });

  it('rejects codes that are not sex codes', () => {
    for (const [a, b] of [[3, 1], [1, -1], [0.5, 1], [Number.NaN, 2], [1, 255]] as const) {
      let err: unknown;
      try {
        compareSex(a, b);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
