/**
 * The user-facing record id of a register row: the idField's value as the row gave it (a
 * number stays a number: the written-form bit says so), or the row's position when the
 * register was built without an idField. Shared by the register's verdicts and VerdictTable,
 * which reads it only when asked (verdict-table.ts).
 */
import type { RegisterLayout } from './register-layout.js';
import type { StoreReader } from './store-reader.js';
import { formRecordIdIsNumber } from './written-form.js';

/** The record id of store row `row` (the row must exist). */
export function recordIdAt(layout: RegisterLayout, store: StoreReader, row: number): string | number {
  if (layout.recordIdType === 'float64') return store.number(layout.recordIdColumn, row)!;
  const str = store.text(layout.recordIdColumn, row)!;
  return formRecordIdIsNumber(store.number(layout.formColumn, row)!) ? Number(str) : str;
}
