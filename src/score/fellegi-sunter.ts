/**
 * The Fellegi–Sunter model: per comparison per level an m and a u probability, a prior λ, and
 * the match weights they imply (Fellegi & Sunter, "A Theory for Record Linkage", JASA 1969;
 * match weights as log2 Bayes factors as in Splink, Linacre et al. 2022).
 *
 *   m(k, l) = P(comparison k lands on level l | the two records are the same person)
 *   u(k, l) = P(comparison k lands on level l | they are different people)
 *   λ       = probability that two records drawn uniformly at random from ALL record pairs of
 *             the job are the same person — dedupe: the n(n−1)/2 unordered pairs of distinct
 *             rows; link: the nLeft × nRight cross pairs. This is Splink's
 *             `probability_two_random_records_match`; it is NOT the match rate among blocked
 *             candidate pairs (EM reports that per training session instead).
 *
 *   level weight  = log2(m / u)                 (null level: 0, it carries no evidence),
 *                   at most the exact level's (level 1) — see below
 *   prior weight  = log2(λ / (1 − λ))
 *   total weight  = prior weight + Σ_k level weight(k, level_k) (+ tf adjustments)
 *   probability   = 2^w / (1 + 2^w)
 *
 * No agreement weighs more than the exact one: a later level whose log2(m/u) exceeds level 1's
 * is given level 1's weight (its m and u are kept as estimated). Under the independence model a
 * looser level can learn a larger ratio — names equal only after folding diacritics are rare
 * among different people, and in data whose duplicates were re-typed without marks common among
 * matches — and then "Phạm Thị Hương" / "Pham Thi Huong" outweighed the identical spelling by
 * 3.5 bits, enough to merge two namesakes born on different days whose identical-name pair
 * scored 0.08. The tf adjustment of a later tf level is the exact level's (log2 of the exact
 * u over the value's frequency), so the cap holds with term frequencies too. Quality bench:
 * unchanged but RLdata10000 (dedupe F1 0.9709 → 0.9713, link 0.9702 → 0.9691).
 *
 * Summation order (scorePairs and explain use the same one, so they agree bit for bit):
 * comparisons 0 … K−1, then the tf adjustments of comparisons 0 … K−1, then the prior. The
 * prior comes LAST so that a pair's weight is its evidence (the sum before the prior, the same
 * for every λ) plus the prior weight, in one rounded addition: a streamed run scores its
 * candidates from the evidence it kept for λ, bit for bit, instead of comparing them again
 * (match.ts, trainStream).
 *
 * Weight table layout, one flat Float64Array with a stride of 256 slots per comparison:
 *
 *   weights: [ c0: null=0 | w(0,1) … w(0,L0−1) | NaN … NaN ][ c1: 0 | w(1,1) … | NaN … ] …
 *             ^ index (k << 8) | level                      ^ 256 slots per comparison
 *
 * A level byte beyond a comparison's levels reads NaN, the pair's total becomes NaN, and the
 * block check after the loop throws — so bad level data can never produce a plausible score,
 * and the hot loop carries no bounds check.
 *
 * m, u and λ are clamped into [2^−30, 1 − 2^−30] (see probability.ts), so every weight is
 * finite (|level weight| ≤ 30 bits). The JSON form and its validating parser: model-json.ts.
 */
import { KhopError } from '../errors.js';
import { type ComparisonSpec, LEVEL_SHIFT, LEVEL_STRIDE, NULL_LEVEL, freezeComparisonSpecs, throwProblems } from './comparison-spec.js';
import { type FellegiSunterModelJson, MODEL_JSON_FORMAT, MODEL_JSON_VERSION, parseModelJson } from './model-json.js';
import { PROBABILITY_SUM_TOLERANCE, clampProbability, probabilityOfWeight } from './probability.js';
import { DEFAULT_MIN_TERM_FREQUENCY, type TermFrequencyInputs } from './term-frequency.js';

