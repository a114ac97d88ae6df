/**
 * The tasks of dedupe() and link() that run on the pool: each takes a range of pairs (or of
 * fixed pair ranges, see pair-ranges.ts) and writes its results IN PLACE into shared columns
 * that the main thread allocated — nothing is copied back.
 *
 *   task             reads (shared)                     writes (shared)
 *   match.compare    records, pair columns              level columns [from, to)
 *   match.em         level columns, ln(m/u) table       one EM accumulator per range
 *   match.score      level columns, left rows, tf per   match weights [from, to)
 *                    row (a pair's tf is its left row's)
 *   match.lambda     evidence weights                   one Σ P(match) per range
 *
 * Every task is a pure function of its message and the shared memory it names; the partial
 * sums of match.em and match.lambda are per fixed range, summed by the main thread in range
 * order (bit-identical results for any number of threads).
 */
import { emAccumulate, emAccumulatorLength, type EmStepTable } from '../score/expectation-maximisation.js';
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import { probabilityOfWeight } from '../score/probability.js';
import type { FellegiSunterModelJson } from '../score/model-json.js';
import type { TaskContext } from './task-context.js';
import { taskArgs, type PackedTask } from './task-message.js';
import { openMatchJob, type MatchJobShared } from './match-job.js';

// ── match.compare ──────────────────────────────────────────────────────────────────────────

export interface CompareArgs {
  /** The job's packed description (MatchJob.spec). */
  readonly spec: Uint8Array;
  /** Pairs [from, to). */
  readonly from: number;
  readonly to: number;
}

export interface CompareShared {
  readonly job: MatchJobShared;
  readonly left: Uint32Array;
  readonly right: Uint32Array;
  /** One level column per comparison, written at the pair's index. */
  readonly levels: readonly Uint8Array[];
}

/** Comparison levels of pairs [from, to). */
export function compareTask(task: PackedTask<CompareShared>, context: TaskContext): void {
  const a = taskArgs<CompareArgs>(task);
  const s = task.shared;
  const { plan, side } = openMatchJob(context, task.job, a.spec, s.job);
  plan.compute(side, side, s.left, s.right, a.from, a.to, s.levels, a.from);
}

// ── match.em ───────────────────────────────────────────────────────────────────────────────

export interface EmTaskArgs {
  /** Ranges [fromRange, toRange) of `size` pairs each, of `count` pairs in all. */
  readonly fromRange: number;
  readonly toRange: number;
  readonly size: number;
  readonly count: number;
  /** The E-step's active comparisons and ln(λ_s / (1 − λ_s)). */
  readonly active: readonly number[];
  readonly logPriorOdds: number;
}

export interface EmTaskShared {
  readonly levels: readonly Uint8Array[];
  /** ln(m/u) table of the iteration (EmStepTable.logBayesFactors), written by the main thread. */
  readonly logBayesFactors: Float64Array;
  /** ranges × emAccumulatorLength(K): accumulator of range r at r · length. */
  readonly accumulators: Float64Array;
}

/** E-step over whole ranges: one fresh accumulator per range. */
export function emTask(task: PackedTask<EmTaskShared>): void {
  const a = taskArgs<EmTaskArgs>(task);
  const s = task.shared;
  const table: EmStepTable = { logBayesFactors: s.logBayesFactors, logPriorOdds: a.logPriorOdds, active: Uint32Array.from(a.active) };
  const len = emAccumulatorLength(s.levels.length);
  for (let r = a.fromRange; r < a.toRange; r++) {
    const acc = s.accumulators.subarray(r * len, (r + 1) * len);
    acc.fill(0);
    const start = r * a.size;
    const end = Math.min(a.count, start + a.size);
    emAccumulate(s.levels, start, end, table, acc);
  }
}

// ── match.score ────────────────────────────────────────────────────────────────────────────

export interface ScoreArgs {
  /** The model (FellegiSunterModel.toJSON(): clamped m and u, which rebuild the same weights). */
  readonly model: FellegiSunterModelJson;
  readonly from: number;
  readonly to: number;
}

export interface ScoreShared {
  readonly levels: readonly Uint8Array[];
  /** Per comparison: term frequency per ROW, or null; a pair's is its left row's. */
  readonly tfRows: ReadonlyArray<Float64Array | null>;
  /** The pairs' left rows. */
  readonly left: Uint32Array;
  readonly out: Float64Array;
}

/** Match weights of pairs [from, to) into out[from … to). */
export function scoreTask(task: PackedTask<ScoreShared>): void {
  const a = taskArgs<ScoreArgs>(task);
  const s = task.shared;
  const model = FellegiSunterModel.fromJSON(a.model);
  const n = a.to - a.from;
  const levels = s.levels.map((c) => c.subarray(a.from, a.to));
  const tf = s.tfRows.map((t) => (t === null ? undefined : t));
  model.scorePairs(levels, n, s.out.subarray(a.from, a.to), tf, s.left.subarray(a.from, a.to));
}

// ── match.lambda ───────────────────────────────────────────────────────────────────────────

export interface LambdaArgs {
  readonly fromRange: number;
  readonly toRange: number;
  readonly size: number;
  readonly count: number;
  /** log2(λ / (1 − λ)) of the iteration. */
  readonly logit: number;
}

export interface LambdaShared {
  /** Match weight of each pair without the prior (bits). */
  readonly evidence: Float64Array;
  /** One Σ P(match | γ, λ) per range. */
  readonly sums: Float64Array;
}

/** Σ_p 1 / (1 + 2^−(evidence_p + logit)) per range (matchProbabilityFromWeight). */
export function lambdaTask(task: PackedTask<LambdaShared>): void {
  const a = taskArgs<LambdaArgs>(task);
  const e = task.shared.evidence;
  const logit = a.logit;
  for (let r = a.fromRange; r < a.toRange; r++) {
    const start = r * a.size;
    const end = Math.min(a.count, start + a.size);
    let sum = 0;
    for (let p = start; p < end; p++) sum += probabilityOfWeight(e[p]! + logit);
    task.shared.sums[r] = sum;
  }
}
