// Test helper: level columns drawn from a known Fellegi–Sunter model (seeded).
import { Rng } from '../../src/util/rng.js';
import type { ComparisonSpec } from '../../src/score/comparison-spec.js';

/** The truth of one comparison: m and u over levels (entry 0 = 0) and the chance of a null. */
export interface TruthComparison {
  readonly m: readonly number[];
  readonly u: readonly number[];
  readonly nullRate: number;
}

export const TRUTH: readonly TruthComparison[] = [
  { m: [0, 0.85, 0.1, 0.05], u: [0, 0.02, 0.08, 0.9], nullRate: 0.05 },
  { m: [0, 0.9, 0.1], u: [0, 0.1, 0.9], nullRate: 0.05 },
  { m: [0, 0.7, 0.15, 0.1, 0.05], u: [0, 0.01, 0.04, 0.15, 0.8], nullRate: 0.05 },
  { m: [0, 0.95, 0.05], u: [0, 0.3, 0.7], nullRate: 0.05 },
];

export function specsFor(truth: readonly TruthComparison[]): ComparisonSpec[] {
  return truth.map((t, k) => ({
    name: `c${k}`,
    levels: t.m.map((_, l) => (l === 0 ? { label: 'null', null: true } : l === t.m.length - 1 ? { label: 'else' } : { label: `l${l}` })),
  }));
}

function draw(rng: Rng, probs: readonly number[]): number {
  let x = rng.next();
  for (let l = 1; l < probs.length - 1; l++) {
    x -= probs[l]!;
    if (x < 0) return l;
  }
  return probs.length - 1;
}

/**
 * `count` pairs: each is a match with probability `lambda`; each comparison is null with its
 * nullRate, else drawn from m or u. `accept` (optional) keeps only pairs it approves — a
 * blocking rule (rejection sampling).
 */
export function simulatePairs(
  seed: number,
  truth: readonly TruthComparison[],
  lambda: number,
  count: number,
  accept?: (levels: Uint8Array) => boolean,
): { levels: Uint8Array[]; isMatch: Uint8Array } {
  const rng = new Rng(seed);
  const K = truth.length;
  const levels = truth.map(() => new Uint8Array(count));
  const isMatch = new Uint8Array(count);
  const row = new Uint8Array(K);
  let n = 0;
  while (n < count) {
    const match = rng.next() < lambda;
    for (let k = 0; k < K; k++) {
      const t = truth[k]!;
      row[k] = rng.next() < t.nullRate ? 0 : draw(rng, match ? t.m : t.u);
    }
    if (accept !== undefined && !accept(row)) continue;
    for (let k = 0; k < K; k++) levels[k]![n] = row[k]!;
    isMatch[n] = match ? 1 : 0;
    n++;
  }
  return { levels, isMatch };
}
