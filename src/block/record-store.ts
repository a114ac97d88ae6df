/**
 * RecordStore: the columnar, chunked, SharedArrayBuffer-backed home of every record khop holds.
 *
 * Trade-off: rows are grouped in CHUNKS of 2^chunkBits rows (default 2^16). A chunk is allocated
 * when its first row arrives and never moves again, so the store grows without ever copying
 * what it already holds (only the still-open chunk's text pool is re-allocated when it fills,
 * and trimmed to size when the chunk is sealed). Chunked addressing costs one shift and one
 * mask per access (`chunk = row >>> bits`, `local = row & (2^bits − 1)`), which is far cheaper
 * than the alternatives (a doubling array that copies everything, or growable buffers that
 * reserve address space up front). All memory is SharedArrayBuffer, so worker threads read the
 * store in place through `toDescriptor()` / `RecordStore.fromDescriptor()` — no copy.
 *
 * Memory layout of one chunk (C = 2^chunkBits rows; k = chunk number):
 *
 *   fixed SAB of chunk k (one allocation, zero-filled, 8-byte aligned parts)
 *   ┌──────────────────┬──────────────────┬────────────────────────┬─────────────┬──────────────┐
 *   │ float64 columns  │ int32 columns    │ text offsets           │ uint8       │ null bitmaps │
 *   │ C × 8 B each     │ C × 4 B each     │ (C+1) × 4 B each       │ C B each    │ C/8 B each   │
 *   └──────────────────┴──────────────────┴────────────────────────┴─────────────┴──────────────┘
 *   text pool SAB of (column c, chunk k): the value bytes of the chunk's rows, back to back
 *   ┌───────┬─────┬──────────┬─────
 *   │ row 0 │ row1│ row 2    │ ...          value of local row i = pool[offsets[i] .. offsets[i+1])
 *   └───────┴─────┴──────────┴─────          (offsets are relative to the chunk's pool)
 *
 * Null bitmap: bit (i & 7) of byte (i >>> 3) is 1 when local row i is null (missing). A null
 * numeric cell holds 0 and a null text cell is empty; `isNull` tells them apart from real 0 / "".
 *
 * Column types: `ascii` (1 byte per char, code units 0..127 only — folded keys and forms),
 * `utf8` (original / normalised text), `int32` (packed dates, codes), `uint8` (sex, kinds,
 * flags), `float64` (numeric ids). Values are never coerced: a number for a text column, a
 * string for a numeric column, a non-ASCII char in an `ascii` column, an out-of-range integer
 * are all refused with KhopError('INVALID_ARGUMENT') naming the column and row (never the value).
 *
 * Every view in the store is an independent (buffer, byteOffset, length) triple, so a store
 * loaded from a snapshot (one large buffer per column) and a store built by appending (one
 * buffer per chunk) have the same shape to every reader.
 */
import { Buffer } from 'node:buffer';
import { KhopError } from '../errors.js';
import type { CodeUnits, TextColumnReader } from './text-column.js';

/** The physical type of a store column. */
export type ColumnType = 'ascii' | 'utf8' | 'int32' | 'uint8' | 'float64';

/** One column of a store: its name (unique) and physical type. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** A column addressed by name or by position. */
export type ColumnRef = string | number;

/** A cell value as appended: null/undefined is a missing value. */
export type CellValue = string | number | null | undefined;

export const COLUMN_TYPES: readonly ColumnType[] = ['ascii', 'utf8', 'int32', 'uint8', 'float64'];

/** Default log2 of rows per chunk (65,536 rows). */
export const DEFAULT_CHUNK_BITS = 16;

/** Options of {@link RecordStore}. */
export interface RecordStoreOptions {
  /**
   * log2 of the number of rows per chunk: 3..24. Smaller chunks waste less memory on tiny
   * stores, larger ones make fewer buffers. Default {@link DEFAULT_CHUNK_BITS} (65,536 rows).
   */
  chunkBits?: number;
}

