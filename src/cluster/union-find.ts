/**
 * Union–find (disjoint-set forest) over rows 0 … n−1, on typed arrays (Tarjan 1975;
 * Tarjan & van Leeuwen 1984: path halving + union by rank, amortised inverse-Ackermann time).
 *
 *   parent: Uint32Array(n)   parent[x] = x for a root
 *   rank:   Uint8Array(n)    upper bound on the tree height below a root (≤ log2 n ≤ 32,
 *                            so a byte is enough)
 *
 * Trade-off: union by rank rather than by size keeps the per-row overhead at 5 bytes
 * (100M rows: 500 MB) instead of 8; set sizes, when needed, come from one counting pass
 * (clusters.ts). Path halving (every node on the find path points to its grandparent) needs
 * no second pass and no stack.
 */
import { KhopError } from '../errors.js';

export class UnionFind {
  /** parent[x]; a root is its own parent. Read-only for callers. */
  readonly parent: Uint32Array;
  private readonly rank: Uint8Array;
  private setCount: number;

  /** @param n number of elements, 0 … 2^32 − 2. */
  constructor(n: number) {
    if (!Number.isInteger(n) || n < 0 || n > 0xfffffffe) throw new KhopError('INVALID_ARGUMENT', 'UnionFind: n must be an integer in 0..2^32−2');
    this.parent = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.rank = new Uint8Array(n);
    this.setCount = n;
  }

  /** Number of elements. */
  get size(): number {
    return this.parent.length;
  }

  /** Number of disjoint sets. */
  get sets(): number {
    return this.setCount;
  }

  /** Root of x's set. @throws KhopError INVALID_ARGUMENT when x is not an element. */
  find(x: number): number {
    if (!(x >= 0 && x < this.parent.length) || x !== (x >>> 0)) throw new KhopError('INVALID_ARGUMENT', 'UnionFind: element out of range');
    const parent = this.parent;
    // path halving: x → grandparent, so the path to the root halves on every find
    while (parent[x] !== x) {
      const g = parent[parent[x]!]!;
      parent[x] = g;
      x = g;
    }
    return x;
  }

  /** Merge the sets of a and b; true when they were different sets. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    const rank = this.rank;
    if (rank[ra]! < rank[rb]!) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    if (rank[ra] === rank[rb]) rank[ra]!++;
    this.setCount--;
    return true;
  }

  /** True when a and b are in the same set. */
  connected(a: number, b: number): boolean {
    return this.find(a) === this.find(b);
  }
}
