import { describe, it, expect } from 'vitest';
import { BlockIndex, NO_BLOCK } from '../../src/block/block-index.js';
import { Rng } from '../../src/util/rng.js';

interface Fixture {
  hi: Uint32Array;
  lo: Uint32Array;
  rows: Uint32Array;
  n: number;
  naive: Map<string, number[]>;
}

const k = (hi: number, lo: number): string => `${hi}:${lo}`;

/** n rows, ~40% without a key, keys drawn from a small pool (many collisions) incl. extremes. */
function fixture(seed: number, rowCount: number, distinct: number): Fixture {
  const rng = new Rng(seed);
  const pool: [number, number][] = [
    [0, 0],
    [0xffffffff, 0xffffffff],
    [0x80000000, 0],
    [0x7fffffff, 0xffffffff],
  ];
  while (pool.length < distinct) {
    const h = rng.chance(0.2) ? pool[rng.int(pool.length)]![0] : rng.nextU32(); // shared hi, different lo
    pool.push([h, rng.nextU32()]);
  }
  const hi: number[] = [];
  const lo: number[] = [];
  const rows: number[] = [];
  const naive = new Map<string, number[]>();
  for (let r = 0; r < rowCount; r++) {
    if (rng.chance(0.4)) continue;
    // skewed: low pool indexes are frequent
    const p = pool[Math.floor(rng.next() ** 2 * pool.length)]!;
    hi.push(p[0]);
    lo.push(p[1]);
    rows.push(r);
    const key = k(p[0], p[1]);
    const list = naive.get(key) ?? [];
    list.push(r);
    naive.set(key, list);
  }
  const sh = (a: number[]): Uint32Array => {
    const u = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, a.length))).subarray(0, a.length);
    u.set(a);
    return u;
  };
  return { hi: sh(hi), lo: sh(lo), rows: sh(rows), n: rows.length, naive };
}

function build(f: Fixture, rowCount: number, directoryBits?: number): BlockIndex {
  return BlockIndex.fromHashes(f.lo.slice(), f.hi.slice(), f.rows.slice(), f.n, rowCount, directoryBits === undefined ? {} : { directoryBits });
}

function absentKeys(rng: Rng, naive: Map<string, number[]>, count: number): [number, number][] {
  const out: [number, number][] = [];
  const present = [...naive.keys()].map((s) => s.split(':').map(Number) as [number, number]);
  while (out.length < count) {
    let h: number;
    let l: number;
    const p = rng.pick(present);
    const mode = rng.int(3);
    if (mode === 0) [h, l] = [p[0], (p[1] + 1) >>> 0]; // neighbour in lo
    else if (mode === 1) [h, l] = [(p[0] - 1) >>> 0, p[1]]; // neighbour in hi
    else [h, l] = [rng.nextU32(), rng.nextU32()];
    if (!naive.has(k(h, l))) out.push([h, l]);
  }
  return out;
}

