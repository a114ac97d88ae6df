/**
 * Argument checks at the public boundary (docs/bad-input.md, V23): a wrong type passed to a
 * function exported by src/index.ts throws KhopError INVALID_ARGUMENT naming the function, the
 * parameter, the type expected and the type received — never the value, which may be personal
 * data — instead of a TypeError from deep inside (`Cannot convert a Symbol value to a number`,
 * `Cannot read properties of null`).
 *
 * Trade-off: each check is a typeof / Array.isArray / Number.isInteger test run once per public
 * call. None runs inside a hot loop: where the exported function is itself a per-pair kernel
 * (compareSex, compareCategories, compareNationalIds, comparePersonName,
 * matchProbabilityFromWeight), the export is a thin checking wrapper and the library's own
 * loops call the unchecked kernel.
 */
import { KhopError } from '../errors.js';

/** The type of `v` as a message says it ("a bigint", "null", "a Map") — never its value. */
export function argTypeName(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined': return 'undefined';
    case 'number': return Number.isNaN(v) ? 'NaN' : 'a number';
    case 'object': break;
    default: return `a ${typeof v}`;
  }
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a Map';
  if (v instanceof Set) return 'a Set';
  if (ArrayBuffer.isView(v)) return 'a typed array';
  if (Object.getPrototypeOf(v) === null) return 'a null-prototype object';
  return 'an object';
}

/** KhopError INVALID_ARGUMENT: "fn: param must be expected (got a bigint)". */
export function invalidArgument(fn: string, param: string, expected: string, v: unknown): KhopError {
  return new KhopError('INVALID_ARGUMENT', `${fn}: ${param} must be ${expected} (got ${argTypeName(v)})`);
}

/** Throw INVALID_ARGUMENT unless `v` is a string. */
export function checkString(fn: string, param: string, v: unknown): asserts v is string {
  if (typeof v !== 'string') throw invalidArgument(fn, param, 'a string', v);
}

/** Throw INVALID_ARGUMENT unless `v` is a number other than NaN (±Infinity pass). */
export function checkNumber(fn: string, param: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || v !== v) throw invalidArgument(fn, param, 'a number (not NaN)', v);
}

/** Throw INVALID_ARGUMENT unless `v` is an integer in min..max. */
export function checkInteger(fn: string, param: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidArgument(fn, param, `an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '2^53 − 1' : max}`, v);
  }
}

/** Throw INVALID_ARGUMENT unless `v` is an array. */
export function checkArray(fn: string, param: string, v: unknown, expected = 'an array'): asserts v is readonly unknown[] {
  if (!Array.isArray(v)) throw invalidArgument(fn, param, expected, v);
}

/**
 * Throw INVALID_ARGUMENT unless `v` is an object of named properties: not null, an array, a
 * function, a Map or a Set (a Map's entries are not properties: it would read as empty).
 */
export function checkObject(fn: string, param: string, v: unknown, expected = 'an object'): asserts v is object {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Set) {
    throw invalidArgument(fn, param, expected, v);
  }
}

/** Throw INVALID_ARGUMENT unless `v` is undefined or passes checkObject. */
export function checkOptionalObject(fn: string, param: string, v: unknown, expected = 'an object'): void {
  if (v !== undefined) checkObject(fn, param, v, expected);
}

/** Throw INVALID_ARGUMENT unless `v` is iterable (has a Symbol.iterator method; a string is). */
export function checkIterable(fn: string, param: string, v: unknown, expected = 'an iterable'): asserts v is Iterable<unknown> {
  if (v === null || v === undefined || typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw invalidArgument(fn, param, expected, v);
  }
}

/**
 * Throw INVALID_ARGUMENT unless `v` looks like a RecordStore (its `columns` array, `rowCount`
 * and `columnChunk`): by shape, so a store of another copy of khop in the process passes too.
 */
export function checkStore(fn: string, param: string, v: unknown): void {
  const s = v as { columns?: unknown; rowCount?: unknown; columnChunk?: unknown } | null;
  if (s === null || typeof s !== 'object' || !Array.isArray(s.columns) || typeof s.rowCount !== 'number' || typeof s.columnChunk !== 'function') {
    throw invalidArgument(fn, param, 'a RecordStore', v);
  }
}
