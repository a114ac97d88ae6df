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

/** A seeded Fisher–Yates shuffle (a new array). */
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

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

  it('a cluster a vouched pair joined holds both keys, whichever row the pair names first', () => {
    // Row 0 has ID X, rows 1 and 2 its typo Y; (0,1) vouched at weight 10, (1,2) an exact-ID pair at 5.
    const key3 = Float64Array.from([1, 2, 2]);
    for (const [l, r] of [[0, 1], [1, 0]]) {
      const conflicts = { skippedPairs: 0 };
      const reps = clusterPairs(3, Uint32Array.from([l!, 1]), Uint32Array.from([r!, 2]), Float64Array.from([10, 5]), 2, 0, { conflict: { key: key3, vouched: Uint8Array.from([1, 0]) } }, conflicts);
      expect(Array.from(reps)).toEqual([0, 0, 0]);
      expect(conflicts.skippedPairs).toBe(0);
    }
  });

  it('equals an oracle of key sets on seeded random graphs, whatever the order and orientation of the pairs', () => {
    const rng = new Rng(77);
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + rng.int(25);
      const g = randomGraph(rng, n, rng.int(50));
      const key = Float64Array.from({ length: n }, () => (rng.next() < 0.4 ? Number.NaN : rng.int(4)));
      const vouched = Uint8Array.from({ length: g.count }, () => (rng.next() < 0.25 ? 1 : 0));
      const rank = Uint32Array.from(shuffled(rng, [...Array(n).keys()]));
      const threshold = rng.next() * 6 - 3;
      // Oracle: clusters as arrays with their set of keys, pairs in descending weight (the
      // weights are distinct), a pair that does not vouch kept out when both sides are keyed
      // and share no key.
      const clusterOf = [...Array(n).keys()];
      const members: number[][] = clusterOf.map((r) => [r]);
      const keys: Array<Set<number>> = clusterOf.map((r) => new Set(Number.isNaN(key[r]!) ? [] : [key[r]!]));
      const order = [...Array(g.count).keys()].filter((i) => g.weights[i]! >= threshold).sort((a, b) => g.weights[b]! - g.weights[a]!);
      let skipped = 0;
      for (const i of order) {
        const ca = clusterOf[g.left[i]!]!;
        const cb = clusterOf[g.right[i]!]!;
        if (ca === cb) continue;
        if (vouched[i] !== 1 && keys[ca]!.size > 0 && keys[cb]!.size > 0 && ![...keys[ca]!].some((k) => keys[cb]!.has(k))) {
          skipped++;
          continue;
        }
        for (const r of members[cb]!) clusterOf[r] = ca;
        members[ca]!.push(...members[cb]!);
        members[cb] = [];
        for (const k of keys[cb]!) keys[ca]!.add(k);
      }
      const want = new Uint32Array(n);
      for (const m of members) {
        if (m.length === 0) continue;
        const rep = m.reduce((a, b) => (rank[b]! < rank[a]! ? b : a));
        for (const r of m) want[r] = rep;
      }
      const conflicts = { skippedPairs: 0 };
      expect(Array.from(clusterPairs(n, g.left, g.right, g.weights, g.count, threshold, { rank, conflict: { key, vouched } }, conflicts))).toEqual(Array.from(want));
      expect(conflicts.skippedPairs).toBe(skipped);
      // The same pairs shuffled, each named either way round.
      const perm = shuffled(rng, [...Array(g.count).keys()]);
      const swap = perm.map(() => rng.next() < 0.5);
      const l2 = Uint32Array.from(perm, (i, j) => (swap[j] ? g.right[i]! : g.left[i]!));
      const r2 = Uint32Array.from(perm, (i, j) => (swap[j] ? g.left[i]! : g.right[i]!));
      const again = clusterPairs(n, l2, r2, Float64Array.from(perm, (i) => g.weights[i]!), g.count, threshold, { rank, conflict: { key, vouched: Uint8Array.from(perm, (i) => vouched[i]!) } });
      expect(Array.from(again)).toEqual(Array.from(want));
    }
  });
});

/**
 * Oracle of the average-linkage guard, written plainly: clusters as arrays, pairs above the
 * threshold in descending weight (ties by index), the cross pairs found by scanning every
 * given pair, and the merge rule of the file header.
 */