/** Parameters of a model. Per-comparison arrays are indexed by level; entry 0 (null) must be 0. */
export interface FellegiSunterParameters {
  /**
   * λ, in (0, 1): probability that two records drawn uniformly at random from all record pairs
   * (dedupe: n(n−1)/2 pairs of distinct rows; link: nLeft × nRight) are the same person.
   */
  readonly prior: number;
  /** u(k, l) per comparison k and level l, typically from `estimateU`; non-null levels sum to 1. */
  readonly u: ReadonlyArray<ArrayLike<number>>;
  /**
   * m(k, l) per comparison k and level l; non-null levels sum to 1. Default: starting values
   * for EM, m ∝ 4^(L−1−l) over the non-null levels (e.g. 0.8 / 0.2 for exact / else).
   */
  readonly m?: ReadonlyArray<ArrayLike<number>>;
  /** Floor on a term frequency in a tf adjustment, in (0, 1]. Default {@link DEFAULT_MIN_TERM_FREQUENCY}. */
  readonly minTermFrequency?: number;
  /** The data λ is a share of (see {@link ModelPopulation}). Default: unknown (λ used as it is). */
  readonly trainedOn?: ModelPopulation;
}

/**
 * The data a model's λ was estimated on: `pairs` record pairs (dedupe n(n−1)/2, link
 * nLeft × nRight) among `records` records that can have a match (dedupe n, link
 * min(nLeft, nRight)). λ is expected matches / pairs; the matches grow with the records (a
 * person has about as many records in a sample as in the whole), the pairs with their square —
 * so a model trained on 1,000 rows of 40,000 has a λ ~40 times too large for the whole file,
 * every score ~5.3 bits too high. {@link FellegiSunterModel.forPopulation} rescales it.
 */
export interface ModelPopulation {
  readonly records: number;
  readonly pairs: number;
}

/** One comparison in an explanation (one bar of a waterfall chart). */
export interface ExplainedComparison {
  /** Comparison name. */
  readonly comparison: string;
  /** Level number the pair landed on. */
  readonly level: number;
  /** Label of that level. */
  readonly label: string;
  /** m of the level (clamped), null on the null level. */
  readonly m: number | null;
  /** u of the level (clamped), null on the null level. */
  readonly u: number | null;
  /** log2(m/u) in bits (at most the exact level's: see the file header), 0 on the null level. */
  readonly weight: number;
  /** Term frequency used (0 = none). */
  readonly termFrequency: number;
  /** Term-frequency adjustment in bits (0 unless the level is marked tf and a tf was given). */
  readonly tfAdjustment: number;
}

/** The explanation of one pair's score: the data for a waterfall chart. */
export interface Explanation {
  /** Prior weight log2(λ/(1−λ)) in bits. */
  readonly prior: number;
  readonly fields: readonly ExplainedComparison[];
  /** Total match weight in bits (equal to `scorePairs` for the same pair). */
  readonly total: number;
  /** Match probability 2^total / (1 + 2^total). */
  readonly probability: number;
}


/** Pairs scored per block: the block of `out` stays in L1/L2 while each column is added. */
const SCORE_BLOCK = 2048;

/** An immutable Fellegi–Sunter model. */
export class FellegiSunterModel {
  /** The comparison definitions (frozen copies). */
  readonly comparisons: readonly ComparisonSpec[];
  /** λ (clamped): see the file header for its exact meaning. */
  readonly prior: number;
  /** log2(λ/(1−λ)) in bits. */
  readonly priorWeight: number;
  /** Floor on a term frequency in a tf adjustment. */
  readonly minTermFrequency: number;
  /** What λ was estimated on (null: not known — a model from before it was recorded, or built by hand). */
  readonly trainedOn: ModelPopulation | null;
  /** Slots per comparison in `weights`: 256 (`index = (k << 8) | level`). */
  readonly stride = LEVEL_STRIDE;
  /**
   * log2(m/u) per comparison and level, `[(k << 8) | level]`; 0 at the null level, NaN in
   * padding slots beyond a comparison's levels. Treat as read-only (shared with workers).
   */
  readonly weights: Float64Array;

