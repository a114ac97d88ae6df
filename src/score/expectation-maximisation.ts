/**
 * Expectation–maximisation for the m probabilities of a Fellegi–Sunter model, without labels
 * (Fellegi & Sunter 1969; Winkler, "Using the EM algorithm for weight computation in the
 * Fellegi–Sunter model of record linkage", 1988, and "Methods for record linkage and Bayesian
 * networks", 2000; as Splink runs it: u fixed from random pairs, one training session per
 * blocking rule).
 *
 * Model: conditional independence of comparisons given match status. For pair i with levels
 * γ_ik, E-step posterior
 *
 *     p_i = λ_s Π_k m(k, γ_ik) / (λ_s Π_k m(k, γ_ik) + (1 − λ_s) Π_k u(k, γ_ik))
 *         = 1 / (1 + exp(−(ln(λ_s/(1−λ_s)) + Σ_k ln(m/u)(k, γ_ik))))
 *
 * (null levels contribute ln 1 = 0); M-step m(k, l) = Σ_i p_i [γ_ik = l] / Σ_i p_i [γ_ik ≠ null],
 * λ_s = Σ_i p_i / n, and optionally u(k, l) from the (1 − p_i) in the same way.
 *
 * Blocking-field bias. Pairs of a blocking rule all agree on the fields it blocks on, so among
 * them those comparisons say nothing about match status, and m estimated there would be
 * ≈ 1 on the agreeing level. So training runs once PER BLOCKING RULE (a session) on that rule's
 * pairs; the session's `fixedComparisons` are left out of its E-step entirely and their m is
 * not estimated there (Splink deactivates the same comparisons). Each comparison's final m is
 * the plain AVERAGE, level by level, of its estimates over the sessions that estimated it
 * (every session's m sums to 1, so the average does too; Splink takes a per-level median,
 * which need not sum to 1). Sessions all start from the initial model and are independent of
 * their order. A comparison fixed in every session keeps its initial m (`notEstimated`).
 *
 * λ. Within a session λ_s is the match share among that session's pairs (blocked pairs are
 * rich in matches), reported per session and NOT written into the model: the model's prior is
 * the probability that two random records match (see fellegi-sunter.ts), which the caller
 * estimates separately (e.g. from a deterministic rule); the initial model's prior is kept.
 * Term-frequency adjustments take no part in training (as in Splink).
 *
 * Splitting across threads: `emAccumulate` is the E-step over a pair range, adding into a
 * Float64Array accumulator; accumulators of disjoint ranges are summed element-wise and
 * `emMaximise` turns the sum into new parameters. `emStepTable` (plain typed arrays, cloneable)
 * carries the parameters to the workers.
 *
 *   accumulator: [ Σp | pairs | Σp at (k << 8) | level, for k = 0 … K−1, level = 0 … 255 ]
 *                  0     1      2 …
 */
import { KhopError } from '../errors.js';
import { type ComparisonSpec, LEVEL_SHIFT } from './comparison-spec.js';
import { checkLevelColumns, checkLevelCounts, countLevels } from './estimate-u.js';
import { FellegiSunterModel } from './fellegi-sunter.js';
import { clampProbability } from './probability.js';

/** One training session: the candidate pairs of one blocking rule. */
export interface EmSession {
  /** Level columns, one per comparison of the model, each of length ≥ count. */
  readonly levels: readonly Uint8Array[];
  /** Number of pairs (≥ 1). */
  readonly count: number;
  /** Comparisons of the fields the rule blocks on: left out of this session, m not estimated. */
  readonly fixedComparisons: readonly number[];
  /** Optional label for diagnostics (e.g. the blocking rule's name). */
  readonly name?: string;
}

/** Options of {@link trainEM}. */
export interface EmOptions {
  /** Most E+M iterations per session. Default 25 (Splink's default). */
  readonly maxIterations?: number;
  /**
   * Convergence: stop when no estimated probability (m, u when estimated, λ_s when estimated)
   * changed by more than this (absolute) in one iteration. Default 1e-4 (Splink's default).
   */
  readonly tolerance?: number;
  /** Estimate the session's match share λ_s in the M-step. Default true. */
  readonly estimatePrior?: boolean;
  /** λ_s each session starts from (its match share among blocked pairs), in (0, 1). Default 0.1. */
  readonly initialSessionPrior?: number;
  /** Keep u fixed at the initial model's values (from random pairs). Default true, as Splink. */
  readonly fixU?: boolean;
}

