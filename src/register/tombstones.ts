/**
 * Tombstones: one bit per store row, set when the row was removed or replaced by an update.
 * Rows are never deleted from the store in place; lookups skip dead rows and `compact()`
 * drops them.
 *
 *   bits: byte (row >>> 3), bit (row & 7)        row 11 → byte 1, bit 3 (mask 0b0000_1000)
 *
 * Trade-off: 1 bit per row (12.5 MB for 100M rows), grown by doubling; the count of dead rows
 * is kept so stats and the compaction trigger cost nothing.
 */
export class Tombstones {
  private bits: Uint8Array = new Uint8Array(0);
  private dead = 0;

  /** Rows marked dead. */
  get count(): number {
    return this.dead;
  }

  get byteLength(): number {
    return this.bits.byteLength;
  }

  /** True when the row is dead. */
  has(row: number): boolean {
    const byte = row >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (row & 7))) !== 0;
  }

  /** Mark a row dead; false when it already was. */
  add(row: number): boolean {
    const byte = row >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2, 64));
      grown.set(this.bits);
      this.bits = grown;
    }
    const bit = 1 << (row & 7);
    if ((this.bits[byte]! & bit) !== 0) return false;
    this.bits[byte]! |= bit;
    this.dead++;
    return true;
  }

  /** The dead rows, ascending (for snapshots). */
  rows(): Uint32Array {
    const out = new Uint32Array(this.dead);
    let n = 0;
    const bits = this.bits;
    for (let byte = 0; byte < bits.length; byte++) {
      const b = bits[byte]!;
      if (b === 0) continue;
      for (let k = 0; k < 8; k++) if ((b & (1 << k)) !== 0) out[n++] = byte * 8 + k; // not (byte << 3): rows may exceed 2^31
    }
    return out;
  }

  clear(): void {
    this.bits = new Uint8Array(0);
    this.dead = 0;
  }
}
