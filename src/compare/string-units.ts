/**
 * The bridge from JS strings to the span kernels: the string convenience functions
 * (`jaroWinklerSimilarity(a, b)`, `levenshteinDistance(a, b)`…) copy their two arguments into
 * two module-level Uint16Array scratch buffers and call the span version, so each metric has
 * exactly one implementation. Internal to src/compare.
 *
 * Non-re-entrant: one string call at a time per thread (JS is single-threaded and no span
 * kernel calls back into a string function, so this holds). The buffers grow by doubling and
 * are kept, so steady-state calls allocate nothing.
 */
import { KhopError } from '../errors.js';
import { ensureUint16 } from './spans.js';

let scratchA = new Uint16Array(64);
let scratchB = new Uint16Array(64);

/** Throw INVALID_ARGUMENT unless `v` is a string (a metric never scores a non-string). */
export function assertString(fn: string, param: string, v: unknown): asserts v is string {
  if (typeof v !== 'string') {
    throw new KhopError('INVALID_ARGUMENT', `${fn}: argument '${param}' must be a string (got ${v === null ? 'null' : typeof v})`);
  }
}

/** Copy `s` into the first scratch buffer and return it (valid until the next call). */
export function unitsA(s: string): Uint16Array {
  scratchA = ensureUint16(scratchA, s.length);
  const u = scratchA;
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}

/** Copy `s` into the second scratch buffer and return it (valid until the next call). */
export function unitsB(s: string): Uint16Array {
  scratchB = ensureUint16(scratchB, s.length);
  const u = scratchB;
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}