export const DEFAULT_EM_OPTIONS: Readonly<Required<EmOptions>> = Object.freeze({
  maxIterations: 25,
  tolerance: 1e-4,
  estimatePrior: true,
  initialSessionPrior: 0.1,
  fixU: true,
});

/** What happened in one session. */
export interface EmSessionDiagnostics {
  readonly name: string | undefined;
  /** Pairs in the session. */
  readonly pairs: number;
  /** E+M iterations run. */
  readonly iterations: number;
  /** True when the last iteration changed nothing by more than the tolerance. */
  readonly converged: boolean;
  /** Largest absolute change in the last iteration. */
  readonly maxChange: number;
  /** λ_s: estimated match share among the session's pairs. */
  readonly prior: number;
  /** Comparisons whose m this session estimated (not fixed, some non-null pair). */
  readonly estimatedComparisons: readonly number[];
  /** The session's m per comparison (entry 0 = 0), null for comparisons it did not estimate. */
  readonly m: ReadonlyArray<readonly number[] | null>;
}

/** Result of {@link trainEM}. */
export interface EmResult {
  /** The initial model with m (and u when `fixU` is false) replaced by the combined estimates. */
  readonly model: FellegiSunterModel;
  readonly sessions: readonly EmSessionDiagnostics[];
  /** Comparisons no session estimated: they keep the initial model's m. */
  readonly notEstimated: readonly number[];
}

/** E-step parameters: plain typed arrays (structured-cloneable for worker threads). */
export interface EmStepTable {
  /** ln(m/u) at `(k << 8) | level` for active comparisons; 0 at the null level; NaN elsewhere. */
  readonly logBayesFactors: Float64Array;
  /** ln(λ_s / (1 − λ_s)). */
  readonly logPriorOdds: number;
  /** Comparisons taking part in the E-step. */
  readonly active: Uint32Array;
}

/** Mutable parameters of a session: m and u flat at `(k << 8) | level`, λ_s. */
export interface EmParameters {
  readonly m: Float64Array;
  readonly u: Float64Array;
  prior: number;
}

/** Offsets into an accumulator. */
export const EM_ACC_POSTERIOR_SUM = 0;
export const EM_ACC_PAIRS = 1;
export const EM_ACC_LEVELS = 2;

/** Length of an accumulator for `comparisons` comparisons. */
export function emAccumulatorLength(comparisons: number): number {
  return EM_ACC_LEVELS + (comparisons << LEVEL_SHIFT);
}

/** Pairs per E-step block: the block's weights stay in L1 while each column is added. */
const EM_BLOCK = 1024;
/**
 * Scratch for one block's log-odds, then posteriors. Module-level and NOT re-entrant:
 * `emAccumulate` is synchronous and never calls itself (each worker has its own module copy).
 */
const scratch = new Float64Array(EM_BLOCK);

/** The E-step table for the current parameters. */
export function emStepTable(params: EmParameters, levelCounts: readonly number[], active: Uint32Array): EmStepTable {
  const lbf = new Float64Array(levelCounts.length << LEVEL_SHIFT).fill(Number.NaN);
  for (let j = 0; j < active.length; j++) {
    const k = active[j]!;
    const base = k << LEVEL_SHIFT;
    lbf[base] = 0;
    for (let l = 1; l < levelCounts[k]!; l++) {
      lbf[base | l] = Math.log(clampProbability(params.m[base | l]!) / clampProbability(params.u[base | l]!));
    }
  }
  const prior = clampProbability(params.prior);
  return { logBayesFactors: lbf, logPriorOdds: Math.log(prior / (1 - prior)), active: active.slice() };
}

/**
 * E-step over pairs start … end−1: adds Σp, the pair count and Σp per (comparison, level) into
 * `acc` (length {@link emAccumulatorLength}). With `weights`, entry i stands for weights[i]
 * pairs of the same levels (a pattern of {@link emPatterns}): its posterior counts that many
 * times. Allocates nothing.
 * @throws KhopError INVALID_ARGUMENT when an active comparison has a level out of range.
 */
