/**
 * Comparison definitions as data: a comparison is a name and an ordered list of levels.
 *
 *   level 0          "missing": either value is null — carries no evidence (weight 0)
 *   level 1 … L−2    decreasing agreement (exact, close, phonetic, swapped, …)
 *   level L−1        "else": none of the above held
 *
 * The comparator for a field (src/compare) returns the first level that holds, as a small
 * integer written into a `Uint8Array` level column; the model (src/score) only ever sees
 * those integers. So a comparison has 3 … 256 levels (a level must fit a byte).
 *
 * Model arrays indexed by level use a fixed stride of {@link LEVEL_STRIDE} = 256 slots per
 * comparison (`k * 256 + level`, i.e. `(k << 8) | level`): every byte a level column can hold
 * lands in its own comparison's row, so a level out of range reads a padding slot (NaN in the
 * weight table) instead of the next comparison's weights, and is detected after the loop
 * without a bounds check per pair.
 *
 * Trade-off: validation here collects every problem and throws once (configuration errors are
 * reported together); nothing is validated again in hot loops.
 */
import { KhopError } from '../errors.js';

/** One level of a comparison. */
export interface ComparisonLevelSpec {
  /** Human-readable name of the level (unique within its comparison), e.g. `'exact'`, `'else'`. */
  readonly label: string;
  /**
   * Marks the null level. Required (`true`) on level 0 and only there: a pair with a missing
   * value on either side lands on level 0 and the comparison then contributes weight 0.
   */
  readonly null?: boolean;
  /**
   * Apply a term-frequency adjustment when a pair lands on this level (typically the exact
   * level of a name part). Not allowed on the null level or on the last ("else") level.
   */
  readonly tf?: boolean;
}

/** A comparison: a name and its levels, null level first, "else" level last. */
export interface ComparisonSpec {
  /** Unique name of the comparison, e.g. `'given_name'`. */
  readonly name: string;
  /** The levels in order: null, decreasing agreement…, else. */
  readonly levels: readonly ComparisonLevelSpec[];
}

/** Level number of the null ("missing") level in every comparison. */
export const NULL_LEVEL = 0;
/** Slots per comparison in flat per-level arrays: `index = k * LEVEL_STRIDE + level`. */
export const LEVEL_STRIDE = 256;
/** log2(LEVEL_STRIDE): `k << LEVEL_SHIFT` = `k * 256`. */
export const LEVEL_SHIFT = 8;
/** Fewest levels a comparison may have: null, one agreement level, else. */
export const MIN_LEVELS = 3;
/** Most levels a comparison may have: a level must fit a byte. */
export const MAX_LEVELS = 256;

/**
 * Check `specs` (any value: parsed JSON included) and append one human-readable line per
 * problem to `problems`. Names and labels are configuration, never record values.
 */
export function collectComparisonSpecProblems(specs: unknown, problems: string[], where = 'comparisons'): void {
  if (!Array.isArray(specs)) {
    problems.push(`${where} must be an array`);
    return;
  }
  if (specs.length === 0) problems.push(`${where} must not be empty`);
  const names = new Set<string>();
  for (let k = 0; k < specs.length; k++) {
    const c: unknown = specs[k];
    const at = `${where}[${k}]`;
    if (c === null || typeof c !== 'object') {
      problems.push(`${at} must be an object`);
      continue;
    }
    const { name, levels } = c as { name?: unknown; levels?: unknown };
    if (typeof name !== 'string' || name.length === 0) problems.push(`${at}.name must be a non-empty string`);
    else if (names.has(name)) problems.push(`${at}.name "${name}" is used twice`);
    else names.add(name);
    if (!Array.isArray(levels)) {
      problems.push(`${at}.levels must be an array`);
      continue;
    }
    if (levels.length < MIN_LEVELS || levels.length > MAX_LEVELS) {
      problems.push(`${at}.levels must have ${MIN_LEVELS}..${MAX_LEVELS} levels (null, agreement…, else), has ${levels.length}`);
    }
    const labels = new Set<string>();
    for (let l = 0; l < levels.length; l++) {
      const lv: unknown = levels[l];
      const lat = `${at}.levels[${l}]`;
      if (lv === null || typeof lv !== 'object') {
        problems.push(`${lat} must be an object`);
        continue;
      }
      const { label, null: isNull, tf } = lv as { label?: unknown; null?: unknown; tf?: unknown };
      if (typeof label !== 'string' || label.length === 0) problems.push(`${lat}.label must be a non-empty string`);
      else if (labels.has(label)) problems.push(`${lat}.label "${label}" is used twice`);
      else labels.add(label);
      if (isNull !== undefined && typeof isNull !== 'boolean') problems.push(`${lat}.null must be a boolean`);
      if (tf !== undefined && typeof tf !== 'boolean') problems.push(`${lat}.tf must be a boolean`);
      if (l === NULL_LEVEL && isNull !== true) problems.push(`${lat} is the null level: it must say null: true`);
      if (l !== NULL_LEVEL && isNull === true) problems.push(`${lat}: only level 0 may be the null level`);
      if (tf === true && l === NULL_LEVEL) problems.push(`${lat}: the null level cannot take a term-frequency adjustment`);
      if (tf === true && l === levels.length - 1 && l !== NULL_LEVEL) {
        problems.push(`${lat}: the else level cannot take a term-frequency adjustment`);
      }
    }
  }
}

/** Throw one KhopError INVALID_ARGUMENT listing every problem, if there are any. */
export function throwProblems(what: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  throw new KhopError('INVALID_ARGUMENT', `${what}: ${shown}${more}`, { details: { problems: [...problems] } });
}

/**
 * Validate comparison specs and return a frozen deep copy (labels, null and tf flags only),
 * so later mutation of the caller's objects cannot change a model.
 * @throws KhopError INVALID_ARGUMENT listing every problem.
 */
export function freezeComparisonSpecs(specs: readonly ComparisonSpec[]): readonly ComparisonSpec[] {
  const problems: string[] = [];
  collectComparisonSpecProblems(specs, problems);
  throwProblems('invalid comparison specs', problems);
  return Object.freeze(
    specs.map((c) =>
      Object.freeze({
        name: c.name,
        levels: Object.freeze(
          c.levels.map((lv, l) => {
            const copy: { label: string; null?: boolean; tf?: boolean } = { label: lv.label };
            if (l === NULL_LEVEL) copy.null = true;
            if (lv.tf === true) copy.tf = true;
            return Object.freeze(copy);
          }),
        ),
      }),
    ),
  );
}
