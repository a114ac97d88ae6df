import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { allocTriples, bucketPasses, msdBucketBits, radixSort64, sortBucket } from '../../src/block/radix-sort.js';
import { Rng } from '../../src/util/rng.js';

/** Oracle: Array.sort by the BigInt key, ties by input position (stability). */
function oracle(hi: number[], lo: number[]): number[] {
  const idx = hi.map((_, i) => i);
  const key = (i: number): bigint => (BigInt(hi[i]!) << 32n) | BigInt(lo[i]!);
  return idx.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  });
}

function check(hi: number[], lo: number[], msdBits?: number): void {
  const n = hi.length;
  const data = allocTriples(n, false);
  data.hi.set(hi);
  data.lo.set(lo);
  for (let i = 0; i < n; i++) data.ids[i] = i;
  const out = radixSort64(data, allocTriples(n, true), n, msdBits);
  const expected = oracle(hi, lo);
  expect(Array.from(out.ids.subarray(0, n))).toEqual(expected);
  expect(Array.from(out.hi.subarray(0, n))).toEqual(expected.map((i) => hi[i]));
  expect(Array.from(out.lo.subarray(0, n))).toEqual(expected.map((i) => lo[i]));
}

describe('radixSort64', () => {
  it('sorts by unsigned 64-bit key, stably (property)', () => {
    const u32 = fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x7ff, 0x800), fc.nat({ max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(fc.tuple(u32, u32), { maxLength: 300 }), (pairs) => {
        check(
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('handles sizes around the insertion-sort threshold and many duplicates', () => {
    const rng = new Rng(11);
    for (const n of [0, 1, 2, 47, 48, 49, 50, 1000, 5000]) {
      const pool = Array.from({ length: 20 }, () => [rng.nextU32(), rng.nextU32()] as const);
      const hi: number[] = [];
      const lo: number[] = [];
      for (let i = 0; i < n; i++) {
        const p = rng.pick(pool);
        hi.push(p[0]);
        lo.push(rng.chance(0.5) ? p[1] : rng.int(4)); // same hi, different lo
      }
      check(hi, lo);
    }
  });

  it('skips constant digits yet sorts keys that differ only in one digit', () => {
    const rng = new Rng(5);
    for (const shift of [0, 11, 22]) {
      const hi: number[] = [];
      const lo: number[] = [];
      for (let i = 0; i < 500; i++) {
        const d = rng.int(1 << 10) << shift;
        if (rng.chance(0.5)) {
          hi.push(d >>> 0);
          lo.push(7);
        } else {
          hi.push(3);
          lo.push(d >>> 0);
        }
      }
      check(hi, lo);
    }
  });
});

describe('radixSort64 on large inputs (MSD-first path)', () => {
  it('sorts 70k triples with skewed keys, stably', () => {
    const rng = new Rng(8);
    const n = 70_000;
    const hi: number[] = [];
    const lo: number[] = [];
    for (let i = 0; i < n; i++) {
      const mode = rng.int(4);
      if (mode === 0) {
        hi.push(0xdeadbeef); // one giant bucket of equal hi
        lo.push(rng.int(50));
      } else if (mode === 1) {
        hi.push(rng.int(1 << 21)); // all in the first MSD bucket
        lo.push(rng.nextU32());
      } else {
        hi.push(rng.nextU32());
        lo.push(rng.nextU32());
      }
    }
    check(hi, lo);
  });

  it('forced MSD bucket widths (1, 5, 11 bits: 6- and 5-pass buckets) sort alike', () => {
    const rng = new Rng(9);
    const hi: number[] = [];
    const lo: number[] = [];
    for (let i = 0; i < 6000; i++) {
      hi.push(rng.chance(0.3) ? 0x12345678 : rng.nextU32());
      lo.push(rng.chance(0.3) ? 5 : rng.nextU32());
    }
    for (const bits of [1, 5, 11]) check(hi, lo, bits);
  });
});

describe('sortBucket (one bucket of the MSD-first sort, as the parallel index build runs it)', () => {
  it('sorts a sub-range stably into either buffer and leaves the rest alone (property, oracle)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 5 })), { maxLength: 400 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        (items, a, b, intoOther) => {
          const n = items.length;
          const from = n === 0 ? 0 : a % (n + 1);
          const to = from + (n === 0 ? 0 : b % (n - from + 1));
          // hi values with a shared top bit pattern (as inside a bucket), lo from a few values: many ties.
          const hi = items.map(([h, x]) => ((0x40000000 | (h << 20) | (x & 3)) >>> 0));
          const lo = items.map(([, , l]) => l);
          const src = allocTriples(n, false);
          const other = allocTriples(n, false);
          src.hi.set(hi);
          src.lo.set(lo);
          for (let i = 0; i < n; i++) src.ids[i] = i;
          other.ids.fill(0xdead);
          const into = intoOther ? other : src;
          sortBucket(src, other, from, to, bucketPasses(2), into);
          const expected = oracle(hi.slice(from, to), lo.slice(from, to)).map((i) => i + from);
          expect(Array.from(into.ids.subarray(from, to))).toEqual(expected);
          expect(Array.from(into.hi.subarray(from, to))).toEqual(expected.map((i) => hi[i]));
          if (intoOther) for (let i = 0; i < n; i++) if (i < from || i >= to) expect(other.ids[i]).toBe(0xdead);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('bucket bits follow the input size (≈ 4,096 per bucket, 1..11) and the passes the bits', () => {
    expect([0, 1, 2, 1 << 13, 1 << 16, 1 << 20, 1e8, 4e9].map(msdBucketBits)).toEqual([1, 1, 1, 1, 4, 8, 11, 11]);
    expect([1, 10, 11].map(bucketPasses)).toEqual([6, 6, 5]);
  });
});
