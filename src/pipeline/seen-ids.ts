/**
 * The record ids seen so far in one source, for dedupe / link's duplicate check: a row whose
 * `idField` value repeats an earlier row's of the same source is rejected (DUPLICATE_ID) — a
 * cluster id is the smallest record id of its cluster, so two rows with one id could give two
 * clusters one id. Ids compare as text (3 and "3" are one id, as in a CSV).
 *
 * An open-addressing table of the rows' indexes (into the caller's id list, + 1; 0 = empty),
 * hashed from the id's text (FNV-1a over UTF-16 units, then a murmur3 finaliser); a hit is
 * confirmed on the text. 4 bytes a slot, at most half full: ~8–16 bytes an id, no string kept
 * beyond the caller's own list.
 */
export class SeenIds {
  private table = new Int32Array(1 << 10);
  private size = 0;

  constructor(private readonly idAt: (index: number) => string | number) {}

  /** Forget every id (a new source). */
  clear(): void {
    this.table = new Int32Array(1 << 10);
    this.size = 0;
  }

  /**
   * The index of an earlier row with id `key` (its text), or −1 after recording `index` as
   * the row that has it.
   */
  findOrAdd(key: string, index: number): number {
    if (2 * (this.size + 1) > this.table.length) this.grow();
    const t = this.table;
    const mask = t.length - 1;
    for (let s = hashText(key) & mask; ; s = (s + 1) & mask) {
      const v = t[s]!;
      if (v === 0) {
        t[s] = index + 1;
        this.size++;
        return -1;
      }
      if (String(this.idAt(v - 1)) === key) return v - 1;
    }
  }

  private grow(): void {
    const old = this.table;
    const t = new Int32Array(old.length * 2);
    const mask = t.length - 1;
    for (let i = 0; i < old.length; i++) {
      const v = old[i]!;
      if (v === 0) continue;
      let s = hashText(String(this.idAt(v - 1))) & mask;
      while (t[s] !== 0) s = (s + 1) & mask;
      t[s] = v;
    }
    this.table = t;
  }
}

function hashText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