export function emAccumulate(levels: readonly Uint8Array[], start: number, end: number, table: EmStepTable, acc: Float64Array, weights?: Float64Array): void {
  const lbf = table.logBayesFactors;
  const active = table.active;
  const A = active.length;
  const odds0 = table.logPriorOdds;
  const w = scratch;
  for (let s = start; s < end; s += EM_BLOCK) {
    const e = s + EM_BLOCK < end ? s + EM_BLOCK : end;
    const n = e - s;
    w.fill(odds0, 0, n);
    for (let j = 0; j < A; j++) {
      const k = active[j]!;
      const col = levels[k]!;
      const base = k << LEVEL_SHIFT;
      for (let i = s; i < e; i++) w[i - s] += lbf[base | col[i]!]!;
    }
    // posterior p = 1 / (1 + e^−x): e^−x overflows to ∞ for very negative x (p → 0) and
    // underflows to 0 for very positive x (p → 1); NaN (a bad level) propagates to the sum.
    let sumP = 0;
    let pairs = n;
    if (weights === undefined) {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-w[i]!));
        w[i] = p;
        sumP += p;
      }
    } else {
      pairs = 0;
      for (let i = 0; i < n; i++) {
        const c = weights[s + i]!;
        const p = c / (1 + Math.exp(-w[i]!));
        w[i] = p;
        sumP += p;
        pairs += c;
      }
    }
    if (sumP !== sumP) throw badLevel(levels, s, e, table);
    for (let j = 0; j < A; j++) {
      const k = active[j]!;
      const col = levels[k]!;
      const base = EM_ACC_LEVELS + (k << LEVEL_SHIFT);
      for (let i = s; i < e; i++) acc[base + col[i]!]! += w[i - s]!;
    }
    acc[EM_ACC_POSTERIOR_SUM]! += sumP;
    acc[EM_ACC_PAIRS]! += pairs;
  }
}

/**
 * M-step from a summed accumulator: new m (and u, when `histogram` — the session's level counts
 * from `countLevels` — is given) for the active comparisons, and λ_s when `estimatePrior`.
 * A comparison with no posterior mass on its non-null levels keeps its m (and u).
 * Updates `params` in place and returns the largest absolute change.
 */
export function emMaximise(
  acc: Float64Array,
  levelCounts: readonly number[],
  active: Uint32Array,
  params: EmParameters,
  estimatePrior: boolean,
  histogram?: Float64Array,
): number {
  let maxChange = 0;
  for (let j = 0; j < active.length; j++) {
    const k = active[j]!;
    const L = levelCounts[k]!;
    const base = k << LEVEL_SHIFT;
    const accBase = EM_ACC_LEVELS + base;
    let mass = 0;
    for (let l = 1; l < L; l++) mass += acc[accBase + l]!;
    if (mass > 0) {
      for (let l = 1; l < L; l++) {
        const next = acc[accBase + l]! / mass;
        const change = Math.abs(next - params.m[base | l]!);
        if (change > maxChange) maxChange = change;
        params.m[base | l] = next;
      }
    }
    if (histogram !== undefined) {
      let nonMatch = 0;
      for (let l = 1; l < L; l++) nonMatch += Math.max(0, histogram[base | l]! - acc[accBase + l]!);
      if (nonMatch > 0) {
        for (let l = 1; l < L; l++) {
          const next = Math.max(0, histogram[base | l]! - acc[accBase + l]!) / nonMatch;
          const change = Math.abs(next - params.u[base | l]!);
          if (change > maxChange) maxChange = change;
          params.u[base | l] = next;
        }
      }
    }
  }
  if (estimatePrior && acc[EM_ACC_PAIRS]! > 0) {
    const next = acc[EM_ACC_POSTERIOR_SUM]! / acc[EM_ACC_PAIRS]!;
    const change = Math.abs(next - params.prior);
    if (change > maxChange) maxChange = change;
    params.prior = next;
  }
  return maxChange;
}

/**
 * Train m by EM, one session per blocking rule, from the initial model `init` (whose u — from
 * random pairs — stays fixed by default, and whose prior is kept). Deterministic.
 * @throws KhopError INVALID_OPTION on bad options; INVALID_ARGUMENT on bad sessions or levels.
 */
export function trainEM(sessions: readonly EmSession[], init: FellegiSunterModel, options: EmOptions = {}): EmResult {
  const t = beginTraining('trainEM', sessions, init, options);

  sessions.forEach((session, si) => {
    const start = beginSession(t, session, si);
    const patterns = emPatterns(session.levels, session.count, start.active, t.levelCounts);
    endSession(t, session, start, iterateSession(t, start, patterns ?? { levels: session.levels, count: session.count }));
  });

  return combineSessions(init, t.mSums, t.uSums, t.estimates, t.opts.fixU, t.diagnostics);
}

