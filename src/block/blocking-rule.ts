/**
 * Blocking rules as data: which record pairs are worth comparing at all.
 *
 * A rule is a conjunction of key parts; two rows are candidates under a rule when every part
 * of the rule gives both rows the same value (Fellegi & Sunter 1969 call this "blocking";
 * Splink expresses the same thing as `block_on(...)` rules, tried in order, each producing only
 * the pairs no earlier rule produced). A rule is plain JSON-serialisable data, so it can be
 * printed (`describeRule`), validated against a store before anything runs (`validateRules`,
 * which collects every problem into ONE error), stored in a snapshot and counted
 * (`analyzeBlocking`) before the pairs explode.
 *
 * Part transforms (the key bytes of each part; parts are joined by the byte 0x1F):
 *   exact      the whole value: text bytes, or the decimal digits of a number
 *   first n    the first n chars of an ascii column (the whole value when shorter)
 *   last n     the last n chars of an ascii column (the whole value when shorter)
 *   year       yyyy of an int32 packed date yyyymmdd (0 = unknown part)
 *   yearMonth  yyyymm of a packed date
 * A row whose part is missing (null cell, empty text, unknown year / month) gets NO key for that
 * rule and is not blocked by it — an empty or unknown value never makes a giant block.
 * `first`/`last` count bytes, so they take ascii (folded) columns only: a byte cut through a
 * UTF-8 sequence would make a key that no honest value has.
 *
 * A rule may carry its own `maxBlockSize`, below the run's: its blocks above it are skipped (and
 * reported) like blocks above the run's cap. It makes a weak rule safe at any scale — one that
 * pairs records only on values shared by few people (a surname in a city): the rule then adds
 * at most cap − 1 pairs a row, so its pairs grow linearly with the population whatever the
 * values' distribution, and it stops pairing exactly where its key stops being evidence.
 */
import { KhopError } from '../errors.js';
import { checkArray, checkString, invalidArgument } from '../util/arg-check.js';
import type { ColumnSpec, ColumnType, RecordStore } from './record-store.js';

/** How a key part is derived from its column. */
export type KeyTransform = 'exact' | 'first' | 'last' | 'year' | 'yearMonth';

/** One part of a blocking key. */
export interface KeyPart {
  /** Store column the part reads. */
  readonly column: string;
  /** Default `'exact'`. */
  readonly transform?: KeyTransform;
  /** Character count for `first` / `last` (integer 1..255); not allowed for other transforms. */
  readonly n?: number;
}

/** A named conjunction of key parts. */
export interface BlockingRule {
  readonly name: string;
  readonly parts: readonly KeyPart[];
  /**
   * This rule's own block cap (integer ≥ 2): its blocks of more rows are skipped. The run's
   * `maxBlockSize` applies too; the smaller of the two wins. Default: the run's only.
   */
  readonly maxBlockSize?: number;
}

/** The block cap of a rule in a run whose cap is `maxBlockSize`: the smaller of the two. */
export function ruleBlockCap(rule: BlockingRule | null, maxBlockSize: number): number {
  const own = rule?.maxBlockSize;
  return own !== undefined && own < maxBlockSize ? own : maxBlockSize;
}

export const KEY_TRANSFORMS: readonly KeyTransform[] = ['exact', 'first', 'last', 'year', 'yearMonth'];

/** Byte separating the parts of a key (ASCII unit separator). */
export const KEY_PART_SEPARATOR = 0x1f;

const PART_KEYS = new Set(['column', 'transform', 'n']);
const RULE_KEYS = new Set(['name', 'parts', 'maxBlockSize']);

/** The column types a transform accepts. */
function acceptedTypes(t: KeyTransform): readonly ColumnType[] {
  switch (t) {
    case 'exact':
      return ['ascii', 'utf8', 'int32', 'uint8', 'float64'];
    case 'first':
    case 'last':
      return ['ascii'];
    case 'year':
    case 'yearMonth':
      return ['int32'];
  }
}

/** Printable form, e.g. `first(name.given,3) & year(dob)`, `family & city (blocks ≤ 20 rows)`. */
export function describeRule(rule: BlockingRule): string {
  checkRuleShape('describeRule', 'rule', rule);
  const parts = rule.parts
    .map((p) => {
      const t = p.transform ?? 'exact';
      if (t === 'exact') return p.column;
      if (t === 'first' || t === 'last') return `${t}(${p.column},${p.n})`;
      return `${t}(${p.column})`;
    })
    .join(' & ');
  return rule.maxBlockSize === undefined ? parts : `${parts} (blocks ≤ ${rule.maxBlockSize} rows)`;
}

/**
 * Check rules against a store (or its column specs). Every problem of every rule is collected;
 * if there is any, ONE KhopError('INVALID_OPTION') is thrown with `details.problems: string[]`.
 */
