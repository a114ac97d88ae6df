import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clusterMetrics, pairwiseMetrics } from '../../src/eval/pairwise.js';
import { countingSortBy, denseLabels } from '../../src/eval/labels.js';
import { isKhopError } from '../../src/errors.js';
import { thrown } from '../util/thrown.js';

/** Brute-force oracle: every pair i < j. */
function oracle(truth: number[], pred: number[]): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      const t = truth[i] === truth[j];
      const p = pred[i] === pred[j];
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
  }
  return { tp, fp, fn };
}

/** Brute-force cluster oracle: clusters as sorted member lists, compared as strings. */
function clusterOracle(truth: number[], pred: number[], minSize: number): { p: number; t: number; exact: number } {
  const sets = (labels: number[]): string[] => {
    const m = new Map<number, number[]>();
    labels.forEach((l, i) => m.set(l, [...(m.get(l) ?? []), i]));
    return [...m.values()].filter((s) => s.length >= minSize).map((s) => s.join(','));
  };
  const ts = new Set(sets(truth));
  const ps = sets(pred);
  return { p: ps.length, t: ts.size, exact: ps.filter((s) => ts.has(s)).length };
}

function pairsOfClusters(pred: number[]): { left: Uint32Array; right: Uint32Array } {
  const l: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < pred.length; i++) for (let j = i + 1; j < pred.length; j++) if (pred[i] === pred[j]) (l.push(j), r.push(i));
  return { left: Uint32Array.from(l), right: Uint32Array.from(r) };
}

