/**
 * Growable pair columns (left, right row ids) on SharedArrayBuffer, so pool tasks read them in
 * place. Doubling growth: pairs arrive in chunks from the candidate-pair stream.
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
      const nl = sharedUint32(cap);
      nl.set(this.left.subarray(0, this.count));
      const nr = sharedUint32(cap);
      nr.set(this.right.subarray(0, this.count));
      this.left = nl;
      this.right = nr;
    }
    this.left.set(l.subarray(0, n), this.count);
    this.right.set(r.subarray(0, n), this.count);
    this.count += n;
  }
}
