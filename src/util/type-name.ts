/**
 * How a cell value of the wrong type is described in a rejection's reason — its type, never
 * the value. A Date says what to do instead: its calendar day depends on the time zone it is
 * read in (a DATE column read by a driver in UTC+7 is 17:00 the day before in UTC), so khop does
 * not guess it.
 */
export function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : 'a non-finite number';
  if (v instanceof Date) return 'a Date object (write the date as text, e.g. YYYY-MM-DD: its calendar day depends on the time zone)';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