describe('pairwiseMetrics: hand-computed', () => {
  // truth {0,1,2} {3,4} {5}; predicted {0,1} {2,3,4} {5}
  const truth = [7, 7, 7, -1, -1, 1e12];
  const pred = [0, 0, 1, 1, 1, 2];
  it('from clusters: TP 2 (0-1, 3-4), FP 2 (2-3, 2-4), FN 2 (0-2, 1-2)', () => {
    expect(pairwiseMetrics({ truth, predictedClusters: pred })).toEqual({
      truePositives: 2,
      falsePositives: 2,
      falseNegatives: 2,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      predictedPairs: 4,
      truthPairs: 4,
    });
  });
  it('from pairs: same result; repeats and reversed pairs count once', () => {
    const left = Uint32Array.from([0, 2, 4, 3, 1, 3]);
    const right = Uint32Array.from([1, 3, 2, 4, 0, 2]);
    const m = pairwiseMetrics({ truth, predictedPairs: { left, right } });
    expect(m).toMatchObject({ truePositives: 2, falsePositives: 2, falseNegatives: 2, predictedPairs: 4, truthPairs: 4 });
  });
  it('undefined ratios are NaN, not a plausible number', () => {
    const none = pairwiseMetrics({ truth: [1, 2, 3], predictedClusters: [1, 2, 3] });
    expect(none.precision).toBeNaN();
    expect(none.recall).toBeNaN();
    expect(none.f1).toBeNaN();
    const allWrong = pairwiseMetrics({ truth: [1, 1, 2, 3], predictedClusters: [1, 2, 3, 3] });
    expect(allWrong).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    const empty = pairwiseMetrics({ truth: [], predictedPairs: { left: new Uint32Array(0), right: new Uint32Array(0) } });
    expect(empty.truePositives).toBe(0);
    expect(Object.is(empty.truePositives, 0)).toBe(true);
  });
  it('rejects bad input with INVALID_ARGUMENT', () => {
    const bad: Array<() => unknown> = [
      () => pairwiseMetrics({ truth: [1, 2], predictedClusters: [1] }),
      () => pairwiseMetrics({ truth: [1, Number.NaN], predictedClusters: [1, 1] }),
      () => pairwiseMetrics({ truth: [1, 2], predictedClusters: [1, 1], predictedPairs: { left: new Uint32Array(0), right: new Uint32Array(0) } }),
      () => pairwiseMetrics({ truth: [1, 2] }),
      () => pairwiseMetrics({ truth: [1, 2], predictedPairs: { left: Uint32Array.of(0), right: Uint32Array.of(2) } }),
      () => pairwiseMetrics({ truth: [1, 2], predictedPairs: { left: Uint32Array.of(1), right: Uint32Array.of(1) } }),
      () => pairwiseMetrics({ truth: [1, 2], predictedPairs: { left: Uint32Array.of(0, 1), right: Uint32Array.of(1) } }),
    ];
    for (const f of bad) expect(isKhopError(thrown(f), 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('pairwiseMetrics: brute-force oracle', () => {
  const labels = (n: number) => fc.array(fc.integer({ min: -3, max: 6 }), { minLength: n, maxLength: n });
  const instance = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(labels(n), labels(n)));

  it('clusters: TP/FP/FN equal the O(n²) pair count', () => {
    fc.assert(
      fc.property(instance, ([truth, pred]) => {
        const m = pairwiseMetrics({ truth, predictedClusters: pred });
        const o = oracle(truth, pred);
        return m.truePositives === o.tp && m.falsePositives === o.fp && m.falseNegatives === o.fn;
      }),
      { numRuns: 500 },
    );
  });

  it('pairs: the same pairs as a clustering give the same counts, whatever order and repeats', () => {
    fc.assert(
      fc.property(instance, fc.integer(), ([truth, pred], seed) => {
        const { left, right } = pairsOfClusters(pred);
        // duplicate some pairs, reversed
        const k = left.length === 0 ? 0 : (Math.abs(seed) % left.length) + 1;
        const l2 = Uint32Array.from([...left, ...right.slice(0, k)]);
        const r2 = Uint32Array.from([...right, ...left.slice(0, k)]);
        const m = pairwiseMetrics({ truth, predictedPairs: { left: l2, right: r2 } });
        const o = oracle(truth, pred);
        return m.truePositives === o.tp && m.falsePositives === o.fp && m.falseNegatives === o.fn;
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary pair lists against a Set oracle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }).chain((n) =>
          fc.tuple(
            fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
            fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 })).filter(([a, b]) => a !== b), { maxLength: 60 }),
          ),
        ),
        ([truth, pairs]) => {
          const set = new Set(pairs.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
          let tp = 0;
          for (const s of set) {
            const [a, b] = s.split('-').map(Number);
            if (truth[a] === truth[b]) tp++;
          }
          const m = pairwiseMetrics({ truth, predictedPairs: { left: Uint32Array.from(pairs.map((p) => p[0])), right: Uint32Array.from(pairs.map((p) => p[1])) } });
          return m.truePositives === tp && m.predictedPairs === set.size && m.truthPairs === oracle(truth, truth).tp;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('clusterMetrics', () => {
  it('hand-computed: only {5} is found exactly', () => {
    const truth = [7, 7, 7, -1, -1, 1e12];
    const pred = [0, 0, 1, 1, 1, 2];
    expect(clusterMetrics({ truth, predictedClusters: pred })).toEqual({
      predictedClusters: 3,
      truthClusters: 3,
      exactMatches: 1,
      precision: 1 / 3,
      recall: 1 / 3,
      f1: 1 / 3,
    });
    expect(clusterMetrics({ truth, predictedClusters: pred, ignoreSingletons: true })).toMatchObject({
      predictedClusters: 2,
      truthClusters: 2,
      exactMatches: 0,
      precision: 0,
      recall: 0,
    });
    expect(clusterMetrics({ truth, predictedClusters: [5, 5, 5, 9, 9, 4] })).toMatchObject({ exactMatches: 3, precision: 1, recall: 1 });
  });
  it('equals the set-comparison oracle on random clusterings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n }))),
        fc.boolean(),
        ([truth, pred], ignoreSingletons) => {
          const m = clusterMetrics({ truth, predictedClusters: pred, ignoreSingletons });
          const o = clusterOracle(truth, pred, ignoreSingletons ? 2 : 1);
          return m.predictedClusters === o.p && m.truthClusters === o.t && m.exactMatches === o.exact;
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('label helpers', () => {
  it('denseLabels ranks distinct values and counts them', () => {
    const d = denseLabels([5, -2, 5, 1e15, -2, 0.5], 'x');
    expect([...d.ids]).toEqual([2, 0, 2, 3, 0, 1]);
    expect(d.count).toBe(4);
    expect([...d.sizes]).toEqual([2, 1, 2, 1]);
  });
  it('countingSortBy is stable', () => {
    const key = Uint32Array.from([2, 0, 2, 1, 0]);
    expect([...countingSortBy(Uint32Array.from([0, 1, 2, 3, 4]), key, 3)]).toEqual([1, 4, 3, 0, 2]);
  });
});
