import { describe, it, expect } from 'vitest';
import { clusterPairs, clusterSizeHistogram } from '../../src/cluster/clusters.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

interface Graph {
  n: number;
  left: Uint32Array;
  right: Uint32Array;
  weights: Float64Array;
  count: number;
}

function randomGraph(rng: Rng, n: number, edges: number): Graph {
  const left = new Uint32Array(edges);
  const right = new Uint32Array(edges);
  const weights = new Float64Array(edges);
  for (let i = 0; i < edges; i++) {
    left[i] = rng.int(n);
    right[i] = rng.int(n);
    weights[i] = rng.next() * 20 - 10;
  }
  return { n, left, right, weights, count: edges };
}

/** Oracle: BFS over the above-threshold graph; representative = member with min (rank, row). */
function oracle(g: Graph, threshold: number, rank?: Uint32Array): Uint32Array {
  const adj: number[][] = Array.from({ length: g.n }, () => []);
  for (let i = 0; i < g.count; i++) {
    if (g.weights[i]! >= threshold) {
      adj[g.left[i]!]!.push(g.right[i]!);
      adj[g.right[i]!]!.push(g.left[i]!);
    }
  }
  const out = new Uint32Array(g.n);
  const done = new Uint8Array(g.n);
  for (let s = 0; s < g.n; s++) {
    if (done[s]) continue;
    const comp = [s];
    done[s] = 1;
    for (let q = 0; q < comp.length; q++) {
      for (const t of adj[comp[q]!]!) {
        if (!done[t]) {
          done[t] = 1;
          comp.push(t);
        }
      }
    }
    let best = comp[0]!;
    for (const r of comp) {
      const kr = rank ? rank[r]! : r;
      const kb = rank ? rank[best]! : best;
      if (kr < kb || (kr === kb && r < best)) best = r;
    }
    for (const r of comp) out[r] = best;
  }
  return out;
}

function shuffle(rng: Rng, n: number): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

describe('clusterPairs', () => {
  it('equals a BFS oracle on seeded random graphs, with and without a rank', () => {
    const rng = new Rng(7);
    for (let round = 0; round < 60; round++) {
      const n = 1 + rng.int(400);
      const g = randomGraph(rng, n, rng.int(2 * n));
      const threshold = rng.next() * 16 - 8;
      expect(clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold)).toEqual(oracle(g, threshold));
      // rank with ties (values in 0..n/2) exercises the row tie-break
      const rank = Uint32Array.from({ length: n }, () => rng.int(Math.max(1, n >> 1)));
      expect(clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold, { rank })).toEqual(oracle(g, threshold, rank));
    }
  });

  it('does not depend on the order of the pairs', () => {
    const rng = new Rng(8);
    const g = randomGraph(rng, 500, 700);
    const p = shuffle(rng, g.count);
    const h: Graph = { ...g, left: p.map((i) => g.left[i]!), right: p.map((i) => g.right[i]!), weights: Float64Array.from(p, (i) => g.weights[i]!) };
    expect(clusterPairs(h.n, h.left, h.right, h.weights, h.count, 0)).toEqual(clusterPairs(g.n, g.left, g.right, g.weights, g.count, 0));
  });

  it('keeps existing cluster ids when rows are appended without merging clusters', () => {
    const rng = new Rng(9);
    for (let round = 0; round < 20; round++) {
      const n = 50 + rng.int(200);
      const g = randomGraph(rng, n, n);
      const before = clusterPairs(g.n, g.left, g.right, g.weights, g.count, 0);
      // append m rows; each new row links to at most one old cluster (via any member) and to new rows
      const m = 1 + rng.int(100);
      const left = Array.from(g.left);
      const right = Array.from(g.right);
      const weights = Array.from(g.weights);
      const joined = new Map<number, number>(); // new row -> old cluster it joined
      for (let r = n; r < n + m; r++) {
        if (rng.chance(0.5)) {
          const target = rng.int(n);
          left.push(r);
          right.push(target);
          weights.push(5);
          joined.set(r, before[target]!);
        }
      }
      // links among new rows only if they joined no old cluster or the same one
      for (let e = 0; e < m; e++) {
        const a = n + rng.int(m);
        const b = n + rng.int(m);
        const ca = joined.get(a);
        const cb = joined.get(b);
        if (ca !== undefined && cb !== undefined && ca !== cb) continue;
        if (ca !== undefined || cb !== undefined) continue; // keep it simple: only fresh-fresh links
        left.push(a);
        right.push(b);
        weights.push(5);
      }
      const after = clusterPairs(n + m, Uint32Array.from(left), Uint32Array.from(right), Float64Array.from(weights), left.length, 0);
      expect(after.subarray(0, n)).toEqual(before);
      for (const [r, c] of joined) expect(after[r]).toBe(c);
    }
  });

  it('ids follow user-id order under any row order (rank), so a re-ordered run agrees', () => {
    const rng = new Rng(10);
    const g = randomGraph(rng, 300, 400);
    const userId = shuffle(rng, 300); // user id of each row; rank = user id
    const a = clusterPairs(g.n, g.left, g.right, g.weights, g.count, 0, { rank: userId });
    // same data with rows permuted: row r of the new order is old row perm[r]
    const perm = shuffle(rng, 300);
    const inv = new Uint32Array(300);
    perm.forEach((old, r) => (inv[old] = r));
    const b = clusterPairs(300, g.left.map((x) => inv[x]!), g.right.map((x) => inv[x]!), g.weights, g.count, 0, { rank: perm.map((old) => userId[old]!) });
    for (let r = 0; r < 300; r++) expect(userId[perm[b[r]!]!]).toBe(userId[a[perm[r]!]!]);
  });

  it('rejects NaN weights, rows out of range and bad shapes', () => {
    const l = Uint32Array.of(0, 1);
    const r = Uint32Array.of(1, 2);
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isKhopError(e) ? e.code : 'not khop';
      }
      return undefined;
    };
    expect(code(() => clusterPairs(3, l, r, Float64Array.of(1, Number.NaN), 2, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => clusterPairs(2, l, r, Float64Array.of(1, 1), 2, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => clusterPairs(3, l, r, Float64Array.of(1), 2, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => clusterPairs(3, l, r, Float64Array.of(1, 1), 2, Number.NaN))).toBe('INVALID_ARGUMENT');
    expect(code(() => clusterPairs(3, l, r, Float64Array.of(1, 1), 2, 0, { rank: new Uint32Array(2) }))).toBe('INVALID_ARGUMENT');
    // a row out of range below the threshold is never read, so it is not an error
    expect(clusterPairs(2, l, r, Float64Array.of(1, -1), 2, 0)).toEqual(Uint32Array.of(0, 0));
  });
});