/** A typed view as a structured-cloneable reference: the buffer travels, not a copy. */
export interface BufferViewRef {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/**
 * Structured-cloneable description of a store (post it to a worker; SharedArrayBuffers are
 * shared, not copied). `parts` lists, chunk by chunk and column by column: the null bitmap,
 * then the values (numeric) or offsets (text), then the pool (text only).
 */
export interface RecordStoreDescriptor {
  readonly kind: 'khop.RecordStore';
  readonly version: 1;
  readonly columns: readonly ColumnSpec[];
  readonly chunkBits: number;
  readonly rowCount: number;
  readonly parts: readonly BufferViewRef[];
}

type NumericArray = Int32Array | Uint8Array | Float64Array;

/** New values of one numeric column for the rows RecordStore.appendRows appends (index r − from; null = missing). */
export interface StoreOverride {
  readonly column: number;
  readonly values: ArrayLike<number | null>;
}

/** One (column, chunk) slice of the store, as typed views. Valid rows: 0 ≤ i < `length`. */
export interface ColumnChunk {
  /** Values of a numeric column (capacity C), else null. */
  readonly values: NumericArray | null;
  /** Text columns: local row i spans `pool[offsets[i] .. offsets[i+1])`; else null. */
  readonly offsets: Uint32Array | null;
  /** Text columns: the chunk's byte pool; else null. */
  readonly pool: Uint8Array | null;
  /** Null bitmap: bit (i & 7) of byte (i >>> 3) set when local row i is null. */
  readonly nulls: Uint8Array;
  /** Rows of the store that live in this chunk. */
  readonly length: number;
}

const MAX_ROWS = 0xffffffff; // row ids are Uint32 everywhere downstream
const INITIAL_POOL_BYTES = 1024;

/** Whether columns of type `t` hold text (ascii, utf8). */
export function isTextType(t: ColumnType): boolean {
  return t === 'ascii' || t === 'utf8';
}

/**
 * inverse[o] = r wherever order[r] = o: the new row of each old row, for a permutation `order`
 * (RecordStore.permuteRows' argument). On shared memory when `shared` (threads read it).
 */
export function inversePermutation(order: Uint32Array, shared = false): Uint32Array {
  const n = order.length;
  const inverse = shared ? new Uint32Array(sab(4 * Math.max(1, n)), 0, n) : new Uint32Array(n);
  for (let r = 0; r < n; r++) inverse[order[r]!] = r;
  return inverse;
}

function sab(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}

/** Columnar record storage; see the file header for the layout. */
export class RecordStore {
  readonly columns: readonly ColumnSpec[];
  readonly chunkBits: number;
  /** Rows per chunk (2^chunkBits). */
  readonly chunkRows: number;
  /** False for a view made from a descriptor (another thread owns the appends). */
  readonly writable: boolean;

  private rows = 0;
  private readonly mask: number;
  private readonly byName = new Map<string, number>();
  private readonly text: boolean[];
  /** Per column: 0 ascii, 1 utf8, 2 int32, 3 uint8, 4 float64 (index in COLUMN_TYPES). */
  private readonly kinds: Uint8Array;
  // per column, per chunk
  private readonly nullsOf: Uint8Array[][];
  private readonly valuesOf: (NumericArray | null)[][];
  private readonly offsetsOf: (Uint32Array | null)[][];
  private readonly poolsOf: (Uint8Array | null)[][];
  /** Per chunk: the buffers allocated for it (for byteLength); pools counted separately. */
  private fixedBytes: number[] = [];

  constructor(columns: readonly ColumnSpec[], options?: RecordStoreOptions) {
    const problems = validateColumns(columns);
    const chunkBits = options?.chunkBits ?? DEFAULT_CHUNK_BITS;
    if (!Number.isInteger(chunkBits) || chunkBits < 3 || chunkBits > 24) {
      problems.push('chunkBits must be an integer in 3..24');
    }
    if (problems.length > 0) {
      throw new KhopError('INVALID_OPTION', `RecordStore: ${problems.join('; ')}`, { details: { problems } });
    }
    this.columns = columns.map((c) => Object.freeze({ name: c.name, type: c.type }));
    this.chunkBits = chunkBits;
    this.chunkRows = 1 << chunkBits;
    this.mask = this.chunkRows - 1;
    this.writable = true;
    this.text = this.columns.map((c) => isTextType(c.type));
    this.kinds = Uint8Array.from(this.columns, (c) => COLUMN_TYPES.indexOf(c.type));
    this.columns.forEach((c, i) => this.byName.set(c.name, i));
    this.nullsOf = this.columns.map(() => []);
    this.valuesOf = this.columns.map(() => []);
    this.offsetsOf = this.columns.map(() => []);
    this.poolsOf = this.columns.map(() => []);
  }

  /** Number of rows appended. */
  get rowCount(): number {
    return this.rows;
  }

  /** Number of chunks allocated. */
  get chunkCount(): number {
    return this.fixedBytes.length;
  }

  /** Rows held by chunk `k`. */
  chunkLength(k: number): number {
    const first = k * this.chunkRows;
    return Math.max(0, Math.min(this.chunkRows, this.rows - first));
  }

  /** Bytes of memory the store holds (every buffer it allocated, at capacity). */
  get byteLength(): number {
    let total = 0;
    for (const b of this.fixedBytes) total += b;
    for (const pools of this.poolsOf) for (const p of pools) if (p !== null) total += p.byteLength;
    return total;
  }

  /** Position of a column given by name or index; KhopError('INVALID_ARGUMENT') when unknown. */
  columnIndex(col: ColumnRef): number {
    if (typeof col === 'number') {
      if (Number.isInteger(col) && col >= 0 && col < this.columns.length) return col;
    } else {
      const i = this.byName.get(col);
      if (i !== undefined) return i;
    }
    throw new KhopError('INVALID_ARGUMENT', `RecordStore: unknown column ${JSON.stringify(String(col))}`);
  }

  /** Spec of a column. */
  column(col: ColumnRef): ColumnSpec {
    return this.columns[this.columnIndex(col)]!;
  }