  private readonly mFlat: Float64Array;
  private readonly uFlat: Float64Array;
  /** Per tf level: log2(u) of its comparison's first tf level (the exact one), the baseline of its tf adjustment. */
  private readonly log2U: Float64Array;
  /** 1 where a level is marked tf. */
  private readonly tfMask: Uint8Array;
  private readonly levelCounts: readonly number[];
  private readonly hasTf: readonly boolean[];

  /**
   * @throws KhopError INVALID_ARGUMENT listing every problem with the specs or parameters.
   */
  constructor(comparisons: readonly ComparisonSpec[], parameters: FellegiSunterParameters) {
    this.comparisons = freezeComparisonSpecs(comparisons);
    const specs = this.comparisons;
    const K = specs.length;
    const problems: string[] = [];
    const p = parameters as Partial<FellegiSunterParameters> | undefined;
    if (p === null || typeof p !== 'object') throwProblems('invalid model parameters', ['parameters must be an object']);
    const prior = p!.prior;
    if (typeof prior !== 'number' || !(prior > 0 && prior < 1)) problems.push('prior must be a number in (0, 1)');
    const minTf = p!.minTermFrequency ?? DEFAULT_MIN_TERM_FREQUENCY;
    if (typeof minTf !== 'number' || !(minTf > 0 && minTf <= 1)) problems.push('minTermFrequency must be a number in (0, 1]');
    const m = p!.m ?? specs.map((c) => defaultM(c.levels.length));
    checkProbabilityTable('m', m, specs, problems);
    checkProbabilityTable('u', p!.u, specs, problems);
    const on = p!.trainedOn;
    if (on !== undefined && !isPopulation(on)) problems.push('trainedOn must be { records, pairs }: whole numbers ≥ 1, pairs ≥ records / 2');
    throwProblems('invalid model parameters', problems);

    this.prior = clampProbability(prior as number);
    this.priorWeight = Math.log2(this.prior / (1 - this.prior));
    this.minTermFrequency = minTf;
    this.trainedOn = on === undefined ? null : Object.freeze({ records: on.records, pairs: on.pairs });
    const size = K << LEVEL_SHIFT;
    this.weights = new Float64Array(size).fill(Number.NaN);
    this.mFlat = new Float64Array(size);
    this.uFlat = new Float64Array(size);
    this.log2U = new Float64Array(size);
    this.tfMask = new Uint8Array(size);
    const hasTf: boolean[] = [];
    for (let k = 0; k < K; k++) {
      const levels = specs[k]!.levels;
      const base = k << LEVEL_SHIFT;
      this.weights[base] = 0;
      let tf = false;
      // Every tf level of a comparison is adjusted against the u of its FIRST tf level (the
      // exact one): see term-frequency.ts.
      let tfBase = Number.NaN;
      for (let l = 1; l < levels.length; l++) {
        const mk = clampProbability(m[k]![l]!);
        const uk = clampProbability(p!.u![k]![l]!);
        this.mFlat[base | l] = mk;
        this.uFlat[base | l] = uk;
        this.weights[base | l] = Math.log2(mk / uk);
        if (levels[l]!.tf === true) {
          if (!tf) tfBase = Math.log2(uk);
          this.log2U[base | l] = tfBase;
          this.tfMask[base | l] = 1;
          tf = true;
        }
      }
      // No agreement weighs more than the exact one (level 1): a looser level capped at it.
      const exact = this.weights[base | 1]!;
      for (let l = 2; l < levels.length; l++) if (this.weights[base | l]! > exact) this.weights[base | l] = exact;
      hasTf.push(tf);
    }
    this.levelCounts = specs.map((c) => c.levels.length);
    this.hasTf = hasTf;
  }

