/**
 * `s` as a string of its own, not a view of a longer one. V8 makes a substring of 13 or more
 * units (SlicedString::kMinLength) a "sliced string" that keeps its whole parent alive: a CSV
 * field is such a slice of the text it was parsed from (a piece of the file, ~2 MiB as text; a
 * reader's decoded chunk), so a field kept for long — a name memo's key, a record id kept for
 * the result — would keep all of it. A shorter string is returned as it is (never a slice);
 * a longer one is copied: the concatenation is flattened into a new string when sliced, and the
 * result's parent is that copy, one unit longer than `s`.
 */
export function ownString(s: string): string {
  return s.length < SLICE_MIN_LENGTH ? s : (' ' + s).slice(1);
}

/** V8's shortest sliced string (shorter substrings are copied). */
const SLICE_MIN_LENGTH = 13;