  /**
   * Append rows [from, to) of `src`, a store with the same columns (names and types), in order:
   * what `append` of each row's cells would do, copied cell by cell — text as its bytes, with
   * no string made. `overrides` replace the values of numeric columns for these rows:
   * `values[r − from]` is row r's value (null = missing), checked as `append` checks a number.
   * A worker thread prepares rows into a small store of its own and the owner of this store
   * appends them (pipeline/parallel-prepare.ts). Throws without changing the store when the
   * columns differ, the range or an override is out of bounds or a value does not fit, or a text
   * cell of `src` spans bytes outside its pool.
   */
  appendRows(src: RecordStore, from: number, to: number, overrides: readonly StoreOverride[] = []): void {
    if (!this.writable) throw new KhopError('INVALID_ARGUMENT', 'RecordStore: this view is read-only');
    const ncol = this.columns.length;
    if (src.columns.length !== ncol || src.columns.some((c, i) => c.name !== this.columns[i]!.name || c.type !== this.columns[i]!.type)) {
      throw new KhopError('INVALID_ARGUMENT', 'RecordStore.appendRows: the source store has other columns');
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > src.rows) {
      throw new KhopError('INVALID_ARGUMENT', `RecordStore.appendRows: rows ${from}..${to} are not rows of the source store`);
    }
    const n = to - from;
    if (this.rows + n > MAX_ROWS) throw new KhopError('CAPACITY_EXCEEDED', 'RecordStore: more than 2^32 − 1 rows');
    const over: Array<ArrayLike<number | null> | null> = new Array(ncol).fill(null);
    for (const o of overrides) {
      const c = o?.column;
      if (!Number.isInteger(c) || c < 0 || c >= ncol || this.text[c] || o.values === null || typeof o.values !== 'object' || o.values.length < n) {
        throw new KhopError('INVALID_ARGUMENT', 'RecordStore.appendRows: an override must name a numeric column and hold a value per row');
      }
      for (let j = 0; j < n; j++) {
        const v = o.values[j];
        if (v !== null && v !== undefined && !this.fits(c, v)) throw this.cellError(c, this.rows + j, `expects ${this.kindName(c)}`);
      }
      over[c] = o.values;
    }
    // Text spans of the source, checked before anything is written.
    for (let c = 0; c < ncol; c++) {
      if (!this.text[c]) continue;
      for (let r = from; r < to; r++) {
        const sk = r >>> src.chunkBits;
        const si = r & src.mask;
        const so = src.offsetsOf[c]![sk]!;
        if (!(so[si]! <= so[si + 1]! && so[si + 1]! <= src.poolsOf[c]![sk]!.length)) {
          throw new KhopError('INVALID_ARGUMENT', `RecordStore.appendRows: column "${this.columns[c]!.name}" of the source has a malformed text cell (row ${r})`);
        }
      }
    }
    // Segment by segment (rows that stay in one chunk of each store), column by column: bulk
    // copies of values and text bytes; offsets and null bits row by row.
    for (let r = from; r < to; ) {
      const row = this.rows;
      const k = row >>> this.chunkBits;
      const i = row & this.mask;
      if (i === 0) this.openChunk(k);
      const sk = r >>> src.chunkBits;
      const si = r & src.mask;
      const len = Math.min(to - r, this.chunkRows - i, src.chunkRows - si);
      for (let c = 0; c < ncol; c++) {
        const dn = this.nullsOf[c]![k]!;
        const sn = src.nullsOf[c]![sk]!;
        const o = over[c];
        for (let j = 0; j < len; j++) {
          const s = si + j;
          const d = i + j;
          const isNull = o !== null ? o[r - from + j] === null || o[r - from + j] === undefined : (sn[s >>> 3]! & (1 << (s & 7))) !== 0;
          const m = 1 << (d & 7);
          dn[d >>> 3] = isNull ? dn[d >>> 3]! | m : dn[d >>> 3]! & ~m;
        }
        if (this.text[c]) {
          const dOff = this.offsetsOf[c]![k]!;
          const sOff = src.offsetsOf[c]![sk]!;
          const start = dOff[i]!;
          const a = sOff[si]!;
          const b = sOff[si + len]!;
          // The pool grows as append's would have grown it row by row: append reserves 3 bytes
          // per UTF-16 unit of a utf8 value (and exactly its length of an ascii one) before
          // writing it, so its capacity after these rows is the smallest doubling that held each
          // row's reservation — what the memory guard of a build measures (build-memory.ts).
          let need = b - a;
          if (this.kinds[c] === 1) {
            const bytes = src.poolsOf[c]![sk]!;
            for (let j = 0; j < len; j++) {
              const s0 = sOff[si + j]!;
              const s1 = sOff[si + j + 1]!;
              // A value has at most one UTF-16 unit a byte: a row whose reservation cannot pass
              // `need` even so (every row but the last few: `need` starts at all the bytes) is
              // not counted.
              if (s0 - a + 3 * (s1 - s0) <= need) continue;
              let units = 0;
              for (let x = s0; x < s1; x++) {
                const u = bytes[x]!;
                if ((u & 0xc0) !== 0x80) units += u >= 0xf0 ? 2 : 1;
              }
              if (s0 - a + 3 * units > need) need = s0 - a + 3 * units;
            }
          }
          const pool = this.reserve(c, k, start, need);
          pool.set(src.poolsOf[c]![sk]!.subarray(a, b), start);
          const delta = start - a;
          for (let j = 1; j <= len; j++) dOff[i + j] = sOff[si + j]! + delta;
        } else if (o !== null) {
          const arr = this.valuesOf[c]![k]!;
          for (let j = 0; j < len; j++) {
            const x = o[r - from + j];
            arr[i + j] = x === null || x === undefined ? 0 : x;
          }
        } else {
          this.valuesOf[c]![k]!.set(src.valuesOf[c]![sk]!.subarray(si, si + len), i);
        }
      }
      this.rows = row + len;
      r += len;
      if (i + len === this.chunkRows) this.sealChunk(k);
    }
  }

