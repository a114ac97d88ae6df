/**
 * Type-level contract of the Register API under `strict` (this file is typechecked by
 * `npm run typecheck`, which includes the tests): rows of an interface type — which has no
 * index signature, so it is NOT assignable to Record<string, unknown> — are accepted wherever
 * rows are, and non-objects are refused by the types where the runtime refuses them.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Register } from '../../src/register/register.js';
import type { PopulationRow } from '../../src/synth/population.js';
import type { Claim } from '../../src/synth/claims.js';
import { generatePopulation } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';

/** A caller's own row type: an interface (no index signature). */
interface PersonRow {
  recordId: string;
  id: string;
  fullName: string;
  dob: string;
  sex: string;
}

describe('Register.update takes rows of any object type', () => {
  it('an interface-typed row and the package\'s own PopulationRow compile for update, as for add and build; a primitive does not', async () => {
    expectTypeOf<PersonRow>().not.toMatchTypeOf<Record<string, unknown>>(); // the premise: no index signature
    expectTypeOf<Register['update']>().parameter(1).toEqualTypeOf<object>();
    const people: PopulationRow[] = [...generatePopulation({ size: 30, seed: 3, duplicateRate: 0 })];
    const reg = await Register.build(vietnamesePersonSchema(), people, { idField: 'recordId' });
    reg.add([people[0]!]);
    const p: PopulationRow = { ...people[1]!, fullName: 'Nguyễn Văn Tèo' };
    expect(reg.update(people[1]!.recordId, p)).toBe(true);
    const mine: PersonRow = { recordId: people[2]!.recordId, id: people[2]!.id, fullName: 'Trần Thị Bé', dob: people[2]!.dob, sex: people[2]!.sex };
    expect(reg.update(mine.recordId, mine)).toBe(true);
    expect(reg.authenticate({ id: mine.id, fullName: mine.fullName, dob: mine.dob, sex: mine.sex })).toMatchObject({ status: 'VERIFIED', recordId: mine.recordId });
    // @ts-expect-error a row is an object
    expect(() => reg.update(mine.recordId, 'not a row')).toThrow(expect.objectContaining({ code: 'INVALID_ROW' }));
    // Checked at run time as before: an array or null is no row.
    expect(() => reg.update(mine.recordId, [] as object)).toThrow(expect.objectContaining({ code: 'INVALID_ROW' }));
    expect(() => reg.update(mine.recordId, null as unknown as object)).toThrow(expect.objectContaining({ code: 'INVALID_ROW' }));
  });
});

describe('Register.authenticate and authenticateAll take claims of any object type', () => {
  it('the package\'s own Claim (an interface) compiles without a cast; a primitive does not', async () => {
    const { generateClaims } = await import('../../src/synth/claims.js');
    const pop = { size: 40, seed: 5, duplicateRate: 0 };
    const reg = await Register.build(vietnamesePersonSchema(), generatePopulation(pop), { idField: 'recordId' });
    const claims: Claim[] = [...generateClaims({ register: pop, count: 20, seed: 2 })];
    expectTypeOf<Claim>().not.toMatchTypeOf<Record<string, unknown>>(); // the premise: no index signature
    const one = claims.map((c) => reg.authenticate(c));
    const table = await reg.authenticateAll(claims);
    expect(claims.map((_, i) => table.verdict(i))).toEqual(one);
    expect(one.filter((v, i) => v.status === claims[i]!.expected).length).toBeGreaterThan(15);
    // @ts-expect-error a claim is an object
    expect(() => reg.authenticate('001090012345')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // @ts-expect-error claims are objects
    await expect(reg.authenticateAll(['001090012345'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