describe('BlockIndex (seeded brute-force oracle)', () => {
  for (const [seed, rowCount, distinct, bits] of [
    [1, 2000, 300, undefined],
    [2, 5000, 3000, undefined],
    [3, 3000, 50, 1],
    [4, 3000, 800, 12],
    [5, 40, 10, undefined],
  ] as const) {
    it(`groups every key's rows and finds them (seed ${seed}, dirBits ${bits ?? 'auto'})`, () => {
      const f = fixture(seed, rowCount, distinct);
      const ix = build(f, rowCount, bits);
      expect(ix.blockCount).toBe(f.naive.size);
      expect(ix.entryCount).toBe(f.n);
      // keys strictly ascending as unsigned 64-bit
      for (let b = 1; b < ix.blockCount; b++) {
        const prev = BigInt(ix.blockHi(b - 1)) * 2n ** 32n + BigInt(ix.blockLo(b - 1));
        const cur = BigInt(ix.blockHi(b)) * 2n ** 32n + BigInt(ix.blockLo(b));
        expect(prev < cur).toBe(true);
      }
      for (const [key, rows] of f.naive) {
        const [h, l] = key.split(':').map(Number) as [number, number];
        const b = ix.lookup(l, h);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(Array.from(ix.blockRows(b))).toEqual(rows);
        expect(ix.blockSize(b)).toBe(rows.length);
        expect(ix.blockEnd(b) - ix.blockStart(b)).toBe(rows.length);
      }
      const rng = new Rng(seed + 100);
      for (const [h, l] of absentKeys(rng, f.naive, 500)) expect(ix.lookup(l, h)).toBe(-1);
      // signed inputs are read as unsigned
      expect(ix.lookup(-1, -1)).toBe(f.naive.has(k(0xffffffff, 0xffffffff)) ? ix.lookup(0xffffffff, 0xffffffff) : -1);
    });
  }

  it('batched lookups equal single lookups (present, absent, repeated queries)', () => {
    const f = fixture(9, 20000, 4000);
    const ix = build(f, 20000);
    const rng = new Rng(99);
    const present = [...f.naive.keys()].map((s) => s.split(':').map(Number) as [number, number]);
    const absent = absentKeys(rng, f.naive, 3000);
    for (const q of [1, 31, 32, 33, 40, 7000]) {
      const qh = new Uint32Array(q);
      const ql = new Uint32Array(q);
      for (let i = 0; i < q; i++) {
        const p = rng.chance(0.6) ? rng.pick(present) : rng.pick(absent);
        qh[i] = p[0];
        ql[i] = p[1];
      }
      for (const order of [undefined, true, false]) {
        // The first n queries only (the rest of `out` untouched): all of them, and all but one.
        for (const n of [q, q - 1]) {
          const out = new Uint32Array(q).fill(7);
          ix.lookupMany(ql, qh, out, n, order);
          for (let i = 0; i < n; i++) {
            const b = ix.lookup(ql[i]!, qh[i]!);
            expect(out[i]).toBe(b < 0 ? NO_BLOCK : b);
          }
          for (let i = n; i < q; i++) expect(out[i]).toBe(7);
        }
      }
    }
  });

  it('reports the largest blocks and the row → block map', () => {
    const f = fixture(12, 4000, 200);
    const ix = build(f, 4000);
    const sizes = [...f.naive.entries()].map(([key, rows]) => ({ key, size: rows.length }));
    sizes.sort((a, b) => b.size - a.size);
    const top = ix.largestBlocks(10);
    expect(top.map((t) => t.size)).toEqual(sizes.slice(0, 10).map((s) => s.size));
    for (const t of top) expect(f.naive.get(k(t.hi, t.lo))!.length).toBe(t.size);
    expect(ix.largestBlocks(0)).toEqual([]);
    expect(ix.largestBlocks(10_000)).toHaveLength(ix.blockCount);
    const rb = ix.rowBlocks();
    const capped = ix.rowBlocks(5);
    const hasKey = new Set(f.rows);
    for (let r = 0; r < 4000; r++) {
      if (!hasKey.has(r)) {
        expect(rb[r]).toBe(NO_BLOCK);
        continue;
      }
      expect(Array.from(ix.blockRows(rb[r]!))).toContain(r);
      expect(capped[r]).toBe(ix.blockSize(rb[r]!) > 5 ? NO_BLOCK : rb[r]);
    }
  });

  it('indexes nothing gracefully and a single key', () => {
    const empty = BlockIndex.fromHashes(new Uint32Array(0), new Uint32Array(0), new Uint32Array(0), 0, 10);
    expect(empty.blockCount).toBe(0);
    expect(empty.lookup(1, 2)).toBe(-1);
    const out = new Uint32Array(1);
    empty.lookupMany(new Uint32Array([1]), new Uint32Array([2]), out);
    expect(out[0]).toBe(NO_BLOCK);
    const one = BlockIndex.fromHashes(new Uint32Array([5, 5]), new Uint32Array([9, 9]), new Uint32Array([3, 4]), 2, 10);
    expect(one.blockCount).toBe(1);
    expect(Array.from(one.blockRows(one.lookup(5, 9)))).toEqual([3, 4]);
  });

  it('round-trips through a descriptor without copying', () => {
    const f = fixture(21, 3000, 500);
    const ix = build(f, 3000);
    const copy = BlockIndex.fromDescriptor(structuredClone(ix.toDescriptor()));
    expect(copy.blockCount).toBe(ix.blockCount);
    for (const key of f.naive.keys()) {
      const [h, l] = key.split(':').map(Number) as [number, number];
      expect(copy.lookup(l, h)).toBe(ix.lookup(l, h));
    }
    ix.rowIds[0] = 12345;
    expect(copy.rowIds[0]).toBe(12345);
    expect(ix.keys.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ix.rowIds.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(() => BlockIndex.fromDescriptor({ ...ix.toDescriptor(), directoryBits: ix.directoryBits + 1 })).toThrowError(/inconsistent/);
  });
});