/**
 * A session's pairs grouped by their levels on the active comparisons (Splink's "agreement
 * patterns"): a pair's posterior depends on those levels only, so the E-step runs once per
 * pattern, weighed by its pair count (emAccumulate's `weights`) — the same sums in another
 * order (equal to ~1e-15). A blocked session has few patterns (hundreds on 2M pairs of 1M
 * Vietnamese records: the levels of 4–6 comparisons), so its 25 iterations cost one pass over
 * the pairs instead of 25 (BENCHMARKS.md, after the e2e dedupe table).
 */
export interface EmPatterns {
  /** Per comparison: the level of each pattern (active comparisons only; the others are empty). */
  readonly levels: readonly Uint8Array[];
  /** Pairs of each pattern. */
  readonly weights: Float64Array;
  readonly count: number;
}

/** Most patterns emPatterns makes before giving up (a session this varied is run on its pairs). */
export const MAX_EM_PATTERNS = 1 << 16;

/**
 * The patterns of pairs 0 … count−1 on the `active` comparisons, in order of first appearance
 * (deterministic); null when there are more than `max`, or when the comparisons have too many
 * level combinations for an exact numeric key (more than 2^52). Levels must be checked first
 * (beginSession): each below its comparison's level count.
 */
export function emPatterns(levels: readonly Uint8Array[], count: number, active: Uint32Array, levelCounts: readonly number[], max = MAX_EM_PATTERNS): EmPatterns | null {
  const A = active.length;
  let combinations = 1;
  for (let j = 0; j < A; j++) combinations *= levelCounts[active[j]!]!;
  if (combinations > 2 ** 52) return null;
  const cols = Array.from(active, (k) => levels[k]!);
  const radix = Array.from(active, (k) => levelCounts[k]!);
  const index = new Map<number, number>();
  const first: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < count; i++) {
    let key = 0;
    for (let j = 0; j < A; j++) key = key * radix[j]! + cols[j]![i]!;
    let p = index.get(key);
    if (p === undefined) {
      if (first.length >= max) return null;
      p = first.length;
      index.set(key, p);
      first.push(i);
      weights.push(0);
    }
    weights[p]!++;
  }
  const out = levels.map(() => new Uint8Array(0));
  for (let j = 0; j < A; j++) {
    const col = cols[j]!;
    const mine = new Uint8Array(first.length);
    for (let p = 0; p < first.length; p++) mine[p] = col[first[p]!]!;
    out[active[j]!] = mine;
  }
  return { levels: out, weights: Float64Array.from(weights), count: first.length };
}

/**
 * The E+M iterations of a session in this thread, E-steps over `rows` (its patterns, or its
 * pairs without weights), until convergence or the iteration limit.
 */
export function iterateSession(
  t: TrainingStart,
  start: SessionStart,
  rows: { readonly levels: readonly Uint8Array[]; readonly count: number; readonly weights?: Float64Array },
): { iterations: number; converged: boolean; maxChange: number } {
  const { opts, levelCounts } = t;
  const { histogram, active, params } = start;
  const acc = new Float64Array(emAccumulatorLength(t.K));
  let iterations = 0;
  let converged = false;
  let maxChange = Number.POSITIVE_INFINITY;
  while (iterations < opts.maxIterations) {
    const table = emStepTable(params, levelCounts, active);
    acc.fill(0);
    emAccumulate(rows.levels, 0, rows.count, table, acc, rows.weights);
    maxChange = emMaximise(acc, levelCounts, active, params, opts.estimatePrior, opts.fixU ? undefined : histogram);
    iterations++;
    if (maxChange <= opts.tolerance) {
      converged = true;
      break;
    }
  }
  return { iterations, converged, maxChange };
}

/** Validated inputs and fresh accumulators of a training run (shared by trainEM and the pool's EM). */
export interface TrainingStart {
  readonly opts: Required<EmOptions>;
  readonly specs: readonly ComparisonSpec[];
  readonly K: number;
  readonly levelCounts: readonly number[];
  /** The initial model's m and u as flat `(k << 8) | level` tables (copy before changing). */
  readonly initM: Float64Array;
  readonly initU: Float64Array;
  readonly diagnostics: EmSessionDiagnostics[];
  readonly mSums: Float64Array;
  readonly uSums: Float64Array;
  readonly estimates: Uint32Array;
}

