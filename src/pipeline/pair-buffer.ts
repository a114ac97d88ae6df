/**
 * Growable pair columns (left, right row ids) on SharedArrayBuffer, so pool tasks read them in
 * place. Doubling growth: pairs arrive in chunks from the candidate-pair stream.
 *
 * Trade-off: doubling copies each pair at most once on average, but leaves up to half of the
 * final capacity unused (8 bytes a slot: 0.67 GB of a 185M-pair run at 10M records). `trim()`
 * copies the columns into exact-size arrays once the stream has ended — a transient
 * (capacity + count) × 8 bytes before the per-pair level and weight columns exist, so it never
 * raises the run's peak, and every later phase holds count × 8 bytes instead of capacity × 8.
 */
import { sharedUint32 } from '../pool/shared-arrays.js';

/** Growable Uint32 columns for pairs, on SharedArrayBuffer (read in place by pool tasks). */
export class PairBuffer {
  left = sharedUint32(1 << 16);
  right = sharedUint32(1 << 16);
  count = 0;
  push(l: Uint32Array, r: Uint32Array, n: number): void {
    if (this.count + n > this.left.length) {
      let cap = this.left.length * 2;
      while (cap < this.count + n) cap *= 2;
      this.resize(cap);
    }
    this.left.set(l.subarray(0, n), this.count);
    this.right.set(r.subarray(0, n), this.count);
    this.count += n;
  }

  /** Shrink the columns to max(1, count) slots (no-op when they already are that size). */
  trim(): void {
    const size = Math.max(1, this.count);
    if (this.left.length !== size) this.resize(size);
  }

  private resize(cap: number): void {
    const nl = sharedUint32(cap);
    nl.set(this.left.subarray(0, this.count));
    const nr = sharedUint32(cap);
    nr.set(this.right.subarray(0, this.count));
    this.left = nl;
    this.right = nr;
  }
}