  /** Whether number `v` fits numeric column `c` (append's checks). */
  private fits(c: number, v: unknown): boolean {
    if (typeof v !== 'number') return false;
    const t = this.kinds[c];
    if (t === 2) return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    if (t === 3) return Number.isInteger(v) && v >= 0 && v <= 255;
    return Number.isFinite(v);
  }

  private kindName(c: number): string {
    const t = this.kinds[c];
    return t === 2 ? 'an int32' : t === 3 ? 'an integer 0..255' : 'a finite number';
  }

  /**
   * Append one row: `values[i]` is the value of column i (null/undefined = missing).
   * Returns the new row's id. Throws without changing the store when a value does not fit its
   * column (the message names the column and row, never the value).
   */
  append(values: ArrayLike<CellValue>): number {
    if (!this.writable) throw new KhopError('INVALID_ARGUMENT', 'RecordStore: this view is read-only');
    const ncol = this.columns.length;
    if (values.length !== ncol) {
      throw new KhopError('INVALID_ARGUMENT', `RecordStore.append: expected ${ncol} values, got ${values.length}`);
    }
    const row = this.rows;
    if (row >= MAX_ROWS) throw new KhopError('CAPACITY_EXCEEDED', 'RecordStore: more than 2^32 − 1 rows');
    const k = row >>> this.chunkBits;
    const i = row & this.mask;
    if (i === 0) this.openChunk(k);
    const byte = i >>> 3;
    const bit = 1 << (i & 7);
    for (let c = 0; c < ncol; c++) {
      const v = values[c];
      const nulls = this.nullsOf[c]![k]!;
      if (this.text[c]) {
        const offsets = this.offsetsOf[c]![k]!;
        const start = offsets[i]!;
        if (v === null || v === undefined) {
          nulls[byte]! |= bit;
          offsets[i + 1] = start;
          continue;
        }
        if (typeof v !== 'string') throw this.cellError(c, row, 'expects a string');
        nulls[byte]! &= ~bit;
        const end = this.kinds[c] === 0 ? this.writeAscii(c, k, start, v, row) : this.writeUtf8(c, k, start, v, row);
        offsets[i + 1] = end;
      } else {
        const arr = this.valuesOf[c]![k]!;
        if (v === null || v === undefined) {
          nulls[byte]! |= bit;
          arr[i] = 0;
          continue;
        }
        if (typeof v !== 'number') throw this.cellError(c, row, 'expects a number');
        if (!this.fits(c, v)) throw this.cellError(c, row, `expects ${this.kindName(c)}`);
        nulls[byte]! &= ~bit;
        arr[i] = v;
      }
    }
    this.rows = row + 1;
    if (i === this.mask) this.sealChunk(k);
    return row;
  }

  /**
   * Reorder the rows in place: row r becomes what row `order[r]` was (`order` a permutation of
   * 0 .. rowCount − 1) — for a register that lays out its records so that the ones read
   * together sit together (register-layout.ts). Column by column: a numeric column is
   * scattered into one temporary array and written back into its chunks; a text column gets
   * new pools, one per chunk, sized to its new rows, and its offsets are rewritten in place.
   * Extra memory at any time: the inverse permutation (4 B a row), one column's permuted values
   * and null flags, plus, for a text column, two numbers a row (its cells' lengths and new
   * positions) and its new pools (the old ones are released as the column is done) — never a
   * second store.
   *
   * Every column is read in its OLD row order, sequentially, and written at its new rows
   * through the inverse permutation: in a store much larger than the caches each row then
   * costs a random store, which the core retires without waiting, instead of a random load it
   * waits for. Gathering by `order` (a random load per row, two for a text cell: its offsets
   * and its bytes) took ×2.1–2.8 the time (median ×2.3) on the text columns of 3M synthetic
   * register rows put in block order, and ×1.7–2.2 on a 10M-row float64 column permuted at
   * random (scratch measurements, 3 alternating runs each, same process).
   * @throws KhopError INVALID_ARGUMENT when the store is read-only or `order` is not a
   *   permutation of its rows.
   */
  permuteRows(order: Uint32Array): void {
    this.checkPermutation(order);
    this.permuteColumns(
      order,
      this.columns.map((_c, i) => i),
    );
  }

  /**
   * Throws unless this store is writable and `order` is a permutation of its rows (what
   * permuteRows checks first; a caller that permutes columns on several threads checks once).
   */
  checkPermutation(order: Uint32Array): void {
    if (!this.writable) throw new KhopError('INVALID_ARGUMENT', 'RecordStore: this view is read-only');
    const n = this.rows;
    if (!(order instanceof Uint32Array) || order.length !== n) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.permuteRows: order must be a Uint32Array of rowCount rows');
    const seen = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      const o = order[r]!;
      if (o >= n || seen[o] === 1) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.permuteRows: order is not a permutation of the rows');
      seen[o] = 1;
    }
  }