/** Validate options, model and sessions (errors name `caller`) and set up the sums. */
export function beginTraining(caller: string, sessions: readonly EmSession[], init: FellegiSunterModel, options: EmOptions): TrainingStart {
  const opts = resolveEmOptions(options);
  if (!(init instanceof FellegiSunterModel)) throw new KhopError('INVALID_ARGUMENT', `${caller}: init must be a FellegiSunterModel`);
  const specs = init.comparisons;
  const K = specs.length;
  const levelCounts = specs.map((c) => c.levels.length);
  if (!Array.isArray(sessions) || sessions.length === 0) throw new KhopError('INVALID_ARGUMENT', `${caller}: sessions must be a non-empty array`);
  sessions.forEach((s, i) => checkEmSession(s, i, specs));
  const initParams = init.parameters();
  const flat = (table: number[][]): Float64Array => {
    const out = new Float64Array(K << LEVEL_SHIFT);
    table.forEach((row, k) => out.set(row, k << LEVEL_SHIFT));
    return out;
  };
  return {
    opts,
    specs,
    K,
    levelCounts,
    initM: flat(initParams.m),
    initU: flat(initParams.u),
    diagnostics: [],
    mSums: new Float64Array(K << LEVEL_SHIFT),
    uSums: new Float64Array(K << LEVEL_SHIFT),
    estimates: new Uint32Array(K),
  };
}

/** One EM session set up: its level histogram (checked), the comparisons EM moves and those it estimates, fresh parameters. */
export interface SessionStart {
  readonly histogram: Float64Array;
  /** Comparisons not fixed by the session's blocking (the ones EM moves). */
  readonly activeList: readonly number[];
  readonly active: Uint32Array;
  /** Active comparisons with at least one non-null pair: the ones this session estimates. */
  readonly estimated: readonly number[];
  readonly params: EmParameters;
}

/** Set up session `si` (shared by trainEM and the pool's EM). @throws KhopError INVALID_ARGUMENT on bad levels. */
export function beginSession(t: TrainingStart, session: EmSession, si: number): SessionStart {
  const { K, specs, levelCounts } = t;
  const what = `EM session ${si}${session.name === undefined ? '' : ` ("${session.name}")`}`;
  const histogram = new Float64Array(K << LEVEL_SHIFT);
  countLevels(session.levels, 0, session.count, histogram);
  checkLevelCounts(histogram, specs, what);
  const fixed = new Set(session.fixedComparisons);
  const activeList: number[] = [];
  for (let k = 0; k < K; k++) if (!fixed.has(k)) activeList.push(k);
  const estimated = activeList.filter((k) => {
    let n = 0;
    for (let l = 1; l < levelCounts[k]!; l++) n += histogram[(k << LEVEL_SHIFT) | l]!;
    return n > 0;
  });
  const params: EmParameters = { m: t.initM.slice(), u: t.initU.slice(), prior: t.opts.initialSessionPrior };
  return { histogram, activeList, active: Uint32Array.from(activeList), estimated, params };
}

/** Record a finished session: its m (and u) of each estimated comparison into the sums, and its diagnostics. */
export function endSession(t: TrainingStart, session: EmSession, s: SessionStart, run: { iterations: number; converged: boolean; maxChange: number }): void {
  const { K, levelCounts, mSums, uSums, estimates } = t;
  const { params } = s;
  const mOut: Array<number[] | null> = new Array<number[] | null>(K).fill(null);
  for (const k of s.estimated) {
    const base = k << LEVEL_SHIFT;
    mOut[k] = Array.from(params.m.subarray(base, base + levelCounts[k]!));
    for (let l = 1; l < levelCounts[k]!; l++) {
      mSums[base | l] += params.m[base | l]!;
      uSums[base | l] += params.u[base | l]!;
    }
    estimates[k]!++;
  }
  t.diagnostics.push({
    name: session.name,
    pairs: session.count,
    iterations: run.iterations,
    converged: run.converged,
    maxChange: run.maxChange,
    prior: params.prior,
    estimatedComparisons: [...s.estimated],
    m: mOut,
  });
}

/**
 * The trained model from the per-session sums: each comparison's m (and u unless fixed) is the
 * mean over the sessions that estimated it (`estimates[k]` of them); the others keep `init`'s.
 * Shared by trainEM and the worker-pool EM (src/pool/parallel-em.ts).
 */
