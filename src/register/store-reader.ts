/**
 * StoreReader: fast reads of single cells of a RecordStore for the query path.
 *
 *   number(c, row)   chunk views cached per column: values[k][row & mask], null bit from
 *                    nulls[k][(row & mask) >>> 3] — two array reads, no call into the store
 *   text(c, row)     the cell's bytes (TextColumnReader, read in place) decoded by the native
 *                    UTF-8 decoder of a Buffer view over the chunk's pool (cached per chunk,
 *                    re-made when the store re-allocates that pool)
 *   nameOutcome(…)   a claimed name compared with the cell's bytes in place (compareNameCell:
 *                    the "exact as written" test of written-form.ts first — most verified names
 *                    are written as the register wrote them — then, for a name that differs in
 *                    letters, its fold as bytes): no string of the cell decoded unless the
 *                    comparison needs its text (an equivalence such as tone placement or a
 *                    re-ordering) or the native decoder
 *
 * A chunk of a column that is full and has no null cell (decided when the reader first meets
 * the chunk; rows are only appended, so its bitmap never changes) has its null bits read from
 * one all-zero bitmap shared by every such chunk, which stays in cache: in a large register
 * each cell's own null byte was a cache miss of its own. Measured (authenticateAll, 1 thread,
 * same-process A/B, verdicts identical): see `nulls`.
 *
 * Why: RecordStore.getNumber / getString validate the column and the row and go through a
 * Buffer per string — right for general use, a measurable share of a 10 µs query here.
 * Chunk value and null arrays never move once a chunk exists (text pools may: they are read
 * through the store's TextColumnReader, which follows them, and a cached Buffer view is checked
 * against the current pool), so cached views stay valid as the store grows.
 */
import { Buffer } from 'node:buffer';
import type { ColumnChunk, RecordStore } from '../block/record-store.js';
import type { TextColumnReader } from '../block/text-column.js';
import { compareNameCell, compareNameCellText, type ClaimName } from './name-verdict.js';

type Values = Float64Array | Int32Array | Uint8Array;

/** No bit of `bits` is set for the first `rows` rows (bit r & 7 of byte r >>> 3). */
export function noneSet(bits: Uint8Array, rows: number): boolean {
  const full = rows >>> 3;
  for (let b = 0; b < full; b++) if (bits[b] !== 0) return false;
  // The last, partial byte: only its low (rows & 7) bits belong to rows.
  return (rows & 7) === 0 || (bits[full]! & ((1 << (rows & 7)) - 1)) === 0;
}

export class StoreReader {
  private readonly values: Values[][];
  /**
   * Per column (numeric and text), per chunk met so far: its null bitmap, or `zeros` for a
   * full chunk without a null cell (see the file header). Against each chunk's own bitmap:
   * ×1.044 on a 10M register, ×1.032 on 1M (default claim mix). A branch on a per-chunk
   * "clean" flag instead was ×1.038 at 10M but ×0.99 at 1M, where the bitmaps (8 KB a chunk)
   * mostly sit in the caches anyway.
   */
  private readonly nulls: Uint8Array[][];
  /** The bitmap of a chunk without nulls: chunkRows bits, none set. */
  private readonly zeros: Uint8Array;
  private readonly texts: Array<TextColumnReader | null>;
  private readonly bits: number;
  private readonly mask: number;
  /** Per text column, per chunk: the pool a Buffer view was made of, and the view. */
  private readonly pools: Array<Array<Uint8Array | Uint16Array | undefined>>;
  private readonly views: Buffer[][];

  constructor(readonly store: RecordStore) {
    const cols = store.columns;
    this.values = cols.map(() => []);
    this.nulls = cols.map(() => []);
    this.texts = cols.map((c, i) => (c.type === 'ascii' || c.type === 'utf8' ? store.textColumn(i) : null));
    this.pools = cols.map(() => []);
    this.views = cols.map(() => []);
    this.bits = store.chunkBits;
    this.mask = store.chunkRows - 1;
    this.zeros = new Uint8Array(Math.ceil(store.chunkRows / 8));
  }

