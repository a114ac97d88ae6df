/**
 * Term-frequency adjustment (Winkler 1988/2000, "frequency-based matching"; Splink's
 * `term_frequency_adjustments`): agreement on a common value is weak evidence, agreement on a
 * rare value strong. Two people both called "Nguyễn" share the name by chance about a third of
 * the time; two people both called "Khuê" almost never do.
 *
 * Formula. Among non-matching pairs that agree exactly on value v, the chance agreement rate is
 * tf(v) (the share of records holding v), not the average u of the level. So for a pair on a
 * level marked `tf`, the level weight log2(m/u) is corrected by
 *
 *     adjustment = log2(u_exact / max(tf(v), minTf))
 *
 * where u_exact is the u of the comparison's FIRST tf level — its exact level: a value commoner
 * than the average agreeing value (tf > u_exact) gets a negative adjustment, a rarer one a
 * positive adjustment. On the exact level that is log2(m / tf(v)) in total. On a later tf level
 * (a name equal after folding diacritics) the level's own u is rescaled by how common v is
 * against the average agreeing value — u_level · tf(v) / u_exact — as Splink does. The level's
 * own u would be wrong there: it is the small chance of landing on that level at all (two
 * spellings of one name), not of sharing v, so log2(u_level / tf) took back the whole weight of
 * an accent-only difference (−10 bits on English names: "José García" against "Jose Garcia"
 * scored below a typo).
 *
 * Clamp. `minTf` (default {@link DEFAULT_MIN_TERM_FREQUENCY} = 1e-6) floors tf: a value rarer
 * than one in a million records — often a typo rather than a rare name — earns no more credit
 * than a one-in-a-million value, so one adjustment is at most log2(u/1e-6) bits. tf = 0 means
 * "no term frequency known" and gives no adjustment (a value absent from the table is neutral,
 * not maximally rare).
 *
 * Trade-off: {@link TermFrequencyTable} is a `Map` over distinct strings. At national scale
 * the distinct values of one name part number in the thousands (tens of thousands with typos),
 * far below a Map's 2^24-entry limit, and the table is built once per column; the per-pair
 * scoring loop never sees it — it reads a per-pair `Float64Array` of tf values that the caller
 * fills (e.g. from a per-row tf column computed once). For hashed values see
 * `hashed-term-frequency.ts`.
 */
import { KhopError } from '../errors.js';
import { checkIterable, checkNumber } from '../util/arg-check.js';
import { clampProbability } from './probability.js';

/** Default floor on a term frequency in an adjustment: one in a million records. */
export const DEFAULT_MIN_TERM_FREQUENCY = 1e-6;

/**
 * Term frequencies for `FellegiSunterModel.scorePairs`: indexed by comparison, a
 * `Float64Array` of per-pair tf values (share of records holding the pair's value, in (0, 1];
 * 0 = none, no adjustment) for comparisons that have a `tf` level, `undefined` otherwise.
 * A value is used only when the pair lands on a level marked `tf`.
 */
export type TermFrequencyInputs = ReadonlyArray<Float64Array | undefined>;

/**
 * Term-frequency adjustment in bits for a pair on a tf level with value frequency `tf`, `u`
 * the u of its comparison's exact (first tf) level: log2(u / max(tf, minTf)); 0 when tf = 0
 * (unknown).
 * @throws KhopError INVALID_ARGUMENT when tf is not in [0, 1] or u not in (0, 1].
 */
export function termFrequencyAdjustment(u: number, tf: number, minTf = DEFAULT_MIN_TERM_FREQUENCY): number {
  checkNumber('termFrequencyAdjustment', 'u', u);
  checkNumber('termFrequencyAdjustment', 'tf', tf);
  checkNumber('termFrequencyAdjustment', 'minTf', minTf);
  if (!(tf >= 0 && tf <= 1)) throw new KhopError('INVALID_ARGUMENT', 'term frequency must be in [0, 1] (0 = none)');
  if (!(u > 0 && u <= 1)) throw new KhopError('INVALID_ARGUMENT', 'u probability must be in (0, 1]');
  if (tf === 0) return 0;
  return Math.log2(clampProbability(u)) - Math.log2(tf < minTf ? minTf : tf);
}

/**
 * Counts of the distinct values of one column; `frequency(v)` = count(v) / total.
 * Null / undefined values are not counted (tf is a share of the records that have a value).
 * Values are used as given: normalise them (src/text) the same way as the compared values.
 */
export class TermFrequencyTable {
  private readonly counts = new Map<string, number>();
  private totalCount = 0;

  /** A table counting each non-null value once per occurrence. */
  static fromValues(values: Iterable<string | null | undefined>): TermFrequencyTable {
    checkIterable('TermFrequencyTable.fromValues', 'values', values, 'an iterable of strings');
    const t = new TermFrequencyTable();
    for (const v of values) if (v != null) t.add(v);
    return t;
  }

  /**
   * A table from precomputed counts or shares (e.g. a reference distribution of family names):
   * the weights need not sum to 1, frequencies are weight / Σ weights.
   * @throws KhopError INVALID_ARGUMENT on a negative or non-finite weight.
   */
  static fromCounts(entries: Iterable<readonly [string, number]>): TermFrequencyTable {
    checkIterable('TermFrequencyTable.fromCounts', 'entries', entries, 'an iterable of [value, count] pairs');
    const t = new TermFrequencyTable();
    for (const entry of entries) {
      if (entry === null || typeof entry !== 'object' || !(Symbol.iterator in entry)) {
        throw new KhopError('INVALID_ARGUMENT', 'TermFrequencyTable.fromCounts: every entry must be a [value, count] pair');
      }
      const [v, c] = entry;
      t.add(v, c);
    }
    return t;
  }

  /** Count `value` `times` more times (default 1; a finite weight ≥ 0). */
  add(value: string, times = 1): void {
    if (!(times >= 0 && times < Infinity)) {
      throw new KhopError('INVALID_ARGUMENT', 'term frequency count must be a finite number ≥ 0');
    }
    if (typeof value !== 'string') throw new KhopError('INVALID_ARGUMENT', 'term frequency value must be a string');
    this.counts.set(value, (this.counts.get(value) ?? 0) + times);
    this.totalCount += times;
  }

  /** Sum of all counts (non-null values seen). */
  get total(): number {
    return this.totalCount;
  }

  /** Number of distinct values. */
  get distinct(): number {
    return this.counts.size;
  }

  /** Count of `value` (0 when unseen). */
  count(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** Share of counted records holding `value`, in [0, 1]; 0 when unseen or the table is empty. */
  frequency(value: string): number {
    const c = this.counts.get(value);
    return c === undefined || this.totalCount === 0 ? 0 : c / this.totalCount;
  }
}