export function validateRules(rules: readonly BlockingRule[], schema: RecordStore | readonly ColumnSpec[]): void {
  const problems = ruleProblems(rules, columnsOf('validateRules', schema));
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid blocking rules: ${problems.join('; ')}`, { details: { problems } });
  }
}

/** The column specs of a store or a column-spec array; INVALID_ARGUMENT for anything else. */
function columnsOf(fn: string, schema: unknown): readonly ColumnSpec[] {
  const columns = Array.isArray(schema) ? schema : schema !== null && typeof schema === 'object' ? (schema as { columns?: unknown }).columns : undefined;
  if (!Array.isArray(columns) || !columns.every((c) => c !== null && typeof c === 'object')) {
    throw invalidArgument(fn, 'schema', 'a RecordStore or an array of column specs', schema);
  }
  return columns as readonly ColumnSpec[];
}

/**
 * Throw INVALID_ARGUMENT unless `rule` has the shape its printers read: an object whose `parts`
 * is an array of objects (what the parts hold is validateRules' business).
 */
export function checkRuleShape(fn: string, param: string, rule: unknown): void {
  const expected = 'a blocking rule { name, parts: [{ column, transform?, n? }], maxBlockSize? }';
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw invalidArgument(fn, param, expected, rule);
  const parts = (rule as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) throw invalidArgument(fn, `${param}.parts`, 'an array of key parts', parts);
  parts.forEach((p: unknown, i) => {
    if (p === null || typeof p !== 'object') throw invalidArgument(fn, `${param}.parts[${i}]`, 'a key part { column, transform?, n? }', p);
  });
}

/** The problems `validateRules` would report (empty when the rules are fine). */
export function ruleProblems(rules: readonly BlockingRule[], columns: readonly ColumnSpec[]): string[] {
  const problems: string[] = [];
  if (!Array.isArray(rules) || rules.length === 0) {
    problems.push('rules must be a non-empty array');
    return problems;
  }
  const types = new Map<string, ColumnType>();
  for (const c of columns) types.set(c.name, c.type);
  const names = new Set<string>();
  let unknownColumn = false;
  rules.forEach((rule, r) => {
    const at = `rules[${r}]`;
    if (rule === null || typeof rule !== 'object') {
      problems.push(`${at} must be an object { name, parts, maxBlockSize? }`);
      return;
    }
    for (const k of Object.keys(rule)) if (!RULE_KEYS.has(k)) problems.push(`${at} has unknown property "${k}"`);
    if (typeof rule.name !== 'string' || rule.name.length === 0) problems.push(`${at}.name must be a non-empty string`);
    else if (names.has(rule.name)) problems.push(`${at}.name "${rule.name}" is a duplicate`);
    else names.add(rule.name);
    const cap = rule.maxBlockSize;
    if (cap !== undefined && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 2 || cap > 0xffffffff)) {
      problems.push(`${at}.maxBlockSize must be an integer ≥ 2`);
    }
    if (!Array.isArray(rule.parts) || rule.parts.length === 0) {
      problems.push(`${at}.parts must be a non-empty array`);
      return;
    }
    (rule.parts as readonly KeyPart[]).forEach((part: KeyPart, i: number) => {
      const pat = `${at}.parts[${i}]`;
      if (part === null || typeof part !== 'object') {
        problems.push(`${pat} must be an object { column, transform?, n? }`);
        return;
      }
      for (const k of Object.keys(part)) if (!PART_KEYS.has(k)) problems.push(`${pat} has unknown property "${k}"`);
      const t = part.transform ?? 'exact';
      if (!KEY_TRANSFORMS.includes(t)) {
        problems.push(`${pat}.transform must be one of ${KEY_TRANSFORMS.join(', ')}`);
        return;
      }
      if (t === 'first' || t === 'last') {
        if (typeof part.n !== 'number' || !Number.isInteger(part.n) || part.n < 1 || part.n > 255) {
          problems.push(`${pat}.n must be an integer in 1..255 for ${t}`);
        }
      } else if (part.n !== undefined) {
        problems.push(`${pat}.n is only allowed with first / last`);
      }
      if (typeof part.column !== 'string') {
        problems.push(`${pat}.column must be a string`);
        return;
      }
      const type = types.get(part.column);
      if (type === undefined) {
        problems.push(`${pat}.column "${part.column}" is not a store column`);
        unknownColumn = true;
      }
      else if (!acceptedTypes(t).includes(type)) {
        problems.push(`${pat}: ${t} needs a column of type ${acceptedTypes(t).join(' or ')}, "${part.column}" is ${type}`);
      }
    });
  });
  // Said once: which names a part may take (schema field and store column names, never a value).
  if (unknownColumn) {
    const fields = [...new Set([...types.keys()].map((c) => c.split('.')[0]!))];
    problems.push(`a part names a field (${fields.join(', ')}) or one of the store's columns (${[...types.keys()].join(', ')})`);
  }
  return problems;
}

/** JSON text of rules (canonical property order; `transform` always present). */
export function rulesToJSON(rules: readonly BlockingRule[]): string {
  checkArray('rulesToJSON', 'rules', rules, 'an array of blocking rules');
  rules.forEach((r, i) => checkRuleShape('rulesToJSON', `rules[${i}]`, r));
  return JSON.stringify(
    rules.map((r) => ({
      name: r.name,
      parts: r.parts.map((p) => (p.n === undefined ? { column: p.column, transform: p.transform ?? 'exact' } : { column: p.column, transform: p.transform ?? 'exact', n: p.n })),
      ...(r.maxBlockSize === undefined ? {} : { maxBlockSize: r.maxBlockSize }),
    })),
  );
}

/**
 * Rules from JSON text, validated against the columns (KhopError('INVALID_OPTION') listing
 * every problem, or for text that is not JSON).
 */
export function rulesFromJSON(text: string, schema: RecordStore | readonly ColumnSpec[]): BlockingRule[] {
  checkString('rulesFromJSON', 'text', text);
  columnsOf('rulesFromJSON', schema);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // No cause: V8's message quotes the text, which may be a data file given by mistake.
    throw new KhopError('INVALID_OPTION', 'blocking rules: not valid JSON');
  }
  const rules = value as BlockingRule[];
  validateRules(rules, schema);
  return rules;
}
