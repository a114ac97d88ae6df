/**
 * Interning of code-unit spans into dense integer ids (0 = the empty value), shared by the
 * per-dataset comparison indexes (person-name-index.ts, token-set-index.ts) and the pipeline's
 * term-frequency counts (src/pipeline/term-frequency-rows.ts): equal ids ⇔ equal unit
 * sequences, because every hash hit is confirmed unit by unit.
 *
 * Hashing: FNV-1a 32-bit (Fowler, Noll, Vo; IETF draft-eastlake-fnv) in open addressing with
 * linear probing (Knuth, TAOCP vol. 3, §6.4, algorithm L), table kept at most half full. The
 * distinct values are copied into one growable Uint16Array pool (`units`, `offsets`).
 * Internal to the package (not exported from src/index.ts).
 */
import type { CodeUnits } from '../block/text-column.js';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** Interns unit spans into dense ids (0 = empty); grows by doubling. */
export class ValueInterner {
  units = new Uint16Array(1 << 12);
  used = 0;
  offsets = new Int32Array(1 << 10);
  hashes = new Int32Array(1 << 10);
  count = 1; // id 0: the empty value, offsets[0] = offsets[1] = 0
  table = new Int32Array(1 << 11); // 0 = free slot, else id (never 0: empty is not stored)
  mask = (1 << 11) - 1;

  intern(u: CodeUnits, s: number, e: number): number {
    const len = e - s;
    if (len <= 0) return 0;
    // FNV-1a: xor the unit in, multiply by the FNV prime modulo 2^32 (Math.imul keeps the low 32 bits).
    let h = FNV_OFFSET;
    for (let i = s; i < e; i++) h = Math.imul(h ^ u[i]!, FNV_PRIME);
    const table = this.table;
    const mask = this.mask;
    const offsets = this.offsets;
    const pool = this.units;
    let slot = h & mask;
    for (;;) {
      const id = table[slot]!;
      if (id === 0) break;
      if (this.hashes[id] === h) {
        const vs = offsets[id]!;
        if (offsets[id + 1]! - vs === len) {
          let k = 0;
          while (k < len && pool[vs + k] === u[s + k]) k++;
          if (k === len) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.add(u, s, e, h, slot);
  }

  private add(u: CodeUnits, s: number, e: number, h: number, slot: number): number {
    const len = e - s;
    const id = this.count++;
    if (this.offsets.length < id + 2) {
      this.offsets = grow32(this.offsets, id + 2);
      this.hashes = grow32(this.hashes, id + 2);
    }
    if (this.units.length < this.used + len) {
      let n = this.units.length * 2;
      while (n < this.used + len) n *= 2;
      const next = new Uint16Array(n);
      next.set(this.units.subarray(0, this.used));
      this.units = next;
    }
    for (let i = 0; i < len; i++) this.units[this.used + i] = u[s + i]!;
    this.used += len;
    this.offsets[id + 1] = this.used;
    this.hashes[id] = h;
    this.table[slot] = id;
    if (2 * this.count > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let id = 1; id < this.count; id++) {
      let slot = this.hashes[id]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}

export function grow32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  let size = a.length * 2;
  while (size < n) size *= 2;
  const next = new Int32Array(size);
  next.set(a);
  return next;
}
