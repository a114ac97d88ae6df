/**
 * Training a Fellegi–Sunter model without labels (Fellegi & Sunter 1969; Winkler 1988; as
 * Splink does it), the `train` phase of dedupe and link:
 *   u  from seeded random record pairs (nearly all non-matches);
 *   m  by EM on EACH blocking rule's full pair set, with the comparisons of the rule's own
 *      columns held out (their agreement was forced by the blocking), averaged over the rules
 *      and Laplace-smoothed against the expected matches behind it; a level with no data in
 *      either m or u gets weight 0;
 *   λ  (share of matching pairs among ALL pairs) by a fixed point over the candidate pairs,
 *      with m and u fixed (pairs outside the blocks count as non-matches).
 * The heavy loops run on the worker pool (src/pool), summed in a fixed order.
 */
import { KhopError } from '../errors.js';
import type { BlockIndex } from '../block/block-index.js';
import { candidatePairs } from '../block/candidate-pairs.js';
import { describeRule, type BlockingRule } from '../block/blocking-rule.js';
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import { estimateU } from '../score/estimate-u.js';
import { sampleRandomPairs } from '../score/random-pairs.js';
import type { EmOptions, EmSession } from '../score/expectation-maximisation.js';
import { computeLevels, posteriorSumBuffer, scoreAll, sumPosteriors, type MatchRunner } from '../pool/parallel-match.js';
import { trainEmParallel } from '../pool/parallel-em.js';
import { sharedCopyUint32, sharedFloat64, sharedUint8 } from '../pool/shared-arrays.js';
import type { PreparedDataset } from './prepare.js';
import type { ComparisonPlan } from './comparisons.js';
import { PairBuffer } from './pair-buffer.js';

/** What training needs of the validated match options. */
export interface TrainingOptions {
  readonly uSampleSize: number;
  readonly seed: number;
  readonly maxBlockSize: number;
}

/** Pseudo-count of matching pairs added to every level when smoothing m. */
const M_PSEUDO_COUNT = 1;

/** Pairs of one rule used for its EM session (the first ones in block order). */
const MAX_TRAINING_PAIRS = 2_000_000;

/** All record pairs of the job: dedupe n(n−1)/2, link nLeft × nRight. */
export function totalPairsOf(prepared: PreparedDataset, linkMode: boolean): number {
  const n = prepared.store.rowCount;
  return linkMode ? (prepared.sourceRows[0] ?? 0) * (prepared.sourceRows[1] ?? 0) : (n * (n - 1)) / 2;
}

