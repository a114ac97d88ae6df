/**
 * How a cell value of the wrong type is described in a rejection's reason — its type, never
 * the value. A Date says what to do instead: its calendar day depends on the time zone it is
 * read in (a DATE column read by a driver in UTC+7 is 17:00 the day before in UTC), so khop does
 * not guess it. A number beyond ±(2^53 − 1) says to write it as text (isInexactNumber).
 */
export function typeName(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : isInexactNumber(v) ? INEXACT_NUMBER : 'a non-finite number';
  if (typeof v !== 'object' || v === null) return v === null ? 'an object' : `a ${typeof v}`;
  // Never throws: a Proxy runs its traps here (a revoked one throws a TypeError for Array.isArray,
  // a getPrototypeOf trap may throw for instanceof) — and Register.add describes its rows' bad
  // values while it adds them, so a throw would leave a batch half added.
  try {
    if (Array.isArray(v)) return 'an array';
    if (v instanceof Date) return 'a Date object (write the date as text, e.g. YYYY-MM-DD: its calendar day depends on the time zone)';
  } catch {
    return 'an object';
  }
  return 'an object';
}

/** How an inexact number is described (typeName): what it is and what to do. */
export const INEXACT_NUMBER = 'a number too large to be exact (beyond 2^53; write it as text)';

/**
 * A finite number beyond ±(2^53 − 1) (Number.MAX_SAFE_INTEGER). Every such double is an
 * integer, but not necessarily the one that was written: JSON.parse reads 9007199254740993 as
 * 9007199254740992, and so does a Parquet DECIMAL converted to a number. As a record id or a
 * field value it would be a different id — a false DUPLICATE_ID, a wrong record — so it is
 * refused where values are used, never read as its digits.
 */
export function isInexactNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER;
}

/** A number that is its digits: finite and within ±(2^53 − 1) (not NaN, ±Infinity or isInexactNumber). */
export function isExactNumber(v: unknown): v is number {
  return typeof v === 'number' && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
}