  /**
   * permuteRows for `columns` only, `order` already checked (checkPermutation): columns touch
   * disjoint memory, so threads may permute different columns of one store at once — a worker
   * through a writable view of the store's descriptor, whose new text pools it hands back
   * (textPools → adoptTextPools: they are allocated by the thread that permutes). `inverse`
   * (inversePermutation(order)), when the caller has it — threads sharing one on shared memory
   * — saves each its own (4 B a row).
   */
  permuteColumns(order: Uint32Array, columns: readonly number[], inverse: Uint32Array = inversePermutation(order)): void {
    if (!this.writable) throw new KhopError('INVALID_ARGUMENT', 'RecordStore: this view is read-only');
    const n = this.rows;
    if (!(order instanceof Uint32Array) || order.length !== n) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.permuteColumns: order must be a Uint32Array of rowCount rows');
    if (!(inverse instanceof Uint32Array) || inverse.length !== n) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.permuteColumns: inverse must be a Uint32Array of rowCount rows');
    const bits = this.chunkBits;
    const mask = this.mask;
    const C = this.chunkRows;
    const isNullFlags = new Uint8Array(n);
    for (const c of columns) {
      if (!Number.isInteger(c) || c < 0 || c >= this.columns.length) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.permuteColumns: unknown column');
      const nulls = this.nullsOf[c]!;
      for (let k = 0, o = 0; o < n; k++) {
        const b = nulls[k]!;
        for (let i = 0, e = Math.min(n, o + C); o < e; i++, o++) isNullFlags[inverse[o]!] = (b[i >>> 3]! >>> (i & 7)) & 1;
      }
      if (this.text[c]) this.permuteText(c, order, inverse);
      else {
        const values = this.valuesOf[c]! as NumericArray[];
        const t = this.kinds[c];
        const permuted = t === 4 ? new Float64Array(n) : t === 2 ? new Int32Array(n) : new Uint8Array(n);
        for (let k = 0, o = 0; o < n; k++) {
          const v = values[k]!;
          for (let i = 0, e = Math.min(n, o + C); o < e; i++, o++) permuted[inverse[o]!] = v[i]!;
        }
        for (let r = 0; r < n; r++) values[r >>> bits]![r & mask] = permuted[r]!;
      }
      // Null bits: bit (i & 7) of byte (i >>> 3) of the row's chunk, set for a null cell.
      for (let r = 0; r < n; r++) {
        const b = nulls[r >>> bits]!;
        const i = r & mask;
        if (isNullFlags[r] === 1) b[i >>> 3]! |= 1 << (i & 7);
        else b[i >>> 3]! &= ~(1 << (i & 7));
      }
    }
  }

  /** The text pools of column `c`, chunk by chunk (after permuteColumns in a worker: what it hands back). */
  textPools(c: number): Uint8Array[] {
    const c0 = this.columnIndex(c);
    if (!this.text[c0]) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.textPools: not a text column');
    return (this.poolsOf[c0]! as Uint8Array[]).slice();
  }

