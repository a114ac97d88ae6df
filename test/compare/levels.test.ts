import { describe, it, expect } from 'vitest';
import { defineLevels } from '../../src/compare/levels.js';
import type { ComparisonLevel } from '../../src/compare/levels.js';
import { CATEGORY_LEVELS, CategoryLevel } from '../../src/compare/category-level.js';
import { DATE_LEVELS, DateLevel } from '../../src/compare/date-level.js';
import { IDENTIFIER_LEVELS, IdentifierLevel } from '../../src/compare/identifier-level.js';
import { NATIONAL_ID_LEVELS, NationalIdLevel } from '../../src/compare/national-id-level.js';
import {
  FAMILY_NAME_LEVELS, FamilyNameLevel, GIVEN_NAME_LEVELS, GivenNameLevel, MIDDLE_NAME_LEVELS, MiddleNameLevel,
} from '../../src/compare/person-name.js';
import { SEX_LEVELS, SexLevel } from '../../src/compare/sex-level.js';
import { TEXT_OVERLAP_LEVELS, TextOverlapLevel } from '../../src/compare/text-overlap.js';

const pairs: Array<[string, readonly ComparisonLevel[], Record<string, number>]> = [
  ['family', FAMILY_NAME_LEVELS, FamilyNameLevel],
  ['middle', MIDDLE_NAME_LEVELS, MiddleNameLevel],
  ['given', GIVEN_NAME_LEVELS, GivenNameLevel],
  ['date', DATE_LEVELS, DateLevel],
  ['nationalId', NATIONAL_ID_LEVELS, NationalIdLevel],
  ['identifier', IDENTIFIER_LEVELS, IdentifierLevel],
  ['sex', SEX_LEVELS, SexLevel],
  ['category', CATEGORY_LEVELS, CategoryLevel],
  ['textOverlap', TEXT_OVERLAP_LEVELS, TextOverlapLevel],
];

describe('level lists', () => {
  it.each(pairs)('%s: codes are indices, names match the code constants, 0 = missing', (_n, list, codes) => {
    expect(list.map((l) => l.code)).toEqual(list.map((_, i) => i));
    const fromConst = Object.entries(codes).sort((x, y) => x[1] - y[1]).map(([k]) => k.toLowerCase().replace(/_/g, '-'));
    expect(list.map((l) => l.name)).toEqual(fromConst);
    expect(list[0]!.name).toBe('missing');
    expect(['else', 'different']).toContain(list[list.length - 1]!.name);
    expect(list.length).toBeLessThanOrEqual(255); // fits a Uint8Array level column
    for (const l of list) {
      expect(Object.isFrozen(l)).toBe(true);
      expect(l.label.length).toBeGreaterThan(0);
    }
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('defineLevels numbers entries in order', () => {
    expect(defineLevels([['missing', 'm'], ['else', 'e']])).toEqual([
      { code: 0, name: 'missing', label: 'm' },
      { code: 1, name: 'else', label: 'e' },
    ]);
  });
});
