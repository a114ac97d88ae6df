/**
 * Comparison levels as data: the ordered list of outcomes of one comparison.
 *
 * Every level function in src/compare returns a small integer `code` that indexes such a list:
 * code 0 is always "missing" (no evidence either way), the last code is always "else" (the
 * values disagree), and the levels between are ordered from strongest to weakest agreement.
 * A level function tests the levels in order and returns the first that holds, so each list
 * doubles as the documentation of its function. The scoring stage (src/score) gives every
 * level its own m/u probabilities and prints `label` when it explains a match weight.
 *
 * Trade-off: codes are plain numbers (written into `Uint8Array` level columns), not strings;
 * the names and labels live once, here, as frozen data.
 */

/** One outcome of a comparison. */
export interface ComparisonLevel {
  /** The integer written into level columns; equals the level's index in its list. */
  readonly code: number;
  /** Stable machine name (kebab-case), e.g. `'folded-equal'`. */
  readonly name: string;
  /** Human explanation, shown beside match weights. Never contains record values. */
  readonly label: string;
}

/**
 * Build a frozen level list from `[name, label]` pairs, numbering them 0, 1, 2… in order.
 * Used at module load only.
 */
export function defineLevels(entries: ReadonlyArray<readonly [name: string, label: string]>): readonly ComparisonLevel[] {
  const out: ComparisonLevel[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    out.push(Object.freeze({ code: i, name: e[0], label: e[1] }));
  }
  return Object.freeze(out);
}
