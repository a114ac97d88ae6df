import { describe, it, expect } from 'vitest';
import { UnionFind } from '../../src/cluster/union-find.js';
import { Rng } from '../../src/util/rng.js';

describe('UnionFind', () => {
  it('known answer', () => {
    const uf = new UnionFind(6);
    expect(uf.sets).toBe(6);
    expect(uf.union(0, 1)).toBe(true);
    expect(uf.union(2, 3)).toBe(true);
    expect(uf.union(1, 0)).toBe(false);
    expect(uf.union(1, 3)).toBe(true);
    expect(uf.sets).toBe(3);
    expect(uf.connected(0, 2)).toBe(true);
    expect(uf.connected(0, 4)).toBe(false);
    expect(uf.find(5)).toBe(5);
    expect(() => uf.find(6)).toThrow();
    expect(() => uf.find(-1)).toThrow();
    expect(() => uf.find(1.5)).toThrow();
    expect(() => new UnionFind(-1)).toThrow();
  });

  it('matches a naive relabelling oracle on seeded random unions', () => {
    const rng = new Rng(42);
    for (let round = 0; round < 20; round++) {
      const n = 1 + rng.int(300);
      const uf = new UnionFind(n);
      const label = Array.from({ length: n }, (_, i) => i);
      for (let e = 0; e < n; e++) {
        const a = rng.int(n);
        const b = rng.int(n);
        const merged = uf.union(a, b);
        const la = label[a]!;
        const lb = label[b]!;
        expect(merged).toBe(la !== lb);
        if (la !== lb) for (let i = 0; i < n; i++) if (label[i] === lb) label[i] = la;
      }
      expect(uf.sets).toBe(new Set(label).size);
      for (let i = 0; i < 50; i++) {
        const a = rng.int(n);
        const b = rng.int(n);
        expect(uf.connected(a, b)).toBe(label[a] === label[b]);
      }
    }
  });

  it('stays shallow on a long chain (union by rank)', () => {
    const n = 1 << 16;
    const uf = new UnionFind(n);
    for (let i = 1; i < n; i++) uf.union(i - 1, i);
    expect(uf.sets).toBe(1);
    let depth = 0;
    for (let x = n - 1; uf.parent[x] !== x; x = uf.parent[x]!) depth++;
    expect(depth).toBeLessThanOrEqual(16);
  });
});
