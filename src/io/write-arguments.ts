/**
 * Argument checks shared by the public writers (writeCsv, writeNdjson, CsvWriter, NdjsonWriter,
 * writeCsvRows, writeNdjsonRows, RejectedRowWriter, writeRejected): a wrong type through the
 * API is a KhopError('INVALID_ARGUMENT') naming the function and the argument — never Node's
 * own TypeError from deep inside fs (`writeCsv('people.csv', rows)`: ERR_INVALID_ARG_TYPE) and
 * never a file created before the mistake is found.
 *
 * Messages name the argument and the TYPE it got (a number, an array…), never its value: a
 * swapped argument may be a row of personal data.
 */
import { KhopError } from '../errors.js';

/** What kind of value `x` is, for a message: never the value itself. */
export function typeOfArgument(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  switch (typeof x) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return 'a string';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof x}`;
  }
}

/**
 * What is wrong with `path` as a file path — a non-empty string without a NUL character (fs
 * refuses one with a TypeError; an empty one would write a hidden temporary file in the
 * working directory) — or null.
 */
function pathFault(path: unknown): string | null {
  if (typeof path !== 'string') return typeOfArgument(path);
  if (path.length === 0) return 'an empty string';
  if (path.includes('\0')) return 'a string with a NUL character';
  return null;
}

/** A file path (see pathFault). */
export function filePathProblem(name: string, path: unknown): string | null {
  const fault = pathFault(path);
  return fault === null ? null : `${name} must be a file path (a non-empty string), not ${fault}`;
}

/** A file path, or a Writable stream (an object with write, on and once). */
export function destinationProblem(name: string, dest: unknown): string | null {
  if (typeof dest === 'object' && dest !== null && !Array.isArray(dest)) {
    const s = dest as { write?: unknown; on?: unknown; once?: unknown };
    if (typeof s.write === 'function' && typeof s.on === 'function' && typeof s.once === 'function') return null;
  }
  const fault = typeof dest === 'object' && dest !== null && !Array.isArray(dest) ? 'an object' : pathFault(dest);
  return fault === null ? null : `${name} must be a file path or a Writable stream, not ${fault}`;
}

/**
 * Rows: an array, an iterable or an async iterable. A string is refused although it is
 * iterable: it is a file path passed in the rows' place.
 */
export function rowsProblem(name: string, rows: unknown): string | null {
  if (typeof rows === 'object' && rows !== null) {
    const r = rows as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
    if (typeof r[Symbol.iterator] === 'function' || typeof r[Symbol.asyncIterator] === 'function') return null;
    return `${name} must be an array or an (async) iterable of rows, not a non-iterable object`;
  }
  return `${name} must be an array or an (async) iterable of rows, not ${typeOfArgument(rows)}`;
}

/** Throw every problem found at once, as `fn: problem; problem`. */
export function throwArgumentProblems(fn: string, problems: readonly (string | null)[]): void {
  const found = problems.filter((p): p is string => p !== null);
  if (found.length > 0) throw new KhopError('INVALID_ARGUMENT', `${fn}: ${found.join('; ')}`, { details: { problems: found } });
}
