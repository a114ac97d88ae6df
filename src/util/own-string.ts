/**
 * `s` as a string of its own, not a view of a longer one. V8 makes a substring of 13 or more
 * units a "sliced string" that keeps its whole parent alive: a CSV field is such a slice of the
 * piece of the file it was parsed from (~2 MiB as text), so a field kept in a long-lived map — a
 * name memo — would keep its piece. The concatenation is flattened into a new string when
 * sliced; the result's parent is that copy, one unit longer than `s`. Costs a copy of `s`: for
 * values kept, not for every value read.
 */
export function ownString(s: string): string {
  return (' ' + s).slice(1);
}
