import { describe, it, expect } from 'vitest';
import { DEFAULT_VERIFICATION_POLICY, resolvePolicy } from '../../src/register/policy.js';
import { RESULT_BIT } from '../../src/register/verdict.js';
import { defineSchema } from '../../src/schema.js';
import { isKhopError } from '../../src/errors.js';
import { Register } from '../../src/register/register.js';

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

  it('field names and kinds; names win; fields the policy does not name keep the default', () => {
    const p = resolvePolicy(schema, { require: { issued: ['exact', 'close'], date: ['missing'], dob: ['exact'], province: ['equivalent'] } });
    const EE = B.exact | B.equivalent;
    expect(Array.from(p.masks)).toEqual([EE, EE, B.exact, B.exact | B.close, EE | B.missing, B.equivalent]);
    // A kind over the default's kind; one field loosened to everything but a mismatch.
    const q = resolvePolicy(schema, { require: { personName: ['exact', 'equivalent', 'close'], sex: ['exact', 'equivalent', 'close', 'missing'] } });
    expect(Array.from(q.masks)).toEqual([EE, EE | B.close, EE, 0, EE | B.close | B.missing, 0]);
  });

  it('the README policy accepting close names still checks the date of birth (a wrong date is not VERIFIED)', async () => {
    const s = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' } } as const;
    const rows = [{ recordId: 'r1', id: '001090012345', name: 'Nguyễn Văn An', dob: '1990-05-01', sex: 'Nam' }];
    const policy = { require: { name: ['exact', 'equivalent', 'close'] } } as const;
    const reg = await Register.build(s, rows, { idField: 'recordId', policy: policy as never });
    const close = reg.authenticate({ id: '001090012345', name: 'Nguyễn Văn Ann', dob: '1990-05-01', sex: 'Nam' });
    expect(close.fields['name']!.result).toBe('close');
    expect(close.status).toBe('VERIFIED');
    const wrongDate = reg.authenticate({ id: '001090012345', name: 'Nguyễn Văn Ann', dob: '1990-12-31', sex: 'Nam' });
    expect(wrongDate.fields['dob']!.result).toBe('mismatch');
    expect(wrongDate.status).toBe('MISMATCH');
    // And after a save and load (the policy as given is kept, resolved again over the default).
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'khop-policy-'));
    try {
      await reg.save(join(dir, 'r.khop'));
      const back = await Register.load(join(dir, 'r.khop'));
      expect(back.authenticate({ id: '001090012345', name: 'Nguyễn Văn Ann', dob: '1990-12-31', sex: 'Nam' }).status).toBe('MISMATCH');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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

describe('a policy require given as a Map or another non-plain object (bad-input.md D24b)', () => {
  const asMap = new Map([['issued', ['exact']]]);

  it('is refused INVALID_OPTION naming policy.require, not silently replaced by the default', () => {
    for (const [require, said] of [
      [asMap, 'is a Map (pass Object.fromEntries(map))'],
      [new Set(['issued']), 'is a Set'],
      [new (class Require {
        issued = ['exact'];
      })(), 'is not a plain object'],
    ] as const) {
      let error: unknown;
      try {
        resolvePolicy(schema, { require } as never);
      } catch (e) {
        error = e;
      }
      expect(isKhopError(error, 'INVALID_OPTION')).toBe(true);
      const err = error as { message: string; details: { option: string; problems: string[] } };
      expect(err.details.option).toBe('policy.require');
      expect(err.message).toContain('policy.require');
      expect(err.details.problems).toEqual([expect.stringContaining(said)]);
      // The option's name and the type only: no field name or result of the policy.
      expect(err.message).not.toContain('issued');
      expect(err.message).not.toContain('exact');
    }
    // A Map as the policy itself.
    expect(() => resolvePolicy(schema, new Map([['require', {}]]) as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ option: 'policy' }) }),
    );
  });

  it('Register.build refuses it before any row is read; Object.fromEntries(map) is the policy it meant', async () => {
    // dob first: the primary date (ID consistency); `issued` is checked only when a policy names it.
    const s = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, issued: { kind: 'date' } } as const;
    let read = 0;
    function* rows() {
      read++;
      yield { recordId: 'r1', id: '001090012345', name: 'Nguyễn Văn An', dob: '1990-05-01', issued: '2021-03-04' };
    }
    await expect(Register.build(s, rows(), { idField: 'recordId', policy: { require: asMap } as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'policy.require' },
    });
    expect(read).toBe(0);
    const reg = await Register.build(s, rows(), { idField: 'recordId', policy: { require: Object.fromEntries(asMap) } as never });
    const claim = { id: '001090012345', name: 'Nguyễn Văn An', dob: '1990-05-01', issued: '2021-03-05' };
    expect(reg.authenticate(claim).status).toBe('MISMATCH');
    // Without the policy the issue date is not checked: the Map's requirement is what refuses it.
    const loose = await Register.build(s, rows(), { idField: 'recordId' });
    expect(loose.authenticate(claim).status).toBe('VERIFIED');
  });
});
