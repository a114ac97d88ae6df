import { describe, it, expect } from 'vitest';
import { describeRule, rulesFromJSON, rulesToJSON, ruleProblems, validateRules, type BlockingRule } from '../../src/block/blocking-rule.js';
import type { ColumnSpec } from '../../src/block/record-store.js';
import { isKhopError, type KhopError } from '../../src/errors.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'name.given', type: 'ascii' },
  { name: 'name.full', type: 'utf8' },
  { name: 'dob', type: 'int32' },
  { name: 'sex', type: 'uint8' },
];

const GOOD: BlockingRule[] = [
  { name: 'id', parts: [{ column: 'id' }] },
  { name: 'given3-year', parts: [{ column: 'name.given', transform: 'first', n: 3 }, { column: 'dob', transform: 'year' }] },
  { name: 'tail-ym-sex', parts: [{ column: 'name.given', transform: 'last', n: 2 }, { column: 'dob', transform: 'yearMonth' }, { column: 'sex', transform: 'exact' }] },
  { name: 'full', parts: [{ column: 'name.full' }, { column: 'dob' }] },
  { name: 'given-small', parts: [{ column: 'name.given' }], maxBlockSize: 20 },
];

describe('blocking rules', () => {
  it('prints rules (known answers)', () => {
    expect(GOOD.map(describeRule)).toEqual(['id', 'first(name.given,3) & year(dob)', 'last(name.given,2) & yearMonth(dob) & sex', 'name.full & dob', 'name.given (blocks ≤ 20 rows)']);
  });

  it('accepts good rules and round-trips them through JSON', () => {
    expect(() => validateRules(GOOD, COLUMNS)).not.toThrow();
    const back = rulesFromJSON(rulesToJSON(GOOD), COLUMNS);
    expect(back.map(describeRule)).toEqual(GOOD.map(describeRule));
    expect(rulesToJSON(back)).toBe(rulesToJSON(GOOD));
    expect(JSON.parse(JSON.stringify(GOOD))).toEqual(GOOD);
  });

  it('collects every problem into one INVALID_OPTION error', () => {
    const bad = [
      { name: 'a', parts: [{ column: 'nope' }] }, // unknown column
      { name: 'a', parts: [{ column: 'id' }] }, // duplicate name
      { name: '', parts: [] }, // empty name, no parts
      { name: 'b', parts: [{ column: 'name.full', transform: 'first', n: 2 }] }, // first on utf8
      { name: 'c', parts: [{ column: 'id', transform: 'first' }] }, // n missing
      { name: 'd', parts: [{ column: 'id', transform: 'exact', n: 2 }] }, // n not allowed
      { name: 'e', parts: [{ column: 'id', transform: 'year' }] }, // year on ascii
      { name: 'f', parts: [{ column: 'dob', transform: 'soundex' }] }, // unknown transform
      { name: 'g', parts: [{ colum: 'dob' }] }, // typo
      { name: 'h', parts: [{ column: 'id', transform: 'last', n: 0 }] },
      { name: 'i', parts: [{ column: 'id' }], maxBlockSize: 1 }, // a block of one row has no pair
      { name: 'j', parts: [{ column: 'id' }], maxBlockSize: 2.5 },
    ] as unknown as BlockingRule[];
    let err: KhopError | undefined;
    try {
      validateRules(bad, COLUMNS);
    } catch (e) {
      err = e as KhopError;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    const problems = err!.details!.problems as string[];
    expect(problems).toEqual(ruleProblems(bad, COLUMNS));
    for (const needle of ['"nope"', 'duplicate', 'rules[2].name', 'rules[2].parts', 'utf8', 'rules[4].parts[0].n', 'rules[5].parts[0].n is only', 'year needs', 'transform must be', 'unknown property "colum"', 'rules[9].parts[0].n', 'rules[10].maxBlockSize', 'rules[11].maxBlockSize']) {
      expect(problems.some((p) => p.includes(needle)), needle).toBe(true);
    }
    expect(() => validateRules([], COLUMNS)).toThrowError(/non-empty/);
    expect(() => rulesFromJSON('{not json', COLUMNS)).toThrowError(/JSON/);
  });
});
