import { describe, it, expect } from 'vitest';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import {
  DEFAULT_EM_OPTIONS,
  emAccumulate,
  emAccumulatorLength,
  emMaximise,
  emPatterns,
  emStepTable,
  trainEM,
  type EmParameters,
} from '../../src/score/expectation-maximisation.js';
import { isKhopError } from '../../src/errors.js';
import { TRUTH, simulatePairs, specsFor } from './simulate.js';

const SPECS = specsFor(TRUTH);
const TRUE_U = TRUTH.map((t) => [...t.u]);
/** Initial model: true u (as if from random pairs), default m, a made-up prior. */
const INIT = new FellegiSunterModel(SPECS, { prior: 1e-6, u: TRUE_U });

/** Largest |estimated − true| m over the given comparisons. */
function mError(model: FellegiSunterModel, comparisons: readonly number[]): number {
  let worst = 0;
  for (const k of comparisons) {
    for (let l = 1; l < TRUTH[k]!.m.length; l++) worst = Math.max(worst, Math.abs(model.mProbability(k, l) - TRUTH[k]!.m[l]!));
  }
  return worst;
}

describe('trainEM: recovery on data generated from known m, u, λ', () => {
  // 50k pairs, λ = 0.3 among them; the standard error of an m estimate is ≈ 0.004, so a
  // tolerance of 0.02 (~5 s.e.) fails only on a real bias.
  const N = 50_000;
  const { levels } = simulatePairs(1, TRUTH, 0.3, N);

  it('recovers m and λ with u fixed (tolerance 0.02 on m, 0.01 on λ)', () => {
    const r = trainEM([{ levels, count: N, fixedComparisons: [] }], INIT, { tolerance: 1e-6, maxIterations: 200 });
    const s = r.sessions[0]!;
    expect(s.converged).toBe(true);
    expect(s.iterations).toBeGreaterThan(1);
    expect(Math.abs(s.prior - 0.3)).toBeLessThan(0.01);
    expect(mError(r.model, [0, 1, 2, 3])).toBeLessThan(0.02);
    // u stays what it was, prior stays the model's
    expect(r.model.uProbability(2, 1)).toBe(INIT.uProbability(2, 1));
    expect(r.model.prior).toBe(INIT.prior);
    expect(r.notEstimated).toEqual([]);
    expect(s.estimatedComparisons).toEqual([0, 1, 2, 3]);
  });

  it('does not depend on the starting λ_s', () => {
    for (const start of [0.01, 0.5, 0.9]) {
      const r = trainEM([{ levels, count: N, fixedComparisons: [] }], INIT, { tolerance: 1e-7, maxIterations: 500, initialSessionPrior: start });
      expect(Math.abs(r.sessions[0]!.prior - 0.3)).toBeLessThan(0.01);
      expect(mError(r.model, [0, 1, 2, 3])).toBeLessThan(0.02);
    }
  });

  it('with fixU: false also recovers u roughly (tolerance 0.03)', () => {
    const flat = INIT.withParameters({ u: TRUTH.map((t) => t.u.map((_, l) => (l === 0 ? 0 : 1 / (t.u.length - 1)))) });
    // u starts uniform; m default; EM must find both
    const r = trainEM([{ levels, count: N, fixedComparisons: [] }], flat, { tolerance: 1e-7, maxIterations: 1000, fixU: false });
    expect(mError(r.model, [0, 1, 2, 3])).toBeLessThan(0.03);
    for (let k = 0; k < 4; k++) {
      for (let l = 1; l < TRUTH[k]!.u.length; l++) expect(Math.abs(r.model.uProbability(k, l) - TRUTH[k]!.u[l]!)).toBeLessThan(0.03);
    }
  });

  it('reports non-convergence when stopped early, and is deterministic', () => {
    const a = trainEM([{ levels, count: N, fixedComparisons: [] }], INIT, { maxIterations: 1 });
    expect(a.sessions[0]!.iterations).toBe(1);
    expect(a.sessions[0]!.converged).toBe(false);
    const b = trainEM([{ levels, count: N, fixedComparisons: [] }], INIT, { maxIterations: 1 });
    expect(b.model.toJSON()).toEqual(a.model.toJSON());
  });
});