  /**
   * This model for data of `records` records and `pairs` pairs (see ModelPopulation): the same
   * m and u, λ scaled by the expected matches per record it was trained with — λ ·
   * (pairs₀ / records₀) · (records / pairs), at most ½. The model itself when its population is
   * not known or is the same.
   */
  forPopulation(records: number, pairs: number): FellegiSunterModel {
    const on = this.trainedOn;
    if (on === null || (on.records === records && on.pairs === pairs) || !isPopulation({ records, pairs })) return this;
    const prior = Math.min(0.5, this.prior * (on.pairs / on.records) * (records / pairs));
    const m: number[][] = [];
    const u: number[][] = [];
    this.comparisons.forEach((c, k) => {
      m.push(c.levels.map((_, l) => (l === NULL_LEVEL ? 0 : this.mFlat[(k << LEVEL_SHIFT) | l]!)));
      u.push(c.levels.map((_, l) => (l === NULL_LEVEL ? 0 : this.uFlat[(k << LEVEL_SHIFT) | l]!)));
    });
    return new FellegiSunterModel(this.comparisons, { prior, m, u, minTermFrequency: this.minTermFrequency, trainedOn: { records, pairs } });
  }

  /** A model from its JSON form (`toJSON`), validating everything. @throws KhopError INVALID_ARGUMENT. */
  static fromJSON(json: unknown): FellegiSunterModel {
    const { comparisons, parameters } = parseModelJson(json);
    return new FellegiSunterModel(comparisons, parameters);
  }

  /** Plain JSON object (format, version, prior, minTermFrequency, comparisons with m/u per level). */
  toJSON(): FellegiSunterModelJson {
    return {
      format: MODEL_JSON_FORMAT,
      version: MODEL_JSON_VERSION,
      prior: this.prior,
      minTermFrequency: this.minTermFrequency,
      ...(this.trainedOn !== null ? { trainedOn: { records: this.trainedOn.records, pairs: this.trainedOn.pairs } } : {}),
      comparisons: this.comparisons.map((c, k) => ({
        name: c.name,
        levels: c.levels.map((lv, l) => {
          if (l === NULL_LEVEL) return { label: lv.label, null: true as const };
          const i = (k << LEVEL_SHIFT) | l;
          return {
            label: lv.label,
            ...(lv.tf === true ? { tf: true as const } : {}),
            m: this.mFlat[i]!,
            u: this.uFlat[i]!,
          };
        }),
      })),
    };
  }

  /** The parameters as plain arrays (copies; entry 0 of each comparison is 0). */
  parameters(): { prior: number; m: number[][]; u: number[][]; minTermFrequency: number } {
    const m: number[][] = [];
    const u: number[][] = [];
    for (let k = 0; k < this.comparisons.length; k++) {
      const base = k << LEVEL_SHIFT;
      const L = this.levelCounts[k]!;
      m.push(Array.from(this.mFlat.subarray(base, base + L)));
      u.push(Array.from(this.uFlat.subarray(base, base + L)));
    }
    return { prior: this.prior, m, u, minTermFrequency: this.minTermFrequency };
  }

  /** A copy of this model with some parameters replaced. */
  withParameters(changes: Partial<FellegiSunterParameters>): FellegiSunterModel {
    const p = this.parameters();
    return new FellegiSunterModel(this.comparisons, {
      prior: changes.prior ?? p.prior,
      m: changes.m ?? p.m,
      u: changes.u ?? p.u,
      minTermFrequency: changes.minTermFrequency ?? p.minTermFrequency,
      // What λ is a share of goes with it (forPopulation rescales by it), unless replaced.
      ...(changes.trainedOn !== undefined ? { trainedOn: changes.trainedOn } : this.trainedOn !== null ? { trainedOn: this.trainedOn } : {}),
    });
  }

  /** m of comparison k, level l (clamped). @throws KhopError INVALID_ARGUMENT on the null level or out of range. */
  mProbability(k: number, l: number): number {
    return this.mFlat[this.slot(k, l)]!;
  }

  /** u of comparison k, level l (clamped). @throws KhopError INVALID_ARGUMENT on the null level or out of range. */
  uProbability(k: number, l: number): number {
    return this.uFlat[this.slot(k, l)]!;
  }

  /** log2(m/u) of comparison k, level l (at most level 1's: see the file header). */
  levelWeight(k: number, l: number): number {
    return this.weights[this.slot(k, l)]!;
  }

