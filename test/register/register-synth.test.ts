import { describe, it, expect } from 'vitest';
import { Register } from '../../src/register/register.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';
import { vietnamesePersonSchema } from '../../src/schema.js';

describe('a seeded synthetic population and its claims', () => {
  it('gets the verdict the generator expects, and never verifies a claim it should not', async () => {
    const pop = { size: 4000, seed: 21, duplicateRate: 0 };
    const reg = await Register.build(vietnamesePersonSchema(), generatePopulation(pop), { idField: 'recordId' });
    expect(reg.size).toBe(4000);
    expect(reg.rejected).toEqual([]);
    let agree = 0;
    let total = 0;
    const falseAccepts: string[] = [];
    for (const c of generateClaims({ register: pop, count: 3000, seed: 22 })) {
      const v = reg.authenticate(c as unknown as Record<string, unknown>);
      total++;
      if (v.status === c.expected) agree++;
      if (v.status === 'VERIFIED' && c.expected !== 'VERIFIED') falseAccepts.push(`${c.claimId}:${c.expectedReason}`);
      if (v.status === 'VERIFIED') expect(String(v.recordId)).toBe(String(c.personId));
    }
    expect(falseAccepts).toEqual([]);
    expect(agree / total).toBeGreaterThanOrEqual(0.995);
  });
});
