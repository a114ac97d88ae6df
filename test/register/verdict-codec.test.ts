import { describe, it, expect } from 'vitest';
import { Register } from '../../src/register/register.js';
import { OUTCOMES } from '../../src/register/record-evaluator.js';
import type { RegisterLayout } from '../../src/register/register-layout.js';
import { VerdictDecoder, VerdictEncoder, type VerdictObjects } from '../../src/register/verdict-codec.js';
import type { Verdict } from '../../src/register/verdict.js';
import { generateClaims } from '../../src/synth/claims.js';
import { generatePopulation } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { ROWS, SCHEMA, build, claimOf } from './fixture.js';

/** Encode verdicts of `reg`, decode them with the register's own evaluator, in order. */
function roundTrip(reg: Register, verdicts: Verdict[]): Verdict[] {
  const layout = (reg as unknown as { s: { layout: RegisterLayout } }).s.layout;
  const enc = new VerdictEncoder(layout.fields.map((f) => ({ name: f.name, table: OUTCOMES[f.group] })));
  const encoded = enc.encode(verdicts);
  const objects = (reg as unknown as { evaluator: VerdictObjects }).evaluator;
  const d = new VerdictDecoder(encoded, layout.fields.length, objects);
  const out: Verdict[] = [];
  while (d.remaining > 0) out.push(d.next());
  expect(() => d.next()).toThrow(/past the batch/);
  return out;
}

describe('verdict codec', () => {
  it('decodes every verdict of the synthetic claim mix to an equal object with the same key order', async () => {
    const pop = { size: 2000, seed: 11, duplicateRate: 0 };
    const reg = await Register.build(vietnamesePersonSchema(), generatePopulation(pop), { idField: 'recordId' });
    const verdicts = [...generateClaims({ register: pop, count: 1500, seed: 5 })].map((c) => reg.authenticate({ ...c }));
    expect(new Set(verdicts.map((v) => v.status)).size).toBeGreaterThanOrEqual(5);
    expect(verdicts.some((v) => (v.candidates?.length ?? 0) > 0)).toBe(true);
    const back = roundTrip(reg, verdicts);
    expect(back).toEqual(verdicts);
    // Same key order (a JSON consumer sees identical text) — NaN weights included.
    expect(back.map((v) => JSON.stringify(v))).toEqual(verdicts.map((v) => JSON.stringify(v)));
    // Field verdicts are the shared frozen rows, not copies.
    for (let i = 0; i < back.length; i++) for (const k of Object.keys(back[i]!.fields)) expect(back[i]!.fields[k]).toBe(verdicts[i]!.fields[k]);
  });

  it('keeps AMBIGUOUS candidates, earlier-ID matches, numeric record ids and policy reasons', async () => {
    const twin = { ...ROWS[0], rid: 'P1b', old: '' };
    const reg = await build({}, [...ROWS, twin]);
    const claims = [claimOf(0), claimOf(1, { id: '' }), claimOf(2, { dob: '01/01/1999' }), claimOf(0, { id: '012345678' }), claimOf(3, { name: 'x' }), claimOf(4, { id: 'abc' })];
    const verdicts = claims.map((c) => reg.authenticate(c));
    expect(verdicts.map((v) => v.status)).toEqual(expect.arrayContaining(['AMBIGUOUS', 'MISMATCH', 'INVALID_ID']));
    expect(roundTrip(reg, verdicts)).toEqual(verdicts);
    // Without an idField the record ids are numbers.
    const byPosition = await Register.build(SCHEMA, ROWS, {});
    const vs = claims.map((c) => byPosition.authenticate(c));
    expect(vs.some((v) => typeof v.recordId === 'number')).toBe(true);
    expect(roundTrip(byPosition, vs)).toEqual(vs);
  });

  it('refuses a field verdict that is not a row of its outcome table', async () => {
    const layout = (((await build()) as unknown) as { s: { layout: RegisterLayout } }).s.layout;
    const enc = new VerdictEncoder(layout.fields.map((f) => ({ name: f.name, table: OUTCOMES[f.group] })));
    const fake: Verdict = {
      status: 'NOT_FOUND', recordId: null, matchedBy: null, weight: Number.NaN, explanation: null, reason: 'id-not-found',
      fields: { id: { result: 'missing', reason: 'not-found' }, name: { result: 'missing', reason: 'no-record' }, dob: { result: 'missing', reason: 'no-record' }, sex: { result: 'missing', reason: 'no-record' } },
    };
    expect(() => enc.encode([fake])).toThrow(/outcome table/);
  });
});
