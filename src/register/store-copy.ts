/**
 * copyStore: a RecordStore's rows copied into a fresh store with the same columns, optionally
 * without the rows a predicate marks dead — for compaction (dropping dead rows) and for a
 * loaded store that cannot grow in place (register-snapshot.ts).
 *
 * Trade-off: row by row through the store's accessors (one small string per text cell): simple
 * and obviously correct; it runs only on compaction past the dead-row threshold, never on a
 * query path. A chunk-level copy of the typed arrays would be faster if that ever matters.
 */
import { RecordStore, type CellValue } from '../block/record-store.js';

/**
 * Copy the rows of `store` into a new store with the same columns, skipping rows for which
 * `dead` says so; `map` (when given) receives old row → new row (0xFFFFFFFF for dropped rows).
 */
export function copyStore(store: RecordStore, dead: { has(row: number): boolean } | null, map?: Uint32Array): RecordStore {
  const out = new RecordStore(store.columns, { chunkBits: store.chunkBits });
  const cols = store.columns;
  const text = cols.map((c) => c.type === 'ascii' || c.type === 'utf8');
  const cells: CellValue[] = new Array<CellValue>(cols.length).fill(null);
  const n = store.rowCount;
  for (let row = 0; row < n; row++) {
    if (dead !== null && dead.has(row)) {
      if (map) map[row] = 0xffffffff;
      continue;
    }
    for (let c = 0; c < cols.length; c++) cells[c] = text[c] ? store.getString(c, row) : store.getNumber(c, row);
    const to = out.append(cells);
    if (map) map[row] = to;
  }
  return out;
}
