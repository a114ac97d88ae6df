import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PairBuffer } from '../../src/pipeline/pair-buffer.js';

describe('PairBuffer', () => {
  it('holds every pushed pair in order across growth, and trim() keeps them in exact-size shared columns (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 6 }), fc.integer({ min: 1, max: 2 ** 31 }), (sizes, seed) => {
        const b = new PairBuffer();
        const L: number[] = [];
        const R: number[] = [];
        let x = seed;
        for (const n of sizes) {
          const l = new Uint32Array(n + 3); // chunks may be longer than their pair count
          const r = new Uint32Array(n + 3);
          for (let i = 0; i < n; i++) {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            l[i] = x;
            r[i] = x ^ 0x5bd1e995;
            L.push(l[i]!);
            R.push(r[i]!);
          }
          b.push(l, r, n);
        }
        expect(b.count).toBe(L.length);
        expect(b.left.length).toBeGreaterThanOrEqual(b.count);
        b.trim();
        expect(b.left.length).toBe(Math.max(1, L.length));
        expect(b.right.length).toBe(Math.max(1, L.length));
        expect(b.left.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Array.from(b.left.subarray(0, b.count))).toEqual(L);
        expect(Array.from(b.right.subarray(0, b.count))).toEqual(R);
        // still growable after a trim
        b.push(Uint32Array.of(7), Uint32Array.of(8), 1);
        expect([b.left[b.count - 1], b.right[b.count - 1]]).toEqual([7, 8]);
      }),
      { numRuns: 30, seed: 3 },
    );
  });
});
