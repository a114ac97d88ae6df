/**
 * The order of user record ids: numbers and ids written as decimal digits by their value ("9"
 * before "10" — CSV ids are text), a number before the digit string of the same value, digit
 * strings of one value by code units ("007" before "7"); then every other id by code units.
 * dedupe / link name a cluster by its smallest id in this order (pipeline/rank-of.ts rankOf, which
 * precomputes the values for a sort of millions); a register lists tied candidates in it, so
 * the order does not depend on how the register was built.
 */
export function compareRecordIds(x: string | number, y: string | number): number {
  const nx = typeof x === 'number' || DIGITS.test(x);
  const ny = typeof y === 'number' || DIGITS.test(y);
  if (nx !== ny) return nx ? -1 : 1;
  if (nx) {
    const vx = Number(x);
    const vy = Number(y);
    if (vx !== vy) return vx < vy ? -1 : 1;
    if (typeof x === 'number' || typeof y === 'number') return typeof x === 'number' ? (typeof y === 'number' ? 0 : -1) : 1;
    const c = compareDigits(x as string, y as string);
    if (c !== 0) return c;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A record id written as decimal digits only. */
export const DIGITS = /^[0-9]+$/;

/** Two digit strings by value, exactly (any length): the longer without leading zeros is larger. */
export function compareDigits(x: string, y: string): number {
  let i = 0;
  let j = 0;
  while (i < x.length - 1 && x.charCodeAt(i) === 48) i++;
  while (j < y.length - 1 && y.charCodeAt(j) === 48) j++;
  const lx = x.length - i;
  const ly = y.length - j;
  if (lx !== ly) return lx - ly;
  for (; i < x.length; i++, j++) {
    const d = x.charCodeAt(i) - y.charCodeAt(j);
    if (d !== 0) return d;
  }
  return 0;
}