  /** `nulls` of column c up to chunk k. */
  private loadNulls(c: number, k: number): void {
    const n = this.nulls[c]!;
    while (n.length <= k) {
      const ch: ColumnChunk = this.store.columnChunk(c, n.length);
      n.push(ch.length === this.store.chunkRows && noneSet(ch.nulls, ch.length) ? this.zeros : ch.nulls);
    }
  }

  /** Cell (c, row) is missing (its null bit). */
  private isNull(c: number, row: number): boolean {
    const k = row >>> this.bits;
    if (k >= this.nulls[c]!.length) this.loadNulls(c, k);
    const i = row & this.mask;
    return (this.nulls[c]![k]![i >>> 3]! & (1 << (i & 7))) !== 0;
  }

  private load(c: number, k: number): void {
    const v = this.values[c]!;
    while (v.length <= k) {
      const ch: ColumnChunk = this.store.columnChunk(c, v.length);
      v.push(ch.values!);
    }
    if (this.nulls[c]!.length <= k) this.loadNulls(c, k);
  }

  /**
   * Read, for store rows `rows[0 .. n)` (−1 = skip), the cells of `columns[0 .. m)` without
   * using them: memory-level parallelism (see CandidateSearch.touch). In stages: first every
   * row's cells (value and null byte, or text offset and null byte), then every text value's
   * first byte (its address depends on the offset) — so that the misses of different cells and
   * rows overlap. Returns a number made of what was read.
   */
  touchRows(rows: Int32Array, n: number, columns: Int32Array, m: number): number {
    const bits = this.bits;
    const mask = this.mask;
    let x = 0;
    for (let j = 0; j < m; j++) {
      const c = columns[j]!;
      const t = this.texts[c]!;
      for (let r = 0; r < n; r++) {
        const row = rows[r]!;
        if (row < 0) continue;
        if (t !== null) {
          x = (x + t.start(row) + (this.isNull(c, row) ? 1 : 0)) | 0;
          continue;
        }
        const k = row >>> bits;
        if (k >= this.values[c]!.length) this.load(c, k);
        const i = row & mask;
        x = (x + this.values[c]![k]![i]! + this.nulls[c]![k]![i >>> 3]!) | 0;
      }
    }
    for (let j = 0; j < m; j++) {
      const t = this.texts[columns[j]!]!;
      if (t === null) continue;
      for (let r = 0; r < n; r++) {
        const row = rows[r]!;
        if (row < 0) continue;
        const start = t.start(row);
        if (t.end(row) > start) x = (x + t.units(row)[start]!) | 0;
      }
    }
    return x;
  }

  /** The number in a numeric cell, null when missing (row must exist). */
  number(c: number, row: number): number | null {
    const k = row >>> this.bits;
    if (k >= this.values[c]!.length) this.load(c, k);
    const i = row & this.mask;
    // Null bitmap: bit (i & 7) of byte (i >>> 3).
    if ((this.nulls[c]![k]![i >>> 3]! & (1 << (i & 7))) !== 0) return null;
    return this.values[c]![k]![i]!;
  }

  /**
   * The outcome of claimed name `claim` against the name cell (c, row) — its normalised name,
   * written in name style `style` (−1: the style is in the cell), maybe with a tail when `tail`
   * (written-form.ts) — read in place by compareNameCell; the decoded string only for what that
   * leaves to the native decoder (text outside the BMP, malformed bytes) and for a missing cell.
   */
  nameOutcome(c: number, row: number, claim: ClaimName | null, style: number, tail: boolean): number {
    const t = this.texts[c]!;
    if (claim !== null && !this.isNull(c, row)) {
      const u = t.units(row);
      if (u instanceof Uint8Array) {
        const o = compareNameCell(claim, u, t.start(row), t.end(row), style, tail);
        if (o >= 0) return o;
      }
    }
    return compareNameCellText(claim, this.text(c, row), style);
  }

  /** The text of a text cell, null when missing (row must exist). */
  text(c: number, row: number): string | null {
    const t = this.texts[c]!;
    if (this.isNull(c, row)) return null;
    const u = t.units(row);
    const k = row >>> this.bits;
    let view = this.views[c]![k];
    if (this.pools[c]![k] !== u || view === undefined) {
      view = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      this.views[c]![k] = view;
      this.pools[c]![k] = u;
    }
    return view.toString('utf8', t.start(row), t.end(row));
  }
}