  /**
   * Take the pools another thread's view made for text column `c` (permuteColumns there): one a
   * chunk, each holding at least the bytes the chunk's offsets reach.
   */
  adoptTextPools(c: number, pools: readonly Uint8Array[]): void {
    const c0 = this.columnIndex(c);
    if (!this.text[c0] || !Array.isArray(pools) || pools.length !== this.chunkCount) {
      throw new KhopError('INVALID_ARGUMENT', 'RecordStore.adoptTextPools: one pool a chunk of a text column');
    }
    for (let k = 0; k < pools.length; k++) {
      const p = pools[k];
      const used = this.offsetsOf[c0]![k]![this.chunkLength(k)]!;
      if (!(p instanceof Uint8Array) || p.length < used) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.adoptTextPools: a pool is smaller than its chunk\'s text');
    }
    for (let k = 0; k < pools.length; k++) this.poolsOf[c0]![k] = pools[k]!;
  }

  /**
   * permuteRows for text column c (`inverse` the inverse of `order`): new pools per chunk,
   * offsets rewritten in place. Lengths are read in old order, the new offsets computed in new
   * order (a read of the lengths array per row), then the bytes copied in old order, each cell
   * to its new place.
   */
  private permuteText(c: number, order: Uint32Array, inverse: Uint32Array): void {
    const n = this.rows;
    const bits = this.chunkBits;
    const C = this.chunkRows;
    const offsets = this.offsetsOf[c]! as Uint32Array[];
    const oldPools = (this.poolsOf[c]! as Uint8Array[]).slice();
    // Cell lengths by old row (before the offsets are written over).
    const length = new Uint32Array(n);
    const firstByte = new Uint32Array(oldPools.length);
    for (let k = 0, o = 0; o < n; k++) {
      const off = offsets[k]!;
      firstByte[k] = off[0]!;
      for (let i = 0, e = Math.min(n, o + C); o < e; i++, o++) length[o] = off[i + 1]! - off[i]!;
    }
    // New offsets, chunk by chunk in new row order; `at[o]`: where old row o's bytes go in its new chunk's pool.
    const at = new Uint32Array(n);
    const pools: Uint8Array[] = [];
    for (let k = 0; k * C < n; k++) {
      const first = k * C;
      const last = Math.min(n, first + C);
      const out = offsets[k]!;
      let bytes = 0;
      out[0] = 0;
      for (let r = first; r < last; r++) {
        const o = order[r]!;
        at[o] = bytes;
        bytes += length[o]!;
        out[r - first + 1] = bytes;
      }
      pools.push(new Uint8Array(sab(bytes)));
    }
    // The bytes, read in old order.
    for (let k = 0, o = 0; o < n; k++) {
      const src = oldPools[k]!;
      let p = firstByte[k]!;
      for (const e = Math.min(n, o + C); o < e; o++) {
        const dst = pools[inverse[o]! >>> bits]!;
        for (let q = at[o]!, end = q + length[o]!; q < end; q++) dst[q] = src[p++]!;
      }
    }
    for (let k = 0; k < pools.length; k++) this.poolsOf[c]![k] = pools[k]!;
  }

  /** True when the cell is missing. */
  isNull(col: ColumnRef, row: number): boolean {
    const c = this.columnIndex(col);
    this.checkRow(row);
    const i = row & this.mask;
    return (this.nullsOf[c]![row >>> this.chunkBits]![i >>> 3]! & (1 << (i & 7))) !== 0;
  }

  /** The text of a cell (null when missing). Allocates a string: not for hot loops. */
  getString(col: ColumnRef, row: number): string | null {
    const c = this.columnIndex(col);
    if (!this.text[c]) throw new KhopError('INVALID_ARGUMENT', `RecordStore.getString: column ${c} is not a text column`);
    if (this.isNull(c, row)) return null;
    const k = row >>> this.chunkBits;
    const i = row & this.mask;
    const offsets = this.offsetsOf[c]![k]!;
    const pool = this.poolsOf[c]![k]!;
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
    const buf = Buffer.from(pool.buffer, pool.byteOffset + s, e - s);
    return buf.toString(this.columns[c]!.type === 'ascii' ? 'latin1' : 'utf8');
  }

  /** The number in a cell (null when missing). */
  getNumber(col: ColumnRef, row: number): number | null {
    const c = this.columnIndex(col);
    if (this.text[c]) throw new KhopError('INVALID_ARGUMENT', `RecordStore.getNumber: column ${c} is a text column`);
    if (this.isNull(c, row)) return null;
    return this.valuesOf[c]![row >>> this.chunkBits]![row & this.mask]!;
  }

  /** Typed views of one (column, chunk) slice — for kernels that walk a column chunk by chunk. */
  columnChunk(col: ColumnRef, k: number): ColumnChunk {
    const c = this.columnIndex(col);
    if (!Number.isInteger(k) || k < 0 || k >= this.chunkCount) {
      throw new KhopError('INVALID_ARGUMENT', `RecordStore.columnChunk: chunk ${k} out of range`);
    }
    return {
      values: this.valuesOf[c]![k] ?? null,
      offsets: this.offsetsOf[c]![k] ?? null,
      pool: this.poolsOf[c]![k] ?? null,
      nulls: this.nullsOf[c]![k]!,
      length: this.chunkLength(k),
    };
  }

  /** Zero-copy code-unit reader over a text column (see TextColumnReader). */
  textColumn(col: ColumnRef): TextColumnReader {
    const c = this.columnIndex(col);
    if (!this.text[c]) throw new KhopError('INVALID_ARGUMENT', `RecordStore.textColumn: column ${c} is not a text column`);
    return new StoreTextColumn(this.offsetsOf[c] as Uint32Array[], this.poolsOf[c] as Uint8Array[], this.nullsOf[c]!, this.chunkBits, this);
  }

  /**
   * Structured-cloneable description holding the SharedArrayBuffers (shared, not copied).
   * `columns` (names) describes only those columns, in store order — a narrower store with the
   * same rows, for a worker that reads a few columns (fewer handles to clone per message).
   */
  toDescriptor(columns?: readonly string[]): RecordStoreDescriptor {
    const picked = columns === undefined ? this.columns.map((_c, i) => i) : this.columns.map((_c, i) => i).filter((i) => columns.includes(this.columns[i]!.name));
    if (columns !== undefined && picked.length !== new Set(columns).size) {
      throw new KhopError('INVALID_ARGUMENT', 'RecordStore.toDescriptor: unknown column name');
    }
    const parts: BufferViewRef[] = [];
    for (let k = 0; k < this.chunkCount; k++) {
      for (const c of picked) {
        parts.push(viewRef(this.nullsOf[c]![k]!));
        if (this.text[c]) {
          parts.push(viewRef(this.offsetsOf[c]![k]!));
          parts.push(viewRef(this.poolsOf[c]![k]!));
        } else {
          parts.push(viewRef(this.valuesOf[c]![k]!));
        }
      }
    }
    return { kind: 'khop.RecordStore', version: 1, columns: picked.map((c) => this.columns[c]!), chunkBits: this.chunkBits, rowCount: this.rows, parts };
  }

  /**
   * A store over the buffers of a descriptor (typically in a worker thread). Nothing is copied.
   * The result is read-only unless `writable` is set — only do that when the descriptor's source
   * will never append again (e.g. after loading a snapshot).
   */
  static fromDescriptor(d: RecordStoreDescriptor, options?: { writable?: boolean }): RecordStore {
    if (d === null || typeof d !== 'object' || d.kind !== 'khop.RecordStore' || d.version !== 1) {
      throw new KhopError('INVALID_ARGUMENT', 'RecordStore.fromDescriptor: not a RecordStore descriptor');
    }
    const store = new RecordStore(d.columns, { chunkBits: d.chunkBits });
    (store as { writable: boolean }).writable = options?.writable === true;
    const C = store.chunkRows;
    const chunks = Math.ceil(d.rowCount / C);
    const perChunk = store.columns.reduce((n, _c, i) => n + (store.text[i] ? 3 : 2), 0);
    if (!Number.isInteger(d.rowCount) || d.rowCount < 0 || d.parts.length !== chunks * perChunk) {
      throw new KhopError('INVALID_ARGUMENT', 'RecordStore.fromDescriptor: parts do not match the row count');
    }
    let p = 0;
    for (let k = 0; k < chunks; k++) {
      let fixed = 0;
      for (let c = 0; c < store.columns.length; c++) {
        const nulls = u8(d.parts[p++]!, C >>> 3);
        store.nullsOf[c]![k] = nulls;
        fixed += nulls.byteLength;
        if (store.text[c]) {
          const off = new Uint32Array(d.parts[p]!.buffer, d.parts[p]!.byteOffset, C + 1);
          p++;
          store.offsetsOf[c]![k] = off;
          store.valuesOf[c]![k] = null;
          store.poolsOf[c]![k] = u8(d.parts[p++]!, -1);
          fixed += off.byteLength;
        } else {
          const arr = numericView(store.columns[c]!.type, d.parts[p++]!, C);
          store.valuesOf[c]![k] = arr;
          store.offsetsOf[c]![k] = null;
          store.poolsOf[c]![k] = null;
          fixed += arr.byteLength;
        }
      }
      store.fixedBytes.push(fixed);
    }
    store.rows = d.rowCount;
    return store;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  private checkRow(row: number): void {
    if (!(row >= 0 && row < this.rows) || !Number.isInteger(row)) {
      throw new KhopError('INVALID_ARGUMENT', `RecordStore: row ${row} out of range`);
    }
  }

  private cellError(c: number, row: number, what: string): KhopError {
    return new KhopError('INVALID_ARGUMENT', `RecordStore.append: column "${this.columns[c]!.name}" (${this.columns[c]!.type}) ${what} (row ${row})`, {
      details: { column: this.columns[c]!.name, row },
    });
  }

  private openChunk(k: number): void {
    const C = this.chunkRows;
    const cols = this.columns;
    // Sizes in layout order (see header): float64, int32 + text offsets, uint8, bitmaps.
    let bytes = 0;
    for (const c of cols) if (c.type === 'float64') bytes += 8 * C;
    for (const c of cols) if (c.type === 'int32') bytes += 4 * C;
    for (const c of cols) if (isTextType(c.type)) bytes += 4 * (C + 1);
    for (const c of cols) if (c.type === 'uint8') bytes += C;
    bytes += cols.length * (C >>> 3);
    bytes = (bytes + 7) & ~7;
    const buf = sab(bytes);
    let at = 0;
    cols.forEach((c, i) => {
      if (c.type === 'float64') {
        this.valuesOf[i]![k] = new Float64Array(buf, at, C);
        at += 8 * C;
      }
    });
    cols.forEach((c, i) => {
      if (c.type === 'int32') {
        this.valuesOf[i]![k] = new Int32Array(buf, at, C);
        at += 4 * C;
      }
    });
    cols.forEach((c, i) => {
      if (isTextType(c.type)) {
        this.offsetsOf[i]![k] = new Uint32Array(buf, at, C + 1);
        at += 4 * (C + 1);
        this.valuesOf[i]![k] = null;
        // Start the pool at the previous chunk's final size: a good guess of what C rows take.
        const prev = k > 0 ? this.poolsOf[i]![k - 1]!.byteLength : 0;
        this.poolsOf[i]![k] = new Uint8Array(sab(Math.max(INITIAL_POOL_BYTES, prev)));
      } else {
        this.offsetsOf[i]![k] = null;
        this.poolsOf[i]![k] = null;
      }
    });
    cols.forEach((c, i) => {
      if (c.type === 'uint8') {
        this.valuesOf[i]![k] = new Uint8Array(buf, at, C);
        at += C;
      }
    });
    cols.forEach((_c, i) => {
      this.nullsOf[i]![k] = new Uint8Array(buf, at, C >>> 3);
      at += C >>> 3;
    });
    this.fixedBytes[k] = bytes;
  }

  /** Trim the chunk's pools to their used size (one copy of at most one chunk's bytes). */
  private sealChunk(k: number): void {
    for (let c = 0; c < this.columns.length; c++) {
      if (!this.text[c]) continue;
      const used = this.offsetsOf[c]![k]![this.chunkRows]!;
      const pool = this.poolsOf[c]![k]!;
      if (used < pool.byteLength) {
        const trimmed = new Uint8Array(sab(used));
        trimmed.set(pool.subarray(0, used));
        this.poolsOf[c]![k] = trimmed;
      }
    }
  }

  /** Make room for `need` bytes from `at` in the pool of (c, k), doubling (copies ≤ one chunk). */
  private reserve(c: number, k: number, at: number, need: number): Uint8Array {
    const pool = this.poolsOf[c]![k]!;
    if (at + need <= pool.byteLength) return pool;
    // A pool may be empty (a chunk loaded from a snapshot with no text in it): start from a floor.
    let cap = Math.max(pool.byteLength * 2, INITIAL_POOL_BYTES);
    while (cap < at + need) cap *= 2;
    if (cap > 0xffffffff) throw new KhopError('CAPACITY_EXCEEDED', `RecordStore: text of one chunk of column "${this.columns[c]!.name}" exceeds 4 GiB`);
    const grown = new Uint8Array(sab(cap));
    grown.set(pool.subarray(0, at));
    this.poolsOf[c]![k] = grown;
    return grown;
  }

  private writeAscii(c: number, k: number, start: number, v: string, row: number): number {
    const n = v.length;
    const pool = this.reserve(c, k, start, n);
    for (let j = 0; j < n; j++) {
      const u = v.charCodeAt(j);
      if (u > 0x7f) throw this.cellError(c, row, 'accepts ASCII only (fold the text first)');
      pool[start + j] = u;
    }
    return start + n;
  }

  /** UTF-8 encode (RFC 3629) by hand: no subarray per value; lone surrogates are refused. */
  private writeUtf8(c: number, k: number, start: number, v: string, row: number): number {
    const n = v.length;
    const pool = this.reserve(c, k, start, 3 * n); // ≤ 3 bytes per UTF-16 unit
    let p = start;
    for (let j = 0; j < n; j++) {
      let u = v.charCodeAt(j);
      if (u < 0x80) {
        pool[p++] = u;
      } else if (u < 0x800) {
        pool[p++] = 0xc0 | (u >>> 6);
        pool[p++] = 0x80 | (u & 0x3f);
      } else if (u >= 0xd800 && u <= 0xdfff) {
        const lo = j + 1 < n ? v.charCodeAt(j + 1) : 0;
        if (u > 0xdbff || lo < 0xdc00 || lo > 0xdfff) throw this.cellError(c, row, 'contains a lone UTF-16 surrogate');
        // code point = 0x10000 + (high − 0xD800) · 0x400 + (low − 0xDC00)
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        j++;
        pool[p++] = 0xf0 | (u >>> 18);
        pool[p++] = 0x80 | ((u >>> 12) & 0x3f);
        pool[p++] = 0x80 | ((u >>> 6) & 0x3f);
        pool[p++] = 0x80 | (u & 0x3f);
      } else {
        pool[p++] = 0xe0 | (u >>> 12);
        pool[p++] = 0x80 | ((u >>> 6) & 0x3f);
        pool[p++] = 0x80 | (u & 0x3f);
      }
    }
    return p;
  }
}

