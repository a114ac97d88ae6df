/**
 * Term frequencies keyed by 64-bit value hashes (the `lo`/`hi` Uint32 halves that
 * `KeyHasher` writes), for columns whose values live in a RecordStore: counting and lookup
 * read typed arrays only — no string is materialised, nothing is allocated per row.
 *
 * Layout: open addressing with linear probing over parallel typed arrays,
 *
 *   slot s:  keyLo[s] keyHi[s] count[s]      count 0 = empty slot
 *   home slot = (lo ^ imul(hi, 0x9e3779b1)) & mask   (hash halves are already uniform; the
 *                                                     golden-ratio multiply mixes in hi)
 *
 * kept at most half full (doubling when it would pass), so a probe sequence is short.
 *
 * Trade-off: two values with the same 64-bit hash share a count; at 10^5 distinct name parts
 * the chance of any collision is ~10^−9. See term-frequency.ts for the adjustment formula and
 * the string-keyed table.
 */
import { KhopError } from '../errors.js';

const MIN_CAPACITY = 16;

export class HashedTermFrequencyTable {
  private keyLo: Uint32Array;
  private keyHi: Uint32Array;
  private counts: Float64Array;
  private mask: number;
  private used = 0;
  private totalCount = 0;

  /** @param expectedDistinct distinct values expected (sizes the table; it grows as needed). */
  constructor(expectedDistinct = 1024) {
    if (!Number.isInteger(expectedDistinct) || expectedDistinct < 0 || expectedDistinct > 2 ** 28) {
      throw new KhopError('INVALID_ARGUMENT', 'expectedDistinct must be an integer in 0..2^28');
    }
    let cap = MIN_CAPACITY;
    while (cap < expectedDistinct * 2) cap *= 2;
    this.keyLo = new Uint32Array(cap);
    this.keyHi = new Uint32Array(cap);
    this.counts = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Sum of all counts. */
  get total(): number {
    return this.totalCount;
  }

  /** Number of distinct hashes. */
  get distinct(): number {
    return this.used;
  }

  /** Count the value with hash (lo, hi) `times` more times (finite, ≥ 0; 0 is a no-op). */
  add(lo: number, hi: number, times = 1): void {
    if (!(times >= 0 && times < Infinity)) throw new KhopError('INVALID_ARGUMENT', 'term frequency count must be a finite number ≥ 0');
    if (times === 0) return;
    this.insert(lo >>> 0, hi >>> 0, times);
  }

  /**
   * Count the values of rows 0 … count−1 given as hash halves; rows with `present[i] === 0`
   * (null values) are skipped.
   */
  addColumn(lo: Uint32Array, hi: Uint32Array, count: number, present?: Uint8Array): void {
    checkColumn(lo, hi, count, present);
    for (let i = 0; i < count; i++) {
      if (present !== undefined && present[i] === 0) continue;
      this.insert(lo[i]!, hi[i]!, 1);
    }
  }

  /** Count of the value with hash (lo, hi); 0 when unseen. */
  count(lo: number, hi: number): number {
    const s = this.find(lo >>> 0, hi >>> 0);
    return s < 0 ? 0 : this.counts[s]!;
  }

  /** Share of counted values with hash (lo, hi), in [0, 1]; 0 when unseen or empty. */
  frequency(lo: number, hi: number): number {
    return this.totalCount === 0 ? 0 : this.count(lo, hi) / this.totalCount;
  }

  /**
   * Per-row frequencies into `out[i]` for rows 0 … count−1 (0 for null rows and unseen values):
   * a tf column computed once per row, from which per-pair tf inputs are gathered.
   */
  frequenciesOf(lo: Uint32Array, hi: Uint32Array, count: number, out: Float64Array, present?: Uint8Array): void {
    checkColumn(lo, hi, count, present);
    if (!(out instanceof Float64Array) || out.length < count) throw new KhopError('INVALID_ARGUMENT', 'out must be a Float64Array of length ≥ count');
    const total = this.totalCount;
    for (let i = 0; i < count; i++) {
      if ((present !== undefined && present[i] === 0) || total === 0) {
        out[i] = 0;
        continue;
      }
      const s = this.find(lo[i]!, hi[i]!);
      out[i] = s < 0 ? 0 : this.counts[s]! / total;
    }
  }

  private find(lo: number, hi: number): number {
    const mask = this.mask;
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      if (this.counts[s] === 0) return -1;
      if (this.keyLo[s] === lo && this.keyHi[s] === hi) return s;
      s = (s + 1) & mask;
    }
  }

  private insert(lo: number, hi: number, times: number): void {
    this.totalCount += times;
    const mask = this.mask;
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      if (this.counts[s] === 0) break;
      if (this.keyLo[s] === lo && this.keyHi[s] === hi) {
        this.counts[s] += times;
        return;
      }
      s = (s + 1) & mask;
    }
    this.keyLo[s] = lo;
    this.keyHi[s] = hi;
    this.counts[s] = times;
    if (++this.used * 2 > mask + 1) this.grow();
  }

  private grow(): void {
    const oldLo = this.keyLo;
    const oldHi = this.keyHi;
    const oldCounts = this.counts;
    const cap = (this.mask + 1) * 2;
    this.keyLo = new Uint32Array(cap);
    this.keyHi = new Uint32Array(cap);
    this.counts = new Float64Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldCounts.length; i++) {
      const c = oldCounts[i]!;
      if (c === 0) continue;
      const lo = oldLo[i]!;
      const hi = oldHi[i]!;
      let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
      while (this.counts[s] !== 0) s = (s + 1) & this.mask;
      this.keyLo[s] = lo;
      this.keyHi[s] = hi;
      this.counts[s] = c;
    }
  }
}

function checkColumn(lo: Uint32Array, hi: Uint32Array, count: number, present: Uint8Array | undefined): void {
  if (!Number.isInteger(count) || count < 0) throw new KhopError('INVALID_ARGUMENT', 'count must be an integer ≥ 0');
  if (!(lo instanceof Uint32Array) || !(hi instanceof Uint32Array) || lo.length < count || hi.length < count) {
    throw new KhopError('INVALID_ARGUMENT', 'lo and hi must be Uint32Arrays of length ≥ count');
  }
  if (present !== undefined && (!(present instanceof Uint8Array) || present.length < count)) {
    throw new KhopError('INVALID_ARGUMENT', 'present must be a Uint8Array of length ≥ count');
  }
}
