/**
 * The record ids seen so far in one source, for dedupe / link's duplicate check: a row whose
 * `idField` value repeats an earlier row's of the same source is rejected (DUPLICATE_ID) — a
 * cluster id is the smallest record id of its cluster, so two rows with one id could give two
 * clusters one id. Ids compare as text (3 and "3" are one id, as in a CSV).
 *
 * An open-addressing table (linear probing, at most 3/4 full) of each id's 32-bit hash (FNV-1a
 * over UTF-16 units, then a murmur3 finaliser) and its row index into the caller's id list
 * (+ 1; 0 = empty). A probe compares hashes; only an equal hash reads the id itself (a random
 * read into the caller's strings), so a new id costs about one cache miss. 8 bytes a slot:
 * ~11–21 bytes an id, no string kept beyond the caller's list. Measured on this machine
 * (distinct 9-digit ids, one thread): 220–235 ns an id at 1M ids, 310–350 ns at 10M (the table
 * no longer in cache) — ~0.2 s of a 1M-row dedupe (prepare alone: 7–11 s, where the check was
 * within the run-to-run noise), ~3 s of a 10M one (~170 s); the first version, one index array
 * and every probe confirmed on the string, took 570 ns and 1.4 µs.
 */
export class SeenIds {
  private index = new Int32Array(1 << 10);
  private hash = new Uint32Array(1 << 10);
  private size = 0;

  constructor(private readonly idAt: (index: number) => string | number) {}

  /** Forget every id (a new source). */
  clear(): void {
    this.index = new Int32Array(1 << 10);
    this.hash = new Uint32Array(1 << 10);
    this.size = 0;
  }

  /**
   * The index of an earlier row with id `key` (its text), or −1 after recording `index` as
   * the row that has it.
   */
  findOrAdd(key: string, index: number): number {
    if (4 * (this.size + 1) > 3 * this.index.length) this.grow();
    const h = hashText(key);
    const idx = this.index;
    const hs = this.hash;
    const mask = idx.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = idx[s]!;
      if (v === 0) {
        idx[s] = index + 1;
        hs[s] = h;
        this.size++;
        return -1;
      }
      if (hs[s] === h && String(this.idAt(v - 1)) === key) return v - 1;
    }
  }

  private grow(): void {
    const oldIndex = this.index;
    const oldHash = this.hash;
    const idx = new Int32Array(oldIndex.length * 2);
    const hs = new Uint32Array(idx.length);
    const mask = idx.length - 1;
    for (let i = 0; i < oldIndex.length; i++) {
      const v = oldIndex[i]!;
      if (v === 0) continue;
      const h = oldHash[i]!;
      let s = h & mask;
      while (idx[s] !== 0) s = (s + 1) & mask;
      idx[s] = v;
      hs[s] = h;
    }
    this.index = idx;
    this.hash = hs;
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
