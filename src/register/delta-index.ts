/**
 * DeltaIndex: the small, growable hash table that indexes rows added since the last
 * compaction, keyed by the same 64-bit key hashes as the base BlockIndex.
 *
 *   entries (insertion order)            table (open addressing, linear probing)
 *   e:    0    1    2    3               slot: [ 0 | 3 | 0 | 0 | 2 | 0 | 0 | 4 ]   (entry + 1, 0 = empty)
 *   lo:  l0   l1   l2   l3                       └ head of the chain of one key
 *   hi:  h0   h1   h2   h3
 *   row: r0   r1   r2   r3
 *   next: -    -    0    -   ← e2 has the same key as e0: chain e2 → e0 (newest first)
 *
 *   lookup(lo, hi): slot = lo & mask (XXH64's low bits are uniform), probe forward until an
 *   empty slot or the head entry with (lo, hi); then walk `next`.
 *
 * Trade-offs: typed arrays only — 16 bytes per entry + 8 per slot at ≤ 50 % load — with no
 * JS Map (whose ~80 bytes per entry and 2^24-entry limit a national register cannot afford,
 * and whose string keys would allocate per lookup). Nothing is ever removed: rows that die
 * are filtered by the register's tombstones, and `compact()` empties the table. Entries keep
 * insertion order, so a compaction can fold them into the base index in ascending row order.
 */

const EMPTY = new Uint32Array(0);
/** "No entry" in `first` / `next`. */
export const NO_ENTRY = -1;

export class DeltaIndex {
  private lo: Uint32Array = EMPTY;
  private hi: Uint32Array = EMPTY;
  private rows: Uint32Array = EMPTY;
  /** next[e] = older entry of the same key + 1, 0 = none. */
  private nexts: Uint32Array = EMPTY;
  private table: Uint32Array = new Uint32Array(16);
  private mask = 15;
  private keys = 0;
  private n = 0;

  /** Entries (key, row) held. */
  get size(): number {
    return this.n;
  }

  /** Bytes held by the arrays (at capacity). */
  get byteLength(): number {
    return this.lo.byteLength + this.hi.byteLength + this.rows.byteLength + this.nexts.byteLength + this.table.byteLength;
  }

  /** Add (key, row). */
  insert(lo: number, hi: number, row: number): void {
    lo >>>= 0;
    hi >>>= 0;
    if (this.n === this.lo.length) this.growEntries();
    // Keep the load ≤ 1/2: (keys + 1) · 2 > slots → double the table.
    if ((this.keys + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const e = this.n++;
    this.lo[e] = lo;
    this.hi[e] = hi;
    this.rows[e] = row;
    const table = this.table;
    const mask = this.mask;
    let slot = lo & mask;
    for (;;) {
      const head = table[slot]!;
      if (head === 0) {
        table[slot] = e + 1;
        this.nexts[e] = 0;
        this.keys++;
        return;
      }
      const h = head - 1;
      if (this.lo[h] === lo && this.hi[h] === hi) {
        this.nexts[e] = head; // chain: newest first
        table[slot] = e + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Newest entry of the key, or NO_ENTRY. */
  first(lo: number, hi: number): number {
    lo >>>= 0;
    hi >>>= 0;
    const table = this.table;
    const mask = this.mask;
    let slot = lo & mask;
    for (;;) {
      const head = table[slot]!;
      if (head === 0) return NO_ENTRY;
      const h = head - 1;
      if (this.lo[h] === lo && this.hi[h] === hi) return h;
      slot = (slot + 1) & mask;
    }
  }

  /** The next (older) entry of the same key, or NO_ENTRY. */
  next(entry: number): number {
    return this.nexts[entry]! - 1;
  }

  /** Row of an entry. */
  row(entry: number): number {
    return this.rows[entry]!;
  }

  /** Key halves of an entry (entries are numbered 0 … size − 1 in insertion order). */
  entryLo(entry: number): number {
    return this.lo[entry]!;
  }

  entryHi(entry: number): number {
    return this.hi[entry]!;
  }

  /** Forget everything (keeps a small table). */
  clear(): void {
    this.lo = this.hi = this.rows = this.nexts = EMPTY;
    this.table = new Uint32Array(16);
    this.mask = 15;
    this.keys = 0;
    this.n = 0;
  }

  private growEntries(): void {
    const cap = Math.max(16, this.lo.length * 2);
    const grow = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.lo = grow(this.lo);
    this.hi = grow(this.hi);
    this.rows = grow(this.rows);
    this.nexts = grow(this.nexts);
  }

  /** Re-insert every chain head into a table of `size` slots (chains stay as they are). */
  private rehash(size: number): void {
    const old = this.table;
    const table = new Uint32Array(size);
    const mask = size - 1;
    for (let s = 0; s < old.length; s++) {
      const head = old[s]!;
      if (head === 0) continue;
      let slot = this.lo[head - 1]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = head;
    }
    this.table = table;
    this.mask = mask;
  }
}
