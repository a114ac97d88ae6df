/**
 * Whether an input row (or a claim: `noun`) is a plain record, and if not, why — the reason of
 * a NOT_AN_OBJECT rejection, or of a claim's INVALID_ARGUMENT. Beyond null, primitives and arrays: a Promise (a row produced by an async map that
 * was never awaited), a Map or Set, a Date, a RegExp, binary data. Each reads as an object with
 * no field at all, so it was rejected NO_VALUES ("no schema field has a usable value"), which
 * hides the mistake. Any other object — a class instance, an object with getters, a null-prototype
 * object — is a record.
 */
export function notARowReason(row: unknown, noun = 'row'): string | null {
  if (row === null || typeof row !== 'object') return `${noun} is not an object`;
  if (Array.isArray(row)) return `${noun} is not an object`;
  if (typeof (row as { then?: unknown }).then === 'function') return `${noun} is a Promise (an await missing?), not an object of fields`;
  if (row instanceof Map || row instanceof Set) return `${noun} is a ${row instanceof Map ? 'Map' : 'Set'}, not an object of fields (a Map: Object.fromEntries(map))`;
  if (row instanceof Date || row instanceof RegExp || ArrayBuffer.isView(row) || row instanceof ArrayBuffer) return `${noun} is not an object of fields`;
  return null;
}
