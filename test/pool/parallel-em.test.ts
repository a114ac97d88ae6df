import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trainEM, type EmSession } from '../../src/score/expectation-maximisation.js';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import type { ComparisonSpec } from '../../src/score/comparison-spec.js';
import { KhopPool } from '../../src/pool/pool.js';
import { trainEmParallel } from '../../src/pool/parallel-em.js';
import { MIN_RANGE_PAIRS, pairRanges } from '../../src/pool/pair-ranges.js';
import { sharedUint8 } from '../../src/pool/shared-arrays.js';
import { Rng } from '../../src/util/rng.js';

const specs: ComparisonSpec[] = [
  { name: 'a', levels: [{ label: 'null', null: true }, { label: 'exact' }, { label: 'close' }, { label: 'else' }] },
  { name: 'b', levels: [{ label: 'null', null: true }, { label: 'exact' }, { label: 'else' }] },
  { name: 'c', levels: [{ label: 'null', null: true }, { label: 'exact' }, { label: 'close' }, { label: 'far' }, { label: 'else' }] },
];
const init = new FellegiSunterModel(specs, {
  prior: 0.01,
  u: [
    [0, 0.02, 0.08, 0.9],
    [0, 0.1, 0.9],
    [0, 0.01, 0.04, 0.15, 0.8],
  ],
});

/** A seeded session: a match share `share`, matches agreeing mostly, nulls here and there. */
function session(count: number, seed: number, fixed: number[], share = 0.3): EmSession {
  const rng = new Rng(seed);
  const levels = specs.map(() => sharedUint8(count));
  for (let i = 0; i < count; i++) {
    const match = rng.chance(share);
    specs.forEach((s, k) => {
      const L = s.levels.length;
      levels[k]![i] = rng.chance(0.05) ? 0 : match ? (rng.chance(0.85) ? 1 : 1 + rng.int(L - 1)) : rng.chance(0.7) ? L - 1 : 1 + rng.int(L - 1);
    });
  }
  return { name: `s${seed}`, levels, count, fixedComparisons: fixed };
}

function json(m: FellegiSunterModel): string {
  return JSON.stringify(m.toJSON());
}

describe('trainEmParallel', () => {
  let local: KhopPool;
  let pool: KhopPool;
  beforeAll(() => {
    local = KhopPool.create({ threads: 1 });
    pool = KhopPool.create({ threads: 2 });
  });
  afterAll(async () => {
    await local.close();
    await pool.close();
  });

  it('sessions that fit one range: bit-identical to trainEM (oracle)', async () => {
    const sessions = [session(MIN_RANGE_PAIRS, 1, [0]), session(700, 2, [1]), session(50, 3, [])];
    const expected = trainEM(sessions, init, { maxIterations: 40 });
    const got = await trainEmParallel({ pool: local }, sessions, init, { maxIterations: 40 });
    expect(json(got.model)).toBe(json(expected.model));
    expect(got.sessions).toEqual(expected.sessions);
    expect(got.notEstimated).toEqual(expected.notEstimated);
  });

  it('property: any small sessions and options, in the calling thread = trainEM', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: MIN_RANGE_PAIRS }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.subarray([0, 1, 2], { maxLength: 2 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        async (count, seed, fixed, fixU, maxIterations) => {
          const sessions = [session(count, seed, fixed)];
          const expected = trainEM(sessions, init, { fixU, maxIterations });
          const got = await trainEmParallel({ pool: local }, sessions, init, { fixU, maxIterations });
          expect(json(got.model)).toBe(json(expected.model));
          expect(got.sessions).toEqual(expected.sessions);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('sessions of many ranges, E-steps on the pool (patterns refused): identical for 1 and 2 threads, and within 1e-9 of trainEM', async () => {
    const sessions = [session(60_000, 4, [0]), session(9_000, 5, [2], 0.05)];
    expect(pairRanges(60_000).ranges).toBeGreaterThan(8);
    const counted = (p: KhopPool) => {
      const runs: string[] = [];
      return { runs, pool: new Proxy(p, { get: (o, k) => (k === 'run' ? (name: string, payload: unknown) => (runs.push(name), o.run(name, payload)) : Reflect.get(o, k)) }) };
    };
    const c1 = counted(local);
    const c2 = counted(pool);
    const one = await trainEmParallel({ pool: c1.pool, maxPatterns: 0 }, sessions, init);
    const two = await trainEmParallel({ pool: c2.pool, maxPatterns: 0 }, sessions, init);
    expect(c1.runs.length).toBeGreaterThan(0);
    expect(c2.runs.length).toBeGreaterThan(0);
    // With its patterns (the default): no task at all.
    const c3 = counted(pool);
    const grouped = await trainEmParallel({ pool: c3.pool }, sessions, init);
    expect(c3.runs).toEqual([]);
    expect(json(grouped.model)).toBe(json(trainEM(sessions, init).model));
    expect(json(two.model)).toBe(json(one.model));
    expect(two.sessions).toEqual(one.sessions);
    const expected = trainEM(sessions, init);
    const p = one.model.parameters();
    const q = expected.model.parameters();
    p.m.forEach((row, k) => row.forEach((v, l) => expect(v).toBeCloseTo(q.m[k]![l]!, 9)));
    one.sessions.forEach((s, i) => expect(s.iterations).toBe(expected.sessions[i]!.iterations));
  });

  it('validates options and sessions as trainEM does', async () => {
    const s = [session(100, 6, [])];
    await expect(trainEmParallel({ pool: local }, s, init, { maxIterations: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(trainEmParallel({ pool: local }, [], init)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(trainEmParallel({ pool: local }, [session(100, 7, [0, 1, 2])], init)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a level out of range is refused before any E-step, whatever the thread count', async () => {
    const bad = session(5000, 8, []);
    bad.levels[1]![10] = 7; // comparison b has 3 levels
    await expect(trainEmParallel({ pool: local }, [bad], init)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(trainEmParallel({ pool }, [bad], init)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
