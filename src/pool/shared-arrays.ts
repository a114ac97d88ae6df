/**
 * Typed arrays on SharedArrayBuffer: the memory the main thread and the pool's workers read
 * and write in place (pair columns, level columns, weights, partial sums).
 *
 * Trade-off: a SharedArrayBuffer costs the same as an ArrayBuffer to allocate and read, but it
 * is shared, not copied, when posted to a worker; every column a parallel phase touches lives
 * on one. A zero-length request still allocates one element (a SharedArrayBuffer of length 0
 * is legal, but a view of length 0 over it says nothing useful), and the view has the
 * requested length.
 */

/** A Uint8Array of `n` zeros on a SharedArrayBuffer. */
export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n);
}

/** A Uint32Array of `n` zeros on a SharedArrayBuffer. */
export function sharedUint32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

/** An Int32Array of `n` zeros on a SharedArrayBuffer. */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

/** A Float64Array of `n` zeros on a SharedArrayBuffer. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
}

/** A copy of `src[0 … n)` on a SharedArrayBuffer, each value plus `add` (for link row offsets). */
export function sharedCopyUint32(src: Uint32Array, n: number, add = 0): Uint32Array {
  const out = sharedUint32(n);
  if (add === 0) out.set(src.subarray(0, n));
  else for (let i = 0; i < n; i++) out[i] = src[i]! + add;
  return out;
}