export async function trainModel(
  runner: MatchRunner,
  prepared: PreparedDataset,
  plan: ComparisonPlan,
  levels: Uint8Array[],
  pairs: PairBuffer,
  indexes: readonly BlockIndex[],
  rules: BlockingRule[],
  tf: (Float64Array | undefined)[],
  v: TrainingOptions,
  em: EmOptions | undefined,
  linkMode: boolean,
): Promise<{ model: FellegiSunterModel; stats: Record<string, number> }> {
  const nLeft = prepared.sourceRows[0] ?? 0;
  const nRight = prepared.sourceRows[1] ?? 0;
  const totalPairs = totalPairsOf(prepared, linkMode);
  if (totalPairs < 1) throw new KhopError('INVALID_INPUT', 'need at least two records (one on each side for link) to train a model');
  const n = prepared.store.rowCount;
  // u from random pairs (copied onto shared memory for the compare tasks).
  let t = performance.now();
  const random = linkMode ? sampleRandomPairs(v.uSampleSize, { left: nLeft, right: nRight }, v.seed) : sampleRandomPairs(v.uSampleSize, n, v.seed);
  const rLeft = sharedCopyUint32(random.left, random.count);
  const rRight = sharedCopyUint32(random.right, random.count, linkMode ? nLeft : 0);
  const uLevels = plan.specs.map(() => sharedUint8(Math.max(1, random.count)));
  await computeLevels(runner, 'train', rLeft, rRight, random.count, uLevels);
  // A comparison no random pair has a value for (e.g. middle names in data that has none) has
  // no u to estimate: it gets uniform u here and m = u below — weight 0, no evidence.
  const empty = new Set<number>();
  for (let k = 0; k < uLevels.length; k++) {
    const col = uLevels[k]!;
    let any = false;
    for (let i = 0; i < random.count && !any; i++) any = col[i] !== 0;
    if (!any) empty.add(k);
  }
  const keep = plan.specs.map((_, k) => k).filter((k) => !empty.has(k));
  const uSub = keep.length > 0 ? estimateU(keep.map((k) => uLevels[k]!), random.count, keep.map((k) => plan.specs[k]!)) : { u: [], unobserved: [] };
  const uAll: Float64Array[] = plan.specs.map((spec, k) => {
    const i = keep.indexOf(k);
    if (i >= 0) return uSub.u[i]!;
    const L = spec.levels.length;
    return Float64Array.from({ length: L }, (_, l) => (l === 0 ? 0 : 1 / (L - 1)));
  });
  const unobservedU = new Set(uSub.unobserved.map((x) => keep[x.comparison]! * 256 + x.level));
  for (const k of empty) for (let l = 1; l < plan.specs[k]!.levels.length; l++) unobservedU.add(k * 256 + l);
  const init = new FellegiSunterModel(plan.specs, { prior: Math.min(0.5, Math.max(1e-12, pairs.count / totalPairs / 2)), u: uAll });
  const uMs = performance.now() - t;

  // m by EM, one session per rule on ALL of that rule's pairs (not only those no earlier rule
  // produced: an earlier rule would otherwise take away every pair agreeing on its columns),
  // with the comparisons of the rule's own columns held out. At most maxTrainingPairs per rule.
  t = performance.now();
  const sessions: EmSession[] = [];
  for (let r = 0; r < rules.length; r++) {
    const ruleCols = new Set(rules[r]!.parts.map((p) => p.column));
    const fixed: number[] = [];
    plan.columns.forEach((cols, k) => {
      if (cols.some((c) => ruleCols.has(c))) fixed.push(k);
    });
    if (fixed.length >= plan.specs.length) continue;
    const rulePairs = new PairBuffer();
    const stream = candidatePairs([indexes[r]!], { maxBlockSize: v.maxBlockSize, ...(linkMode ? { source: prepared.source } : {}), reuseChunk: true });
    for (const chunk of stream) {
      rulePairs.push(chunk.left, chunk.right, chunk.length);
      if (rulePairs.count >= MAX_TRAINING_PAIRS) break;
    }
    const count = Math.min(rulePairs.count, MAX_TRAINING_PAIRS);
    if (count < 10) continue;
    const ruleLevels = plan.specs.map(() => sharedUint8(count));
    await computeLevels(runner, 'train', rulePairs.left, rulePairs.right, count, ruleLevels);
    sessions.push({ name: describeRule(rules[r]!), levels: ruleLevels, count, fixedComparisons: fixed });
  }
  const sessionMs = performance.now() - t;
  t = performance.now();
  let model = init;
  let emIterations = 0;
  /** Expected matching pairs behind each comparison's m estimate (for smoothing). */
  const matchesBehind = new Float64Array(plan.specs.length);
  if (sessions.length > 0) {
    const trained = await trainEmParallel({ pool: runner.pool, jobId: runner.job.id, ...(runner.traffic ? { traffic: runner.traffic } : {}) }, sessions, init, em ?? {}, 'train');
    model = trained.model;
    for (const d of trained.sessions) {
      emIterations += d.iterations;
      for (const k of d.estimatedComparisons) matchesBehind[k] = Math.max(matchesBehind[k]!, d.prior * d.pairs);
    }
  }
  const emMs = performance.now() - t;

  // λ by a fixed point over all candidate pairs (outside the blocks: non-matches).
  t = performance.now();
  const P = pairs.count;
  const K = plan.specs.length;
  const m: number[][] = [];
  const u: number[][] = [];
  for (let k = 0; k < K; k++) {
    const L = model.levelCount(k);
    const mk = [0];
    const uk = [0];
    // Laplace smoothing of m with one pseudo-pair per level, weighed against the expected
    // matching pairs the estimate rests on: a level no matching pair happened to land on gets
    // m ≈ 1/M rather than ~0 (which would make it a −25-bit veto on one unseen event).
    // A level seen neither among the matching pairs (expected count < 1) nor among the random
    // pairs has no data at all: it gets m = u (weight 0, no evidence) instead of the ratio of
    // two pseudo-counts, which would be a large weight made of nothing.
    const M = matchesBehind[k]!;
    for (let l = 1; l < L; l++) {
      const raw = model.mProbability(k, l);
      const uKL = model.uProbability(k, l);
      const noData = empty.has(k) || (unobservedU.has(k * 256 + l) && raw * M < 1);
      mk.push(noData ? uKL : M > 0 ? (raw * M + M_PSEUDO_COUNT) / (M + M_PSEUDO_COUNT * (L - 1)) : raw);
      uk.push(uKL);
    }
    m.push(normalise(mk));
    u.push(normalise(uk));
  }
  const noPrior = new FellegiSunterModel(plan.specs, { prior: 0.5, m, u });
  const evidence = sharedFloat64(Math.max(1, P));
  if (P > 0) await scoreAll(runner, 'train', noPrior, levels, tf, P, evidence);
  // Σ P(match) per fixed pair range, added in range order: the same λ for any thread count.
  const sums = posteriorSumBuffer(P);
  let lambda = Math.min(0.5, Math.max(1e-15, P / totalPairs / 2));
  let lambdaIterations = 0;
  for (let it = 0; it < 200; it++) {
    lambdaIterations++;
    const logit = Math.log2(lambda / (1 - lambda));
    const expected = P > 0 ? await sumPosteriors(runner, 'train', evidence, P, logit, sums) : 0;
    const next = Math.min(0.5, Math.max(1e-15, expected / totalPairs));
    if (Math.abs(next - lambda) <= lambda * 1e-6) {
      lambda = next;
      break;
    }
    lambda = next;
  }
  const lambdaMs = performance.now() - t;
  return {
    model: new FellegiSunterModel(plan.specs, { prior: lambda, m, u }),
    stats: { uPairs: random.count, uMs, emPairs: sessions.reduce((s, x) => s + x.count, 0), emLevelsMs: sessionMs, emIterations, emMs, lambdaIterations, lambdaMs },
  };
}

function normalise(xs: number[]): number[] {
  let s = 0;
  for (let i = 1; i < xs.length; i++) s += xs[i]!;
  return xs.map((x, i) => (i === 0 ? 0 : x / s));
}
