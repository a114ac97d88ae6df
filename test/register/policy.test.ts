import { describe, it, expect } from 'vitest';
import { DEFAULT_VERIFICATION_POLICY, resolvePolicy } from '../../src/register/policy.js';
import { RESULT_BIT } from '../../src/register/verdict.js';
import { defineSchema } from '../../src/schema.js';
import { isKhopError } from '../../src/errors.js';

const schema = defineSchema({
  id: { kind: 'nationalId' },
  name: { kind: 'personName' },
  dob: { kind: 'date' },
  issued: { kind: 'date' },
  sex: { kind: 'sex' },
  province: { kind: 'category' },
});
const B = RESULT_BIT;

describe('resolvePolicy', () => {
  it('the default policy requires ID, name, date of birth (primary date) and sex', () => {
    const p = resolvePolicy(schema, undefined);
    expect(Array.from(p.masks)).toEqual([B.exact | B.equivalent, B.exact | B.equivalent, B.exact | B.equivalent, 0, B.exact | B.equivalent | B.missing, 0]);
    expect(p.source).toEqual(DEFAULT_VERIFICATION_POLICY);
  });

  it('field names and kinds; names win', () => {
    const p = resolvePolicy(schema, { require: { issued: ['exact', 'close'], date: ['missing'], dob: ['exact'], province: ['equivalent'] } });
    expect(Array.from(p.masks)).toEqual([0, 0, B.exact, B.exact | B.close, 0, B.equivalent]);
  });

  it('collects every problem into one INVALID_OPTION', () => {
    try {
      resolvePolicy(schema, { require: { nobody: ['exact'], name: [], dob: ['mismatch' as 'exact'] }, extra: 1 } as never);
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
      const problems = (e as { details: { problems: string[] } }).details.problems;
      expect(problems).toHaveLength(4);
    }
    expect(() => resolvePolicy(schema, { require: null } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('kinds the schema lacks are ignored', () => {
    const small = defineSchema({ id: { kind: 'nationalId' } });
    expect(Array.from(resolvePolicy(small, undefined).masks)).toEqual([B.exact | B.equivalent]);
  });
});