  /** Number of levels of comparison k. */
  levelCount(k: number): number {
    return this.levelCounts[k]!;
  }

  /**
   * Total match weight (bits) of pairs 0 … count−1 into `out[i]`. `levels[k][i]` is the level of
   * pair i on comparison k. `tf[k]` (optional) holds per-pair term frequencies for comparison k
   * (0 = none), used on levels marked tf. With `rowOf` (a Uint32Array of length ≥ count), `tf[k]`
   * is per ROW instead and pair i's term frequency is `tf[k][rowOf[i]]` — dedupe/link pass the
   * pairs' left rows, so no per-pair tf column is stored (8 bytes a pair per tf comparison; the
   * value is read only for pairs on a tf level). Allocates nothing.
   * @throws KhopError INVALID_ARGUMENT on wrong shapes, a level out of range or a tf outside [0, 1].
   */
  scorePairs(levels: readonly Uint8Array[], count: number, out: Float64Array, tf?: TermFrequencyInputs, rowOf?: Uint32Array): void {
    this.checkColumns(levels, count, tf, rowOf);
    if (!(out instanceof Float64Array) || out.length < count) {
      throw new KhopError('INVALID_ARGUMENT', 'scorePairs: out must be a Float64Array of length ≥ count');
    }
    const w = this.weights;
    const K = this.comparisons.length;
    const prior = this.priorWeight;
    const mask = this.tfMask;
    const log2U = this.log2U;
    const minTf = this.minTermFrequency;
    for (let start = 0; start < count; start += SCORE_BLOCK) {
      const end = start + SCORE_BLOCK < count ? start + SCORE_BLOCK : count;
      out.fill(0, start, end);
      // Column by column over one block: each inner loop reads one Uint8Array and one small
      // table, and the block of `out` stays in cache between columns.
      for (let k = 0; k < K; k++) {
        const col = levels[k]!;
        const base = k << LEVEL_SHIFT;
        for (let i = start; i < end; i++) out[i] += w[base | col[i]!]!;
      }
      if (tf !== undefined) {
        for (let k = 0; k < K; k++) {
          const tfv = tf[k];
          if (tfv === undefined) continue;
          const col = levels[k]!;
          const base = k << LEVEL_SHIFT;
          for (let i = start; i < end; i++) {
            const slot = base | col[i]!;
            if (mask[slot] === 0) continue;
            const f = rowOf === undefined ? tfv[i]! : tfv[rowOf[i]!]!;
            if (f === 0) continue;
            // f < minTf: floor it (f > 0) or poison the sum (f < 0 or NaN); f > 1 poisons too.
            const g = f < minTf ? (f > 0 ? minTf : Number.NaN) : f <= 1 ? f : Number.NaN;
            out[i] += log2U[slot]! - Math.log2(g);
          }
        }
      }
      for (let i = start; i < end; i++) {
        const s = out[i]!;
        if (s !== s) throw this.badPair(levels, i, tf, rowOf);
        out[i] = s + prior;
      }
    }
  }