/** TextColumnReader over a store column: spans into the chunk pools, nothing copied. */
class StoreTextColumn implements TextColumnReader {
  private readonly mask: number;
  constructor(
    private readonly offsets: Uint32Array[],
    private readonly pools: Uint8Array[],
    private readonly nulls: Uint8Array[],
    private readonly bits: number,
    private readonly store: RecordStore,
  ) {
    this.mask = (1 << bits) - 1;
  }

  get length(): number {
    return this.store.rowCount;
  }

  units(row: number): CodeUnits {
    return this.pools[row >>> this.bits]!;
  }

  start(row: number): number {
    return this.offsets[row >>> this.bits]![row & this.mask]!;
  }

  end(row: number): number {
    return this.offsets[row >>> this.bits]![(row & this.mask) + 1]!;
  }

  isNull(row: number): boolean {
    const i = row & this.mask;
    return (this.nulls[row >>> this.bits]![i >>> 3]! & (1 << (i & 7))) !== 0;
  }
}

function viewRef(v: ArrayBufferView): BufferViewRef {
  return { buffer: v.buffer, byteOffset: v.byteOffset, byteLength: v.byteLength };
}

function u8(r: BufferViewRef, expected: number): Uint8Array {
  if (expected >= 0 && r.byteLength !== expected) {
    throw new KhopError('INVALID_ARGUMENT', 'RecordStore.fromDescriptor: a part has the wrong size');
  }
  return new Uint8Array(r.buffer, r.byteOffset, r.byteLength);
}

