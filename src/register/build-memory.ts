/**
 * BuildMemoryGuard: the `memoryBudget` of Register.build — fails the build with
 * MEMORY_BUDGET_EXCEEDED as soon as the memory it would hold at the end crosses the budget,
 * before the process runs out of memory, for arrays and for streamed input alike.
 *
 * What a build holds (register.ts build; the same things `stats().bytes` counts after it):
 *
 *   store       RecordStore chunks of C = 65,536 rows (lean layout, register-layout.ts),
 *               allocated a chunk at a time; text pools doubling
 *   collectors  per index (ID, earlier IDs, "did you mean"): lo + hi + row u32 = 12 B per entry,
 *               at doubling capacity (key-collector.ts)
 *   finish      per index, at the end: rowIds 4 B + (hash 8 B + start 4 B) per distinct key
 *               + directory ≤ 4 B per key → INDEX_BYTES_PER_ENTRY (20, an upper bound: every
 *               key distinct); while ONE index is built, its trimmed copy and the radix sort's
 *               scratch → BUILD_BYTES_PER_ENTRY (24) transient, for the largest index
 *
 *   projected(now) = store.byteLength + Σ collectors + Σ 20·entries + max 24·entries
 *
 * Checked every CHECK_EVERY rows and once after the last row (before any index is built):
 *   streamed input   projected(now): the build would need that much if the input ended here,
 *                    and every later row only adds to it — so crossing the budget is final.
 *   an array of N    additionally, once after the first SAMPLE_ROWS rows, the same projection
 *                    SCALED to N: per-row text bytes and keys measured on the sample, fixed
 *                    column bytes from the layout, chunks and collector capacities as they
 *                    would be at N rows — an array that cannot fit fails after its sample,
 *                    having allocated one store chunk.
 * A failed build throws out of Register.build: no Register is constructed, nothing
 * half-built is reachable (the store and collectors become garbage).
 *
 * Trade-off: a projection, not a measurement of the V8 heap — it counts the typed arrays the
 * register will own (the bulk of it at national scale), not the caller's row objects or V8's
 * own overhead; it errs high on indexes (every key taken as distinct). Accuracy is asserted
 * in test/register/build-memory.test.ts against `stats().bytes.total`.
 */
import type { RecordStore } from '../block/record-store.js';
import { KhopError } from '../errors.js';
import type { KeyCollector } from './key-collector.js';

/** Rows between two checks of streamed input. */
export const MEMORY_CHECK_EVERY = 4096;
/** Rows of an array measured before projecting it to its length. */
export const MEMORY_SAMPLE_ROWS = 4096;
/** Final index bytes per entry, upper bound (see the file header). */
export const INDEX_BYTES_PER_ENTRY = 20;
/** Transient bytes per entry while one index is built (trimmed copy + radix scratch). */
export const BUILD_BYTES_PER_ENTRY = 24;
const COLLECTOR_BYTES_PER_ENTRY = 12;

/** Capacity a doubling array starting at `initial` reaches for n entries. */
function doubled(initial: number, n: number): number {
  let c = Math.max(16, initial);
  while (c < n) c *= 2;
  return c;
}

export class BuildMemoryGuard {
  private readonly initialCaps: number[];
  private sampled = false;

  /**
   * @param budget   bytes (validated by register-options.ts)
   * @param total    the input's row count when known (an array), else null
   */
  constructor(
    private readonly budget: number,
    private readonly store: RecordStore,
    private readonly collectors: ReadonlyArray<KeyCollector | null>,
    private readonly total: number | null,
  ) {
    this.initialCaps = collectors.map((c) => (c === null ? 0 : c.byteLength / COLLECTOR_BYTES_PER_ENTRY));
  }

  /** Whether rowTaken(seen) estimates anything (a caller that appends rows in runs ends a run there). */
  checksAt(seen: number): boolean {
    return this.projectsArrayAt(seen) || seen % MEMORY_CHECK_EVERY === 0;
  }

  /** rowTaken's one projection of a known-size input from its first rows (once). */
  private projectsArrayAt(seen: number): boolean {
    return this.total !== null && !this.sampled && (seen === MEMORY_SAMPLE_ROWS || seen === this.total);
  }

  /** After each input row (`seen` rows read so far): checks every MEMORY_CHECK_EVERY rows. */
  rowTaken(seen: number): void {
    if (this.total !== null && this.projectsArrayAt(seen)) {
      this.sampled = true;
      this.fail(this.projectArray(seen, this.total));
    }
    if (seen % MEMORY_CHECK_EVERY === 0) this.fail(this.projectNow());
  }

  /** After the last row. */
  check(): void {
    this.fail(this.projectNow());
  }

  /** Bytes the build would hold if the input ended now. */
  projectNow(): number {
    let bytes = this.store.byteLength;
    let maxEntries = 0;
    for (const c of this.collectors) {
      if (c === null) continue;
      bytes += c.byteLength + INDEX_BYTES_PER_ENTRY * c.count;
      if (c.count > maxEntries) maxEntries = c.count;
    }
    return bytes + BUILD_BYTES_PER_ENTRY * maxEntries;
  }

  /** Bytes for `total` rows, from the first `seen` (see the file header). */
  projectArray(seen: number, total: number): number {
    const store = this.store;
    const scale = total / Math.max(1, seen);
    const rows = Math.ceil(store.rowCount * scale);
    const C = store.chunkRows;
    const chunks = Math.ceil(rows / C);
    // A chunk's fixed buffer, as record-store.ts openChunk sizes it: 8 B per float64 cell, 4 per
    // int32, 4·(C + 1) offsets per text column, 1 per uint8, a null bit per cell; 8-aligned.
    let fixed = 0;
    for (const col of store.columns) {
      const t = col.type;
      fixed += t === 'float64' ? 8 * C : t === 'int32' ? 4 * C : t === 'uint8' ? C : 4 * (C + 1);
      fixed += C >>> 3;
    }
    fixed = (fixed + 7) & ~7;
    // Text bytes used so far (offsets[length] of each text chunk: exact, not capacity).
    let text = 0;
    for (let c = 0; c < store.columns.length; c++) {
      for (let k = 0; k < store.chunkCount; k++) {
        const ch = store.columnChunk(c, k);
        if (ch.offsets !== null) text += ch.offsets[ch.length]!;
      }
    }
    const textPerRow = text / Math.max(1, store.rowCount);
    // Sealed chunks' pools are trimmed; the open chunk's pool doubles, so it holds at most 2×
    // its bytes: + one chunk's worth of text (at most `rows`).
    let bytes = chunks * fixed + textPerRow * (rows + Math.min(rows, C));
    let maxEntries = 0;
    this.collectors.forEach((c, i) => {
      if (c === null) return;
      const n = Math.ceil(c.count * scale);
      bytes += COLLECTOR_BYTES_PER_ENTRY * doubled(this.initialCaps[i]!, n) + INDEX_BYTES_PER_ENTRY * n;
      if (n > maxEntries) maxEntries = n;
    });
    return bytes + BUILD_BYTES_PER_ENTRY * maxEntries;
  }

  private fail(bytes: number): void {
    if (bytes <= this.budget) return;
    const mib = (x: number): string => (x / 2 ** 20).toFixed(1);
    throw new KhopError('MEMORY_BUDGET_EXCEEDED', `Register.build needs an estimated ${mib(bytes)} MiB, over the memory budget of ${mib(this.budget)} MiB`, {
      details: { estimate: Math.ceil(bytes), budget: this.budget },
    });
  }
}
