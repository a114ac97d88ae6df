/**
 * Whether an input row is a plain record, and if not, why — the reason of a NOT_AN_OBJECT
 * rejection. Beyond null, primitives and arrays: a Promise (a row produced by an async map that
 * was never awaited), a Map or Set, a Date, a RegExp, binary data. Each reads as an object with
 * no field at all, so it was rejected NO_VALUES ("no schema field has a usable value"), which
 * hides the mistake. Any other object — a class instance, an object with getters, a null-prototype
 * object — is a record.
 */
export function notARowReason(row: unknown): string | null {
  if (row === null || typeof row !== 'object') return 'row is not an object';
  if (Array.isArray(row)) return 'row is not an object';
  if (typeof (row as { then?: unknown }).then === 'function') return 'row is a Promise (an await missing?), not an object of fields';
  if (row instanceof Map || row instanceof Set) return `row is a ${row instanceof Map ? 'Map' : 'Set'}, not an object of fields (a Map: Object.fromEntries(map))`;
  if (row instanceof Date || row instanceof RegExp || ArrayBuffer.isView(row) || row instanceof ArrayBuffer) return 'row is not an object of fields';
  return null;
}