describe('trainEM: one session per blocking rule', () => {
  // Underlying λ = 0.02 over all pairs; rule A blocks on comparison 0 (only pairs exact on it
  // are candidates), rule B on comparison 2.
  const LAMBDA = 0.02;
  const N = 30_000;
  const A = simulatePairs(2, TRUTH, LAMBDA, N, (row) => row[0] === 1);
  const B = simulatePairs(3, TRUTH, LAMBDA, N, (row) => row[2] === 1);
  const share = (k: number): number => (LAMBDA * TRUTH[k]!.m[1]!) / (LAMBDA * TRUTH[k]!.m[1]! + (1 - LAMBDA) * TRUTH[k]!.u[1]!);

  it('fixing the blocked comparison recovers every m; λ_s is the blocked match share', () => {
    const r = trainEM(
      [
        { levels: A.levels, count: N, fixedComparisons: [0], name: 'A' },
        { levels: B.levels, count: N, fixedComparisons: [2], name: 'B' },
      ],
      INIT,
      { tolerance: 1e-6, maxIterations: 300 },
    );
    const [sa, sb] = r.sessions;
    expect(sa!.name).toBe('A');
    expect(sa!.estimatedComparisons).toEqual([1, 2, 3]);
    expect(sb!.estimatedComparisons).toEqual([0, 1, 3]);
    expect(sa!.m[0]).toBeNull();
    expect(Math.abs(sa!.prior - share(0))).toBeLessThan(0.015);
    expect(Math.abs(sb!.prior - share(2))).toBeLessThan(0.015);
    expect(mError(r.model, [0, 1, 2, 3])).toBeLessThan(0.02);
    // combined = average of the sessions that estimated the comparison
    for (let l = 1; l < 3; l++) expect(r.model.mProbability(1, l)).toBeCloseTo((sa!.m[1]![l]! + sb!.m[1]![l]!) / 2, 9);
    // comparison 0 comes from B only, comparison 2 from A only
    expect(r.model.mProbability(0, 1)).toBeCloseTo(sb!.m[0]![1]!, 9);
    expect(r.model.mProbability(2, 1)).toBeCloseTo(sa!.m[2]![1]!, 9);
  });

  it('without fixing it, the blocked comparison m collapses onto the agreeing level (the bias avoided)', () => {
    const r = trainEM([{ levels: A.levels, count: N, fixedComparisons: [] }], INIT, { tolerance: 1e-6, maxIterations: 300 });
    expect(r.model.mProbability(0, 1)).toBeGreaterThan(0.99);
    expect(TRUTH[0]!.m[1]).toBe(0.85);
  });

  it('a comparison fixed in every session keeps its initial m', () => {
    const r = trainEM([{ levels: A.levels, count: N, fixedComparisons: [0] }], INIT, { tolerance: 1e-5 });
    expect(r.notEstimated).toEqual([0]);
    expect(r.model.mProbability(0, 1)).toBe(INIT.mProbability(0, 1));
  });
});