function guardOracle(g: Graph, threshold: number, least: number, floor: number, key?: Float64Array): Uint32Array {
  const prob = (w: number) => 1 / (1 + 2 ** -w);
  const clusterOf = Array.from({ length: g.n }, (_, r) => r);
  const members: number[][] = Array.from({ length: g.n }, (_, r) => [r]);
  const clusterKey = key ? Array.from(key.subarray(0, g.n)) : undefined;
  const order = [...Array(g.count).keys()].filter((i) => g.weights[i]! >= threshold).sort((a, b) => g.weights[b]! - g.weights[a]! || a - b);
  for (const i of order) {
    const ca = clusterOf[g.left[i]!]!;
    const cb = clusterOf[g.right[i]!]!;
    if (ca === cb) continue;
    if (clusterKey) {
      const ka = clusterKey[ca]!;
      const kb = clusterKey[cb]!;
      if (!Number.isNaN(ka) && !Number.isNaN(kb) && ka !== kb) continue;
    }
    let sum = 0;
    let k = 0;
    let reaching = 0;
    for (let j = 0; j < g.count; j++) {
      const p = prob(g.weights[j]!);
      if (p < floor) continue;
      const x = clusterOf[g.left[j]!]!;
      const y = clusterOf[g.right[j]!]!;
      if ((x === ca && y === cb) || (x === cb && y === ca)) {
        sum += p;
        k++;
        if (p >= least) reaching++;
      }
    }
    if (!(k === 0 || sum >= least * k || 2 * reaching >= k)) continue;
    for (const r of members[cb]!) {
      clusterOf[r] = ca;
      members[ca]!.push(r);
    }
    members[cb] = [];
    if (clusterKey && Number.isNaN(clusterKey[ca]!)) clusterKey[ca] = clusterKey[cb]!;
  }
  const out = new Uint32Array(g.n);
  for (const list of members) {
    if (list.length === 0) continue;
    const best = Math.min(...list);
    for (const r of list) out[r] = best;
  }
  return out;
}