  /**
   * Explain one pair: prior, per-comparison level, m, u, weight and tf adjustment, total and
   * probability. `levelsOfPair[k]` is the pair's level on comparison k; `tfValues[k]` its term
   * frequency (0 or absent = none).
   * @throws KhopError INVALID_ARGUMENT on a wrong length, a level out of range or a tf outside [0, 1].
   */
  explain(levelsOfPair: ArrayLike<number>, tfValues?: ArrayLike<number | undefined>): Explanation {
    const K = this.comparisons.length;
    if (levelsOfPair == null || levelsOfPair.length !== K) {
      throw new KhopError('INVALID_ARGUMENT', `explain: expected ${K} levels, one per comparison`);
    }
    if (tfValues !== undefined && tfValues.length > K) {
      throw new KhopError('INVALID_ARGUMENT', `explain: expected at most ${K} term frequencies`);
    }
    const fields: ExplainedComparison[] = [];
    let total = 0;
    for (let k = 0; k < K; k++) {
      const l = levelsOfPair[k]!;
      const c = this.comparisons[k]!;
      if (!Number.isInteger(l) || l < 0 || l >= c.levels.length) {
        throw new KhopError('INVALID_ARGUMENT', `explain: level of comparison "${c.name}" must be an integer in 0..${c.levels.length - 1}`);
      }
      total += this.weights[(k << LEVEL_SHIFT) | l]!;
    }
    for (let k = 0; k < K; k++) {
      const l = levelsOfPair[k]!;
      const c = this.comparisons[k]!;
      const slot = (k << LEVEL_SHIFT) | l;
      const f = tfValues?.[k] ?? 0;
      if (typeof f !== 'number' || !(f >= 0 && f <= 1)) {
        throw new KhopError('INVALID_ARGUMENT', `explain: term frequency of comparison "${c.name}" must be in [0, 1]`);
      }
      let adj = 0;
      if (this.tfMask[slot] === 1 && f !== 0) {
        adj = this.log2U[slot]! - Math.log2(f < this.minTermFrequency ? this.minTermFrequency : f);
        total += adj;
      }
      const isNull = l === NULL_LEVEL;
      fields.push({
        comparison: c.name,
        level: l,
        label: c.levels[l]!.label,
        m: isNull ? null : this.mFlat[slot]!,
        u: isNull ? null : this.uFlat[slot]!,
        weight: this.weights[slot]!,
        termFrequency: f,
        tfAdjustment: adj,
      });
    }
    total += this.priorWeight;
    return { prior: this.priorWeight, fields, total, probability: probabilityOfWeight(total) };
  }

  private slot(k: number, l: number): number {
    if (!Number.isInteger(k) || k < 0 || k >= this.comparisons.length) {
      throw new KhopError('INVALID_ARGUMENT', `comparison index must be an integer in 0..${this.comparisons.length - 1}`);
    }
    const L = this.levelCounts[k]!;
    if (!Number.isInteger(l) || l < 1 || l >= L) {
      throw new KhopError('INVALID_ARGUMENT', `level of comparison "${this.comparisons[k]!.name}" must be an integer in 1..${L - 1} (the null level has no m or u)`);
    }
    return (k << LEVEL_SHIFT) | l;
  }

  private checkColumns(levels: readonly Uint8Array[], count: number, tf: TermFrequencyInputs | undefined, rowOf?: Uint32Array): void {
    const K = this.comparisons.length;
    if (!Number.isInteger(count) || count < 0) throw new KhopError('INVALID_ARGUMENT', 'count must be an integer ≥ 0');
    if (!Array.isArray(levels) || levels.length !== K) {
      throw new KhopError('INVALID_ARGUMENT', `expected ${K} level columns, one per comparison`);
    }
    for (let k = 0; k < K; k++) {
      const col = levels[k];
      if (!(col instanceof Uint8Array) || col.length < count) {
        throw new KhopError('INVALID_ARGUMENT', `level column of comparison "${this.comparisons[k]!.name}" must be a Uint8Array of length ≥ count`);
      }
    }
    if (rowOf !== undefined && (!(rowOf instanceof Uint32Array) || rowOf.length < count)) {
      throw new KhopError('INVALID_ARGUMENT', 'rowOf must be a Uint32Array of length ≥ count');
    }
    if (tf === undefined) return;
    if (!Array.isArray(tf) || tf.length > K) {
      throw new KhopError('INVALID_ARGUMENT', `tf must be an array of at most ${K} entries, one per comparison`);
    }
    for (let k = 0; k < tf.length; k++) {
      const t = tf[k];
      if (t === undefined) continue;
      const name = this.comparisons[k]!.name;
      if (!this.hasTf[k]) throw new KhopError('INVALID_ARGUMENT', `comparison "${name}" has no tf level but term frequencies were given`);
      if (!(t instanceof Float64Array) || (rowOf === undefined && t.length < count)) {
        throw new KhopError('INVALID_ARGUMENT', `term frequencies of comparison "${name}" must be a Float64Array of length ≥ count`);
      }
    }
  }

