import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Register } from '../../src/register/register.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { KhopPool } from '../../src/pool/pool.js';
import type { Verdict } from '../../src/register/verdict.js';

const POP = { size: 3000, seed: 6, duplicateRate: 0 };
let reg: Register;
let claims: Array<Record<string, unknown>>;
let pool: KhopPool;

beforeAll(async () => {
  reg = await Register.build(vietnamesePersonSchema(), generatePopulation(POP), { idField: 'recordId' });
  claims = [...generateClaims({ register: POP, count: 2000, seed: 9 })].map((c) => ({ ...c }) as Record<string, unknown>);
  pool = KhopPool.create({ threads: 2 });
});

afterAll(async () => {
  await pool.close();
});

async function collect(it: AsyncIterable<Verdict>): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** Verdicts as plain data (a verdict crossing threads is a structured clone). */
const plain = (vs: Verdict[]) => JSON.parse(JSON.stringify(vs)) as unknown;

describe('authenticateMany on a worker pool', () => {
  it('gives the verdicts of one-by-one authenticate, in input order, on 2 threads', async () => {
    const single = claims.map((c) => reg.authenticate(c));
    const parallel = await collect(reg.authenticateMany(claims, { pool, batchSize: 128 }));
    expect(parallel).toHaveLength(claims.length);
    expect(plain(parallel)).toEqual(plain(single));
    expect(new Set(single.map((v) => v.status)).size).toBeGreaterThanOrEqual(5);
  });

  it('answers against the register as it is after a change (add, remove)', async () => {
    const first = claims.slice(0, 300);
    await collect(reg.authenticateMany(first, { pool, batchSize: 50 }));
    const victim = first.find((c, i) => reg.authenticate(first[i]!).status === 'VERIFIED')!;
    const before = reg.authenticate(victim);
    expect(reg.remove(before.recordId!)).toBe(true);
    const after = await collect(reg.authenticateMany([victim], { pool }));
    expect(after[0]!.status).toBe('NOT_FOUND');
    expect(plain(after)).toEqual(plain([reg.authenticate(victim)]));
  });

  it('creates and closes its own pool with threads: 2', async () => {
    const some = claims.slice(0, 400);
    const got = await collect(reg.authenticateMany(some, { threads: 2, batchSize: 100 }));
    expect(plain(got)).toEqual(plain(some.map((c) => reg.authenticate(c))));
  });

  it('rejects bad thread counts before reading any claim', () => {
    expect(() => reg.authenticateMany(claims, { threads: 0 })).toThrow(/threads/);
  });
});