function numericView(t: ColumnType, r: BufferViewRef, C: number): NumericArray {
  const width = t === 'float64' ? 8 : t === 'int32' ? 4 : 1;
  if (r.byteLength !== C * width) throw new KhopError('INVALID_ARGUMENT', 'RecordStore.fromDescriptor: a part has the wrong size');
  if (t === 'float64') return new Float64Array(r.buffer, r.byteOffset, C);
  if (t === 'int32') return new Int32Array(r.buffer, r.byteOffset, C);
  return new Uint8Array(r.buffer, r.byteOffset, C);
}

/** Problems with a column list (empty when fine). */
export function validateColumns(columns: readonly ColumnSpec[]): string[] {
  const problems: string[] = [];
  if (!Array.isArray(columns) || columns.length === 0) {
    problems.push('columns must be a non-empty array of { name, type }');
    return problems;
  }
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || c.name.length === 0) {
      problems.push(`columns[${i}].name must be a non-empty string`);
      return;
    }
    if (seen.has(c.name)) problems.push(`columns[${i}].name "${c.name}" is a duplicate`);
    seen.add(c.name);
    if (!COLUMN_TYPES.includes(c.type)) problems.push(`columns[${i}].type must be one of ${COLUMN_TYPES.join(', ')}`);
  });
  return problems;
}
