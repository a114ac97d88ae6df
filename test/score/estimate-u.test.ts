import { describe, it, expect } from 'vitest';
import { estimateU, countLevels, DEFAULT_ESTIMATE_U_OPTIONS } from '../../src/score/estimate-u.js';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import type { ComparisonSpec } from '../../src/score/comparison-spec.js';
import { isKhopError } from '../../src/errors.js';
import { TRUTH, simulatePairs, specsFor } from './simulate.js';

const ONE: ComparisonSpec[] = [{ name: 'a', levels: [{ label: 'null', null: true }, { label: 'exact' }, { label: 'close' }, { label: 'else' }] }];

describe('estimateU', () => {
  // 2 null, 3 exact, 0 close, 7 else
  const col = Uint8Array.of(0, 0, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3);

  it('Laplace smoothing, known answer (α = 1): (c + 1) / (N + L − 1)', () => {
    const r = estimateU([col], col.length, ONE);
    expect(DEFAULT_ESTIMATE_U_OPTIONS.pseudoCount).toBe(1);
    expect(Array.from(r.u[0]!)).toEqual([0, 4 / 13, 1 / 13, 8 / 13]);
    expect(Array.from(r.counts[0]!)).toEqual([2, 3, 0, 7]);
    expect(r.unobserved).toEqual([{ comparison: 0, level: 2 }]);
    expect(r.pairs).toBe(12);
  });

  it('α = 0 gives raw shares; the model clamps the 0 to a finite weight', () => {
    const r = estimateU([col], col.length, ONE, { pseudoCount: 0 });
    expect(Array.from(r.u[0]!)).toEqual([0, 0.3, 0, 0.7]);
    const m = new FellegiSunterModel(ONE, { prior: 0.01, u: r.u });
    expect(Number.isFinite(m.levelWeight(0, 2))).toBe(true);
  });

  it('recovers known u from 200k simulated random pairs (within 4 standard errors)', () => {
    const N = 200_000;
    const { levels } = simulatePairs(11, TRUTH, 0, N);
    const r = estimateU(levels, N, specsFor(TRUTH));
    for (let k = 0; k < TRUTH.length; k++) {
      const nonNull = N * (1 - TRUTH[k]!.nullRate);
      for (let l = 1; l < TRUTH[k]!.u.length; l++) {
        const u = TRUTH[k]!.u[l]!;
        const se = Math.sqrt((u * (1 - u)) / nonNull);
        expect(Math.abs(r.u[k]![l]! - u)).toBeLessThan(4 * se + 1e-5);
      }
      expect(r.u[k]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    expect(r.unobserved).toEqual([]);
    // plugs straight into a model
    expect(() => new FellegiSunterModel(specsFor(TRUTH), { prior: 1e-6, u: r.u })).not.toThrow();
  });

  it('countLevels over disjoint ranges adds up', () => {
    const a = new Float64Array(256);
    countLevels([col], 0, 5, a);
    countLevels([col], 5, col.length, a);
    expect(Array.from(a.subarray(0, 4))).toEqual([2, 3, 0, 7]);
  });

  it('throws on a level out of range, on a comparison with only nulls, on bad options', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isKhopError(e) ? e.code : 'not khop';
      }
      return undefined;
    };
    expect(code(() => estimateU([Uint8Array.of(1, 4)], 2, ONE))).toBe('INVALID_ARGUMENT');
    expect(code(() => estimateU([Uint8Array.of(0, 0)], 2, ONE))).toBe('INVALID_INPUT');
    expect(code(() => estimateU([col], col.length, ONE, { pseudoCount: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => estimateU([col], col.length + 1, ONE))).toBe('INVALID_ARGUMENT');
    expect(code(() => estimateU([col, col], col.length, ONE))).toBe('INVALID_ARGUMENT');
  });
});