export function combineSessions(
  init: FellegiSunterModel,
  mSums: Float64Array,
  uSums: Float64Array,
  estimates: Uint32Array,
  fixU: boolean,
  diagnostics: EmSessionDiagnostics[],
): EmResult {
  const initParams = init.parameters();
  const K = init.comparisons.length;
  const m = initParams.m.map((row) => row.slice());
  const u = initParams.u.map((row) => row.slice());
  const notEstimated: number[] = [];
  for (let k = 0; k < K; k++) {
    const n = estimates[k]!;
    if (n === 0) {
      notEstimated.push(k);
      continue;
    }
    const base = k << LEVEL_SHIFT;
    for (let l = 1; l < init.comparisons[k]!.levels.length; l++) {
      m[k]![l] = mSums[base | l]! / n;
      if (!fixU) u[k]![l] = uSums[base | l]! / n;
    }
  }
  return { model: init.withParameters({ m, u }), sessions: diagnostics, notEstimated };
}

/** EmOptions with defaults, validated (KhopError INVALID_OPTION listing every problem). */
/** The keys of EmOptions. */
export const EM_OPTION_KEYS: ReadonlySet<string> = new Set(['maxIterations', 'tolerance', 'estimatePrior', 'initialSessionPrior', 'fixU']);

/** `what`: the caller, for the message ('trainEM', or 'em' for the option of dedupe / link). */
export function resolveEmOptions(options: EmOptions, what = 'trainEM'): Required<EmOptions> {
  if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'em: options must be an object');
  const o = {
    maxIterations: options.maxIterations ?? DEFAULT_EM_OPTIONS.maxIterations,
    tolerance: options.tolerance ?? DEFAULT_EM_OPTIONS.tolerance,
    estimatePrior: options.estimatePrior ?? DEFAULT_EM_OPTIONS.estimatePrior,
    initialSessionPrior: options.initialSessionPrior ?? DEFAULT_EM_OPTIONS.initialSessionPrior,
    fixU: options.fixU ?? DEFAULT_EM_OPTIONS.fixU,
  };
  const problems: string[] = [];
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) problems.push('maxIterations must be an integer ≥ 1');
  if (typeof o.tolerance !== 'number' || !(o.tolerance >= 0 && o.tolerance < 1)) problems.push('tolerance must be a number in [0, 1)');
  if (typeof o.estimatePrior !== 'boolean') problems.push('estimatePrior must be a boolean');
  if (typeof o.initialSessionPrior !== 'number' || !(o.initialSessionPrior > 0 && o.initialSessionPrior < 1)) {
    problems.push('initialSessionPrior must be a number in (0, 1)');
  }
  if (typeof o.fixU !== 'boolean') problems.push('fixU must be a boolean');
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `${what}: ${problems.join('; ')}`, { details: { problems } });
  }
  return o;
}

/** Validate one session against the model's comparisons. */
export function checkEmSession(s: EmSession, i: number, specs: readonly ComparisonSpec[]): void {
  const what = `trainEM: session ${i}`;
  if (s === null || typeof s !== 'object') throw new KhopError('INVALID_ARGUMENT', `${what} must be an object`);
  checkLevelColumns(s.levels, s.count, specs, what);
  if (s.count < 1) throw new KhopError('INVALID_ARGUMENT', `${what} has no pairs`);
  const fixed = s.fixedComparisons;
  if (!Array.isArray(fixed)) throw new KhopError('INVALID_ARGUMENT', `${what}: fixedComparisons must be an array of comparison indices`);
  const seen = new Set<number>();
  for (const k of fixed) {
    if (!Number.isInteger(k) || k < 0 || k >= specs.length || seen.has(k)) {
      throw new KhopError('INVALID_ARGUMENT', `${what}: fixedComparisons must hold distinct integers in 0..${specs.length - 1}`);
    }
    seen.add(k);
  }
  if (seen.size === specs.length) throw new KhopError('INVALID_ARGUMENT', `${what} fixes every comparison: nothing to train`);
}

function badLevel(levels: readonly Uint8Array[], s: number, e: number, table: EmStepTable): KhopError {
  for (let i = s; i < e; i++) {
    for (let j = 0; j < table.active.length; j++) {
      const k = table.active[j]!;
      const l = levels[k]![i]!;
      const v = table.logBayesFactors[(k << LEVEL_SHIFT) | l]!;
      if (v !== v) {
        return new KhopError('INVALID_ARGUMENT', `pair ${i}: level ${l} of comparison ${k} is out of range`, {
          details: { pair: i, comparison: k, level: l },
        });
      }
    }
  }
  return new KhopError('INTERNAL', 'EM posterior is NaN', { details: { from: s, to: e } });
}