  /** The error for a pair whose score came out NaN (found after the loop, off the hot path). */
  private badPair(levels: readonly Uint8Array[], i: number, tf: TermFrequencyInputs | undefined, rowOf: Uint32Array | undefined): KhopError {
    for (let k = 0; k < this.comparisons.length; k++) {
      const l = levels[k]![i]!;
      const L = this.levelCounts[k]!;
      if (l >= L) {
        return new KhopError('INVALID_ARGUMENT', `pair ${i}: level ${l} of comparison "${this.comparisons[k]!.name}" is out of range (it has ${L} levels)`, {
          details: { pair: i, comparison: k, level: l, levels: L },
        });
      }
    }
    for (let k = 0; k < this.comparisons.length; k++) {
      const f = tf?.[k]?.[rowOf === undefined ? i : rowOf[i]!];
      if (f !== undefined && !(f >= 0 && f <= 1)) {
        return new KhopError('INVALID_ARGUMENT', `pair ${i}: term frequency of comparison "${this.comparisons[k]!.name}" is not in [0, 1]`, {
          details: { pair: i, comparison: k },
        });
      }
    }
    return new KhopError('INTERNAL', `pair ${i}: score is NaN`, { details: { pair: i } });
  }
}

/** Default starting m for a comparison of L levels: m ∝ 4^(L−1−l) for l = 1 … L−1. */
function defaultM(L: number): number[] {
  const m = [0];
  let sum = 0;
  for (let l = 1; l < L; l++) sum += 4 ** (L - 1 - l);
  for (let l = 1; l < L; l++) m.push(4 ** (L - 1 - l) / sum);
  return m;
}

/** Check an m or u table against the specs: shapes, entry 0 = 0, values in [0, 1], sums ≈ 1. */
function checkProbabilityTable(
  what: 'm' | 'u',
  table: ReadonlyArray<ArrayLike<number>> | undefined,
  specs: readonly ComparisonSpec[],
  problems: string[],
): void {
  if (table == null || typeof table !== 'object' || typeof (table as { length?: unknown }).length !== 'number') {
    problems.push(`${what} must be an array with one entry per comparison`);
    return;
  }
  if (table.length !== specs.length) {
    problems.push(`${what} must have ${specs.length} entries (one per comparison), has ${table.length}`);
    return;
  }
  for (let k = 0; k < specs.length; k++) {
    const row = table[k];
    const c = specs[k]!;
    const L = c.levels.length;
    if (row == null || typeof row !== 'object' || row.length !== L) {
      problems.push(`${what}[${k}] ("${c.name}") must have ${L} entries, one per level`);
      continue;
    }
    if (row[0] !== 0) problems.push(`${what}[${k}][0] ("${c.name}", null level) must be 0: the null level has no ${what}`);
    let sum = 0;
    let ok = true;
    for (let l = 1; l < L; l++) {
      const v = row[l];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        problems.push(`${what}[${k}][${l}] ("${c.name}") must be a number in [0, 1]`);
        ok = false;
      } else sum += v;
    }
    if (ok && Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
      problems.push(`${what}[${k}] ("${c.name}") must sum to 1 over the non-null levels, sums to ${sum}`);
    }
  }
}

/**
 * A population a λ can be a share of: whole counts (safe integers ≥ 1) and no other key, with
 * at least records / 2 pairs (dedupe: n(n−1)/2 ≥ n/2 for n ≥ 2; link: nLeft·nRight ≥ min) —
 * so a hand-edited { records: 1000, pairs: 1 } or { records: 1.5 } is refused, not rescaled by.
 */
function isPopulation(x: unknown): x is ModelPopulation {
  if (x === null || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== 'records' && k !== 'pairs')) return false;
  const { records, pairs } = o;
  return Number.isSafeInteger(records) && Number.isSafeInteger(pairs) && (records as number) >= 1 && (pairs as number) >= 1 && 2 * (pairs as number) >= (records as number);
}