describe('clusterSizeHistogram', () => {
  it('known answer', () => {
    // clusters {0,1,2}, {3,5}, {4}, {6}, {7,8}
    const rep = Uint32Array.of(0, 0, 0, 3, 4, 3, 6, 7, 7);
    expect(clusterSizeHistogram(rep)).toEqual([
      { size: 1, count: 2 },
      { size: 2, count: 2 },
      { size: 3, count: 1 },
    ]);
    expect(clusterSizeHistogram(new Uint32Array(0))).toEqual([]);
    expect(() => clusterSizeHistogram(Uint32Array.of(0, 5))).toThrow();
  });

  it('sizes × counts sum to n on random clusterings', () => {
    const rng = new Rng(11);
    const g = randomGraph(rng, 1000, 900);
    const rep = clusterPairs(g.n, g.left, g.right, g.weights, g.count, -2);
    const h = clusterSizeHistogram(rep);
    expect(h.reduce((s, b) => s + b.size * b.count, 0)).toBe(1000);
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(new Set(rep).size);
  });
});

describe('clusterPairs with a cannot-link key', () => {
  const left = Uint32Array.from([0, 1, 3]);
  const right = Uint32Array.from([2, 2, 4]);
  const weights = Float64Array.from([10, 9, 5]);
  const key = Float64Array.from([1, 2, Number.NaN, 7, 8]);

  it('never merges clusters with different keys; the stronger pair claims the keyless row', () => {
    const conflicts = { skippedPairs: 0 };
    const reps = clusterPairs(5, left, right, weights, 3, 0, { conflict: { key } }, conflicts);
    expect(Array.from(reps)).toEqual([0, 1, 0, 3, 4]);
    expect(conflicts.skippedPairs).toBe(2);
  });

  it('merges when the pair vouches for the two keys (a typo level)', () => {
    const reps = clusterPairs(5, left, right, weights, 3, 0, { conflict: { key, vouched: Uint8Array.from([0, 1, 1]) } });
    expect(Array.from(reps)).toEqual([0, 0, 0, 3, 3]);
  });

  it('without keys it is the plain transitive closure', () => {
    const none = new Float64Array(5).fill(Number.NaN);
    expect(Array.from(clusterPairs(5, left, right, weights, 3, 0, { conflict: { key: none } }))).toEqual(Array.from(clusterPairs(5, left, right, weights, 3, 0)));
  });
});