describe('clusterPairs with the average-linkage guard', () => {
  /** Weight (bits) of a match probability. */
  const w = (p: number) => Math.log2(p / (1 - p));

  it('keeps two namesake clusters apart that one pair would chain (and counts the pair)', () => {
    // A1 A2 are one person, B1 B2 another; A1–B1 matches (p 0.6), every other cross pair is low.
    const left = Uint32Array.of(0, 2, 0, 1, 0, 1);
    const right = Uint32Array.of(1, 3, 2, 3, 3, 2);
    const weights = Float64Array.from([0.99, 0.99, 0.6, 0.02, 0.02, 0.02].map(w));
    const single = clusterPairs(4, left, right, weights, 6, 0);
    expect(Array.from(single)).toEqual([0, 0, 0, 0]);
    const conflicts: { skippedPairs: number; averageLinkagePairs?: number } = { skippedPairs: 0 };
    const guarded = clusterPairs(4, left, right, weights, 6, 0, { averageLinkage: { least: 0.5 } }, conflicts);
    expect(Array.from(guarded)).toEqual([0, 0, 2, 2]);
    expect(conflicts.averageLinkagePairs).toBe(1);
    expect(conflicts.skippedPairs).toBe(0);
    // Below the floor the low pairs are no evidence: the 0.6 pair alone decides.
    expect(Array.from(clusterPairs(4, left, right, weights, 6, 0, { averageLinkage: { least: 0.5, floor: 0.05 } }))).toEqual([0, 0, 0, 0]);
  });

  it('merges when half of the cross pairs match although their mean does not reach the threshold', () => {
    // A B are one cluster (p 1.0); C matches A (0.82) but not B (0.08): mean 0.45, one of two reaches.
    const left = Uint32Array.of(0, 2, 2);
    const right = Uint32Array.of(1, 0, 1);
    const weights = Float64Array.from([0.999, 0.82, 0.08].map(w));
    expect(Array.from(clusterPairs(3, left, right, weights, 3, 0, { averageLinkage: { least: 0.5 } }))).toEqual([0, 0, 0]);
    // One of three reaching, mean below: refused.
    const left3 = Uint32Array.of(0, 1, 3, 3, 3);
    const right3 = Uint32Array.of(1, 2, 0, 1, 2);
    const weights3 = Float64Array.from([0.999, 0.999, 0.82, 0.08, 0.08].map(w));
    expect(Array.from(clusterPairs(4, left3, right3, weights3, 5, 0, { averageLinkage: { least: 0.5 } }))).toEqual([0, 0, 0, 3]);
  });

  it('equals a plain oracle of the same rule on seeded random graphs, with and without a cannot-link key', () => {
    const rng = new Rng(21);
    for (let round = 0; round < 80; round++) {
      const n = 1 + rng.int(120);
      const g = randomGraph(rng, n, rng.int(3 * n));
      const threshold = rng.next() * 8 - 4;
      const least = rng.next();
      const floor = rng.chance(0.5) ? 0 : rng.next() * 0.5;
      const conflicts = { skippedPairs: 0 };
      expect(clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold, { averageLinkage: { least, floor } }, conflicts)).toEqual(guardOracle(g, threshold, least, floor));
      const key = Float64Array.from({ length: n }, () => (rng.chance(0.5) ? Number.NaN : rng.int(4)));
      expect(clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold, { averageLinkage: { least, floor }, conflict: { key } })).toEqual(guardOracle(g, threshold, least, floor, key));
    }
  });

  it('refines single linkage, and equals it when the least mean is 0', () => {
    const rng = new Rng(22);
    for (let round = 0; round < 30; round++) {
      const n = 2 + rng.int(300);
      const g = randomGraph(rng, n, rng.int(2 * n));
      const threshold = rng.next() * 6 - 3;
      const single = clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold);
      const guarded = clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold, { averageLinkage: { least: 0.2 + 0.8 * rng.next() } });
      // Rows in one guarded cluster are in one single-linkage cluster.
      for (let r = 0; r < n; r++) expect(single[guarded[r]!]).toBe(single[r]);
      expect(clusterPairs(g.n, g.left, g.right, g.weights, g.count, threshold, { averageLinkage: { least: 0 } })).toEqual(single);
    }
  });

  it('does not depend on the order of the pairs', () => {
    const rng = new Rng(23);
    const g = randomGraph(rng, 400, 900);
    const p = shuffle(rng, g.count);
    const h: Graph = { ...g, left: p.map((i) => g.left[i]!), right: p.map((i) => g.right[i]!), weights: Float64Array.from(p, (i) => g.weights[i]!) };
    const options = { averageLinkage: { least: 0.5 } };
    expect(clusterPairs(h.n, h.left, h.right, h.weights, h.count, 0, options)).toEqual(clusterPairs(g.n, g.left, g.right, g.weights, g.count, 0, options));
  });

  it('with a rank, tied weights merge alike whatever the order of the rows and pairs (seeded)', () => {
    // The same records given in another row order: row π(r) holds record r (rank = record), and
    // the pairs come in another order. Weights from a few values, so that ties are common — the
    // order among tied pairs decides which merge the guard or the cannot-link key sees first.
    const rng = new Rng(24);
    const helperCase = { left: [0, 0, 1, 0, 3], right: [1, 3, 2, 2, 2], weights: [5, 5, 5, -5, -5] };
    for (let round = 0; round < 120; round++) {
      const n = round === 0 ? 4 : 2 + rng.int(60);
      const count = round === 0 ? 5 : rng.int(3 * n);
      const left = round === 0 ? Uint32Array.from(helperCase.left) : Uint32Array.from({ length: count }, () => rng.int(n));
      const right = round === 0 ? Uint32Array.from(helperCase.right) : Uint32Array.from({ length: count }, () => rng.int(n));
      const weights = round === 0 ? Float64Array.from(helperCase.weights) : Float64Array.from({ length: count }, () => [-5, -1, 2, 5][rng.int(4)]!);
      const key = Float64Array.from({ length: n }, () => (rng.chance(0.6) ? Number.NaN : rng.int(3)));
      const pi = shuffle(rng, n);
      const q = shuffle(rng, count);
      const rank = Uint32Array.from({ length: n }, (_, r) => r);
      const rankP = new Uint32Array(n);
      const keyP = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        rankP[pi[r]!] = r;
        keyP[pi[r]!] = key[r]!;
      }
      // Pair j of the shuffled run is pair q[j], its ends swapped every other time.
      const leftP = Uint32Array.from(q, (i, j) => pi[j % 2 === 0 ? left[i]! : right[i]!]!);
      const rightP = Uint32Array.from(q, (i, j) => pi[j % 2 === 0 ? right[i]! : left[i]!]!);
      const weightsP = Float64Array.from(q, (i) => weights[i]!);
      for (const extra of [{ averageLinkage: { least: 0.5 } }, { conflict: { key } }, { averageLinkage: { least: 0.5 }, conflict: { key } }]) {
        const extraP = 'conflict' in extra ? { ...extra, conflict: { key: keyP } } : extra;
        const a = clusterPairs(n, left, right, weights, count, 0, { rank, ...extra });
        const b = clusterPairs(n, leftP, rightP, weightsP, count, 0, { rank: rankP, ...extraP });
        // Row π(r) of the second run has the cluster of record r: its representative is π(a[r]).
        for (let r = 0; r < n; r++) expect(b[pi[r]!]).toBe(pi[a[r]!]);
      }
    }
  });

  it('rejects a malformed guard, and an evidence pair naming a row out of range', () => {
    const l = Uint32Array.of(0, 1);
    const r = Uint32Array.of(1, 2);
    const wts = Float64Array.of(1, -1);
    for (const bad of [{ least: 1.5 }, { least: -0.1 }, { least: Number.NaN }, { least: 0.5, floor: 2 }, null, 0.5] as unknown[]) {
      expect(() => clusterPairs(3, l, r, wts, 2, 0, { averageLinkage: bad as { least: number } })).toThrow(/averageLinkage/);
    }
    // Below the threshold, row 2 ≥ n = 2 is the guard's evidence: an error with it, not without.
    expect(() => clusterPairs(2, l, r, wts, 2, 0, { averageLinkage: { least: 0.5 } })).toThrow(/row ≥ n/);
    expect(Array.from(clusterPairs(2, l, r, wts, 2, 0))).toEqual([0, 0]);
  });
});
