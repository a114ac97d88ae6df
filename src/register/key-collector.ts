/**
 * KeyCollector: gathers (key hash, row) entries of one index while rows stream in, then builds
 * the BlockIndex (radix sort → CSR + directory, src/block).
 *
 *   push(key, row) ─► KeyHasher queue ─(batch of up to 65,536 keys, one WASM call)─► lo[i], hi[i]
 *                     rows[i] = row
 *
 * Trade-off: the register's keys are not store columns (earlier IDs are not stored at all, the
 * "did you mean" key is derived), so they cannot come from buildRuleKeys over the store; they
 * are hashed as they are produced, in batches. The three arrays live on SharedArrayBuffer and
 * double when full (the hasher is flushed first, then pointed at the new arrays); `build()`
 * trims them to the exact count so the index's rowIds keep no slack.
 */
import { BlockIndex } from '../block/block-index.js';
import { KeyHasher } from '../hash/key-hasher.js';
import { blockIndexFromHashesParallel, type ParallelIndexOptions } from '../pool/parallel-index.js';

function sharedU32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, n))).subarray(0, n);
}

export class KeyCollector {
  private lo: Uint32Array;
  private hi: Uint32Array;
  private rows: Uint32Array;
  private n = 0;
  private readonly hasher: KeyHasher;

  constructor(hasher: KeyHasher, initialCapacity = 1024) {
    this.hasher = hasher;
    this.lo = sharedU32(initialCapacity);
    this.hi = sharedU32(initialCapacity);
    this.rows = sharedU32(initialCapacity);
    hasher.setOutput(this.lo, this.hi);
  }

  /** Entries pushed. */
  get count(): number {
    return this.n;
  }

  /** Bytes of its three arrays, at capacity (memoryBudget accounting). */
  get byteLength(): number {
    return 12 * this.rows.length;
  }

  /** Queue the ASCII key of `row`. */
  push(key: string, row: number): void {
    if (this.n === this.rows.length) this.grow(Math.max(16, this.n * 2));
    this.rows[this.n] = row;
    this.hasher.pushAscii(key, this.n);
    this.n++;
  }

  /** Queue a key of any text, hashed as its UTF-8 bytes. */
  pushUtf8(key: string, row: number): void {
    if (this.n === this.rows.length) this.grow(Math.max(16, this.n * 2));
    this.rows[this.n] = row;
    this.hasher.pushUtf8(key, this.n);
    this.n++;
  }

  /** Add an entry whose hash is already known (compaction). */
  pushHash(lo: number, hi: number, row: number): void {
    if (this.n === this.rows.length) this.grow(Math.max(16, this.n * 2));
    this.lo[this.n] = lo;
    this.hi[this.n] = hi;
    this.rows[this.n] = row;
    this.n++;
  }

  /**
   * Hash what is queued and build the index over `rowCount` store rows. Consumes the
   * collector: its arrays are released once the index is built (12 B an entry that the rest of
   * a register build — block-order.ts — need not hold), so nothing may be pushed after.
   */
  build(rowCount: number, seed: bigint): BlockIndex {
    this.hasher.flush();
    if (this.rows.length !== this.n) this.grow(this.n);
    const index = BlockIndex.fromHashes(this.lo, this.hi, this.rows, this.n, rowCount, { seed });
    this.release();
    return index;
  }

  /** {@link build} on a worker pool (src/pool/parallel-index.ts): the same index, byte for byte. */
  async buildParallel(rowCount: number, seed: bigint, options: ParallelIndexOptions): Promise<BlockIndex> {
    this.hasher.flush();
    if (this.rows.length !== this.n) this.grow(this.n);
    const index = await blockIndexFromHashesParallel(this.lo, this.hi, this.rows, this.n, rowCount, { ...options, seed });
    this.release();
    return index;
  }

  /** Drop the entry arrays (after a build: see build). `count` still tells how many there were. */
  private release(): void {
    this.lo = new Uint32Array(0);
    this.hi = new Uint32Array(0);
    this.rows = new Uint32Array(0);
    this.hasher.setOutput(this.lo, this.hi);
  }

  private grow(cap: number): void {
    this.hasher.flush();
    const lo = sharedU32(Math.max(cap, 1));
    const hi = sharedU32(Math.max(cap, 1));
    const rows = sharedU32(Math.max(cap, 1));
    const n = Math.min(this.n, cap);
    lo.set(this.lo.subarray(0, n));
    hi.set(this.hi.subarray(0, n));
    rows.set(this.rows.subarray(0, n));
    this.lo = lo.subarray(0, cap);
    this.hi = hi.subarray(0, cap);
    this.rows = rows.subarray(0, cap);
    this.hasher.setOutput(this.lo, this.hi);
  }
}