describe('EM building blocks (for worker threads)', () => {
  const N = 10_000;
  const { levels } = simulatePairs(4, TRUTH, 0.3, N);
  const init = INIT.parameters();
  const flat = (t: number[][]): Float64Array => {
    const out = new Float64Array(4 << 8);
    t.forEach((row, k) => out.set(row, k << 8));
    return out;
  };
  const counts = SPECS.map((c) => c.levels.length);
  const active = Uint32Array.of(0, 1, 2, 3);

  it('accumulators of disjoint ranges add up to the whole range', () => {
    const params: EmParameters = { m: flat(init.m), u: flat(init.u), prior: 0.1 };
    const table = emStepTable(params, counts, active);
    const whole = new Float64Array(emAccumulatorLength(4));
    emAccumulate(levels, 0, N, table, whole);
    const parts = new Float64Array(emAccumulatorLength(4));
    for (const [s, e] of [[0, 1], [1, 3333], [3333, 7000], [7000, N]] as const) {
      const part = new Float64Array(emAccumulatorLength(4));
      emAccumulate(levels, s, e, structuredClone(table), part);
      for (let i = 0; i < part.length; i++) parts[i] += part[i]!;
    }
    expect(whole[1]).toBe(N);
    for (let i = 0; i < whole.length; i++) expect(parts[i]).toBeCloseTo(whole[i]!, 8);
    // Σp over levels of one comparison = Σp overall
    let s = 0;
    for (let l = 0; l < 4; l++) s += whole[2 + l]!;
    expect(s).toBeCloseTo(whole[0]!, 8);
  });

  it('one E-step matches a direct per-pair computation', () => {
    const params: EmParameters = { m: flat(init.m), u: flat(init.u), prior: 0.25 };
    const acc = new Float64Array(emAccumulatorLength(4));
    emAccumulate(levels, 0, 500, emStepTable(params, counts, active), acc);
    let sum = 0;
    for (let i = 0; i < 500; i++) {
      let num = 0.25;
      let den = 0.75;
      for (let k = 0; k < 4; k++) {
        const l = levels[k]![i]!;
        if (l === 0) continue;
        num *= init.m[k]![l]!;
        den *= init.u[k]![l]!;
      }
      sum += num / (num + den);
    }
    expect(acc[0]).toBeCloseTo(sum, 9);
  });

  it('patterns: every pair in exactly one, of its own levels on the active comparisons, in order of first appearance (oracle: a map of level strings)', () => {
    for (const act of [active, Uint32Array.of(1, 3), Uint32Array.of(2)]) {
      const p = emPatterns(levels, N, act, counts)!;
      const oracle = new Map<string, number>();
      const order: string[] = [];
      for (let i = 0; i < N; i++) {
        const key = Array.from(act, (k) => levels[k]![i]).join(',');
        if (!oracle.has(key)) order.push(key);
        oracle.set(key, (oracle.get(key) ?? 0) + 1);
      }
      expect(p.count).toBe(order.length);
      expect(p.count).toBeLessThan(N / 10);
      for (let q = 0; q < p.count; q++) {
        expect(Array.from(act, (k) => p.levels[k]![q]).join(',')).toBe(order[q]);
        expect(p.weights[q]).toBe(oracle.get(order[q]!));
      }
      // Comparisons outside `act` are not carried.
      for (let k = 0; k < 4; k++) if (!act.includes(k)) expect(p.levels[k]!.length).toBe(0);
    }
  });

  it('an E-step over the patterns, weighed by their pairs, equals the E-step over the pairs (1e-9)', () => {
    for (const prior of [0.01, 0.3, 0.9]) {
      const params: EmParameters = { m: flat(init.m), u: flat(init.u), prior };
      const table = emStepTable(params, counts, active);
      const pairs = new Float64Array(emAccumulatorLength(4));
      emAccumulate(levels, 0, N, table, pairs);
      const p = emPatterns(levels, N, active, counts)!;
      const grouped = new Float64Array(emAccumulatorLength(4));
      emAccumulate(p.levels, 0, p.count, table, grouped, p.weights);
      expect(grouped[1]).toBe(N);
      for (let i = 0; i < pairs.length; i++) expect(Math.abs(grouped[i]! - pairs[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(pairs[i]!)));
    }
  });

  it('patterns: none beyond the limit, nor when the level combinations exceed an exact key (2^52)', () => {
    const full = emPatterns(levels, N, active, counts)!;
    expect(emPatterns(levels, N, active, counts, full.count)).not.toBeNull();
    expect(emPatterns(levels, N, active, counts, full.count - 1)).toBeNull();
    const many = Array.from({ length: 14 }, () => levels[0]!);
    expect(emPatterns(many, N, Uint32Array.from(many.keys()), many.map(() => 16))).toBeNull(); // 16^14 = 2^56
    expect(emPatterns(many.slice(0, 13), N, Uint32Array.from(many.slice(0, 13).keys()), many.map(() => 16))).not.toBeNull(); // 2^52
  });

  it('emMaximise normalises m over non-null levels and reports the change', () => {
    const params: EmParameters = { m: flat(init.m), u: flat(init.u), prior: 0.5 };
    const acc = new Float64Array(emAccumulatorLength(4));
    acc[0] = 3;
    acc[1] = 10;
    acc[2 + (1 << 8) + 0] = 7; // null level: ignored
    acc[2 + (1 << 8) + 1] = 1;
    acc[2 + (1 << 8) + 2] = 3;
    const change = emMaximise(acc, counts, Uint32Array.of(1), params, true);
    expect(params.m[(1 << 8) | 1]).toBe(0.25);
    expect(params.m[(1 << 8) | 2]).toBe(0.75);
    expect(params.prior).toBe(0.3);
    expect(change).toBeCloseTo(0.55, 12); // m(1,1): 0.8 → 0.25
    // comparison 0 not active: untouched
    expect(params.m[1]).toBe(init.m[0]![1]);
  });

  it('throws on a level out of range in a session', () => {
    const bad = levels.map((c) => c.slice());
    bad[3]![77] = 5;
    try {
      trainEM([{ levels: bad, count: N, fixedComparisons: [] }], INIT);
      throw new Error('no throw');
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toContain('"c3"');
    }
    const table = emStepTable({ m: flat(init.m), u: flat(init.u), prior: 0.1 }, counts, active);
    expect(() => emAccumulate(bad, 0, N, table, new Float64Array(emAccumulatorLength(4)))).toThrow(/pair 77/);
  });

  it('validates options and sessions', () => {
    const s = { levels, count: N, fixedComparisons: [] as number[] };
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isKhopError(e) ? e.code : 'not khop';
      }
      return undefined;
    };
    expect(code(() => trainEM([s], INIT, { maxIterations: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => trainEM([s], INIT, { tolerance: Number.NaN }))).toBe('INVALID_OPTION');
    expect(code(() => trainEM([s], INIT, { initialSessionPrior: 1 }))).toBe('INVALID_OPTION');
    expect(code(() => trainEM([], INIT))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainEM([{ ...s, count: 0 }], INIT))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainEM([{ ...s, fixedComparisons: [4] }], INIT))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainEM([{ ...s, fixedComparisons: [1, 1] }], INIT))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainEM([{ ...s, fixedComparisons: [0, 1, 2, 3] }], INIT))).toBe('INVALID_ARGUMENT');
    expect(code(() => trainEM([{ ...s, levels: levels.slice(1) }], INIT))).toBe('INVALID_ARGUMENT');
    expect(DEFAULT_EM_OPTIONS.maxIterations).toBe(25);
  });
});
