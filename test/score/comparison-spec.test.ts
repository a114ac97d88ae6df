import { describe, it, expect } from 'vitest';
import { freezeComparisonSpecs, collectComparisonSpecProblems, type ComparisonSpec } from '../../src/score/comparison-spec.js';
import { matchProbabilityFromWeight, matchWeightFromProbability, clampProbability, leastWeightReaching, PROBABILITY_EPSILON } from '../../src/score/probability.js';
import { Rng } from '../../src/util/rng.js';
import { isKhopError } from '../../src/errors.js';

const levels = (n: number) => Array.from({ length: n }, (_, l) => ({ label: `l${l}`, ...(l === 0 ? { null: true } : {}) }));

describe('comparison specs', () => {
  it('accepts 3..256 levels and returns a frozen copy', () => {
    const spec: ComparisonSpec[] = [{ name: 'a', levels: levels(3) }, { name: 'b', levels: [...levels(255), { label: 'else' }] }];
    const f = freezeComparisonSpecs(spec);
    expect(f).toEqual(spec);
    expect(Object.isFrozen(f[0]!.levels[0])).toBe(true);
  });

  it.each<[string, unknown]>([
    ['two levels', [{ name: 'a', levels: levels(2) }]],
    ['257 levels', [{ name: 'a', levels: levels(257) }]],
    ['tf on the null level', [{ name: 'a', levels: [{ label: 'n', null: true, tf: true }, { label: 'e' }, { label: 'x' }] }]],
    ['null flag false on level 0', [{ name: 'a', levels: [{ label: 'n', null: false }, { label: 'e' }, { label: 'x' }] }]],
    ['empty name', [{ name: '', levels: levels(3) }]],
    ['not an array', { name: 'a', levels: levels(3) }],
    ['a null entry', [null]],
  ])('rejects %s', (_n, spec) => {
    try {
      freezeComparisonSpecs(spec as ComparisonSpec[]);
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      return;
    }
    throw new Error('no throw');
  });

  it('collects every problem, not just the first', () => {
    const problems: string[] = [];
    collectComparisonSpecProblems([{ name: 'a', levels: levels(2) }, { name: 'a', levels: [{ label: 'x' }, { label: 'x' }, { label: 'y', tf: true }] }], problems);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });
});

describe('probability helpers', () => {
  it('known answers and saturation without NaN', () => {
    expect(matchProbabilityFromWeight(0)).toBe(0.5);
    expect(matchProbabilityFromWeight(Math.log2(4.5))).toBeCloseTo(4.5 / 5.5, 15);
    expect(matchProbabilityFromWeight(5000)).toBe(1);
    expect(matchProbabilityFromWeight(-5000)).toBe(0);
    expect(matchProbabilityFromWeight(Infinity)).toBe(1);
    expect(matchProbabilityFromWeight(Number.NaN)).toBeNaN();
    // e^(−w·ln 2) for 2^−w: the textbook value up to the rounding of w·ln 2 (relative error
    // ~|w|·ln 2·2^−53), and monotone
    let prev = 0;
    for (let i = 0; i <= 24_000; i++) {
      const w = -60 + i * 0.005;
      const p = matchProbabilityFromWeight(w);
      const textbook = 1 / (1 + 2 ** -w);
      expect(Math.abs(p - textbook)).toBeLessThanOrEqual(textbook * (1 + Math.abs(w)) * 2 ** -51);
      expect(p).toBeGreaterThanOrEqual(prev);
      prev = p;
    }
    expect(matchWeightFromProbability(0.8)).toBeCloseTo(2, 14);
    expect(clampProbability(0)).toBe(PROBABILITY_EPSILON);
    expect(clampProbability(1)).toBe(1 - PROBABILITY_EPSILON);
    expect(clampProbability(0.3)).toBe(0.3);
  });

  /** The double just below w (w finite and > 0 or < 0, not 0). */
  const below = (w: number): number => {
    const f = new Float64Array([w]);
    const b = new BigInt64Array(f.buffer);
    b[0] = w > 0 ? b[0]! - 1n : b[0]! + 1n;
    return f[0]!;
  };

  it('leastWeightReaching: the smallest weight whose probability reaches p (a weight cut keeps exactly the pairs reported ≥ p)', () => {
    const rng = new Rng(17);
    const ps: number[] = [0.5, 0.8, 0.05, 0.01, 1e-9, 0.999999];
    // probabilities that are themselves reported probabilities of some weight (the case a user
    // copies into the threshold), and plain random ones
    for (let i = 0; i < 3000; i++) ps.push(matchProbabilityFromWeight(-40 + rng.next() * 80), 1e-6 + rng.next() * (1 - 2e-6));
    let lowered = 0;
    for (const p of ps) {
      const w = leastWeightReaching(p);
      expect(matchProbabilityFromWeight(w)).toBeGreaterThanOrEqual(p);
      if (w !== 0) expect(matchProbabilityFromWeight(below(w))).toBeLessThan(p);
      if (w < matchWeightFromProbability(p)) lowered++;
    }
    // the plain estimate is above the least weight for a share of them: the reason for the function
    expect(lowered).toBeGreaterThan(0);
  });
});
