/**
 * Schemas: which input field is an ID, a name, a date, a sex, a category, free text.
 *
 * A schema is data, checked once before any row is read: unknown kinds, unknown options and
 * bad option values are collected and reported together in one KhopError('INVALID_SCHEMA')
 * whose `details.problems` lists them all. Each kind brings its own normalisation, blocking
 * keys and comparison levels (see src/pipeline/prepare.ts and src/pipeline/comparisons.ts).
 */
import { KhopError } from './errors.js';
import { missingValuesProblems } from './text/missing-values.js';

/** The kinds of field khop understands. */
export type FieldKind =
  | 'nationalId'
  | 'personName'
  | 'givenName'
  | 'familyName'
  | 'date'
  | 'sex'
  | 'category'
  | 'text'
  | 'identifier';

export const FIELD_KINDS: readonly FieldKind[] = [
  'nationalId',
  'personName',
  'givenName',
  'familyName',
  'date',
  'sex',
  'category',
  'text',
  'identifier',
];

/** Name locale: 'vi' Vietnamese (family-first, dialect phonetics), 'generic' (Double Metaphone), 'auto' decided from the data. */
export type NameLocale = 'vi' | 'generic' | 'auto';

export interface FieldSpec {
  /** What the field holds. */
  kind: FieldKind;
  /** Input column holding the field. Default: the field's own name. */
  column?: string;
  /** nationalId only: the ID scheme. Default 'VN' (12-digit CCCD / personal ID, 9-digit CMND). */
  country?: 'VN';
  /** personName / givenName / familyName: locale of the names. Default 'auto'. */
  locale?: NameLocale;
  /** date only: order of day and month in ambiguous numeric dates. Default 'dmy' (Vietnamese). */
  order?: 'dmy' | 'mdy';
  /** date only: accept Excel serial day numbers (e.g. 32874). Default false. */
  excelSerial?: boolean;
  /** date only: earliest plausible year. Default 1800 (DEFAULT_MIN_YEAR). */
  minYear?: number;
  /** date only: latest plausible year. Default 2100. */
  maxYear?: number;
  /**
   * personName, givenName, familyName, category, text, identifier: whole values that stand for
   * "no value" ("N/A", "NULL", "Không rõ"), read as missing and counted as an issue — matched
   * after trimming, as listed or in lower, UPPER, Title or Sentence case. Default
   * DEFAULT_MISSING_VALUES; `[]` reads every value as written (a family name "Null").
   */
  missingValues?: readonly string[];
}

export interface SchemaField {
  readonly name: string;
  readonly column: string;
  readonly kind: FieldKind;
  readonly spec: Readonly<FieldSpec>;
}

/** A validated schema. Create with {@link defineSchema}. */
export interface Schema {
  readonly fields: readonly SchemaField[];
  /** The field of a kind, first one in declaration order. */
  field(kind: FieldKind): SchemaField | undefined;
  /** The plain object defineSchema took (JSON-serialisable, for snapshots and --schema files). */
  toJSON(): Record<string, FieldSpec>;
}

const ALLOWED_OPTIONS: Record<FieldKind, readonly string[]> = {
  nationalId: ['kind', 'column', 'country'],
  personName: ['kind', 'column', 'locale', 'missingValues'],
  givenName: ['kind', 'column', 'locale', 'missingValues'],
  familyName: ['kind', 'column', 'locale', 'missingValues'],
  date: ['kind', 'column', 'order', 'excelSerial', 'minYear', 'maxYear'],
  sex: ['kind', 'column'],
  category: ['kind', 'column', 'missingValues'],
  text: ['kind', 'column', 'missingValues'],
  identifier: ['kind', 'column', 'missingValues'],
};

/**
 * Names JavaScript gives objects a meaning for: never a field name, a column or a record-id
 * column (schemas, idField, earlierIdsField, the command line's --id-field…).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a name of RESERVED_NAMES cannot be used, for the error that refuses it (one clause). */
export function reservedNameReason(name: string): string {
  const what =
    name === '__proto__'
      ? "an object's prototype: setting it replaces the prototype instead of storing a value"
      : name === 'constructor'
        ? 'a member every object inherits (the function that made it), read as a value where the column is absent'
        : "the member holding a function's prototype object";
  return `it cannot be a field or column name because in JavaScript "${name}" is ${what}`;
}

/**
 * Validate a schema definition.
 *
 * @example
 * const schema = defineSchema({
 *   id: { kind: 'nationalId', country: 'VN' },
 *   name: { kind: 'personName', locale: 'vi' },
 *   dob: { kind: 'date' },
 *   sex: { kind: 'sex' },
 * });
 * @throws KhopError('INVALID_SCHEMA') listing every problem found.
 */
export function defineSchema(definition: Record<string, FieldSpec> | Schema): Schema {
  if (isSchema(definition)) return definition;
  const problems: string[] = [];
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new KhopError('INVALID_SCHEMA', 'schema must be an object mapping field names to { kind }', {
      details: { problems: ['schema is not an object'] },
    });
  }
  // A Map's entries are not properties: it would read as a schema with no fields.
  if (definition instanceof Map || definition instanceof Set) {
    const what = definition instanceof Map ? 'a Map (pass Object.fromEntries(map))' : 'a Set';
    throw new KhopError('INVALID_SCHEMA', `schema must be a plain object of fields, not ${what}`, {
      details: { problems: [`schema is ${what}, not a plain object of fields`] },
    });
  }
  const fields: SchemaField[] = [];
  const columns = new Set<string>();
  const names = Object.keys(definition);
  if (names.length === 0) problems.push('schema has no fields');
  for (const name of names) {
    if (RESERVED_NAMES.has(name)) {
      problems.push(`field name "${name}" is not allowed: ${reservedNameReason(name)}`);
      continue;
    }
    if (name.trim() === '') {
      problems.push('a field name is empty');
      continue;
    }
    const spec = (definition as Record<string, unknown>)[name] as FieldSpec | undefined;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      problems.push(`field "${name}": expected an object { kind }`);
      continue;
    }
    const kind = spec.kind;
    if (typeof kind !== 'string' || !(FIELD_KINDS as readonly string[]).includes(kind)) {
      problems.push(`field "${name}": unknown kind ${JSON.stringify(kind)} (expected one of ${FIELD_KINDS.join(', ')})`);
      continue;
    }
    for (const key of Object.keys(spec)) {
      if (!ALLOWED_OPTIONS[kind].includes(key)) problems.push(`field "${name}": unknown option "${key}" for kind ${kind}`);
    }
    const column = spec.column ?? name;
    if (typeof column === 'string' && RESERVED_NAMES.has(column)) {
      problems.push(`field "${name}": column "${column}" is not allowed: ${reservedNameReason(column)}`);
    } else if (typeof column !== 'string' || column === '') {
      problems.push(`field "${name}": column must be a non-empty string`);
    } else if (columns.has(column)) {
      problems.push(`field "${name}": column "${column}" is already used by another field`);
    } else columns.add(column);
    if (spec.country !== undefined && spec.country !== 'VN') problems.push(`field "${name}": country must be 'VN'`);
    if (spec.locale !== undefined && !['vi', 'generic', 'auto'].includes(spec.locale)) {
      problems.push(`field "${name}": locale must be 'vi', 'generic' or 'auto'`);
    }
    if (spec.order !== undefined && spec.order !== 'dmy' && spec.order !== 'mdy') problems.push(`field "${name}": order must be 'dmy' or 'mdy'`);
    if (spec.excelSerial !== undefined && typeof spec.excelSerial !== 'boolean') problems.push(`field "${name}": excelSerial must be a boolean`);
    for (const opt of ['minYear', 'maxYear'] as const) {
      const v = spec[opt];
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 9999)) problems.push(`field "${name}": ${opt} must be an integer year`);
    }
    if (spec.minYear !== undefined && spec.maxYear !== undefined && spec.minYear > spec.maxYear) {
      problems.push(`field "${name}": minYear is after maxYear`);
    }
    const missing = missingValuesProblems(name, spec.missingValues);
    problems.push(...missing);
    const copy = { ...spec };
    if (missing.length === 0 && spec.missingValues !== undefined) copy.missingValues = Object.freeze([...spec.missingValues]);
    fields.push({ name, column: typeof column === 'string' ? column : name, kind, spec: Object.freeze(copy) });
  }
  if (problems.length > 0) {
    throw new KhopError('INVALID_SCHEMA', `invalid schema: ${problems.join('; ')}`, { details: { problems } });
  }
  return makeSchema(fields);
}

function makeSchema(fields: SchemaField[]): Schema {
  const frozen = Object.freeze(fields.slice());
  return Object.freeze({
    [SCHEMA_BRAND]: true,
    fields: frozen,
    field(kind: FieldKind) {
      return frozen.find((f) => f.kind === kind);
    },
    toJSON() {
      const out: Record<string, FieldSpec> = {};
      for (const f of frozen) out[f.name] = { ...f.spec };
      return out;
    },
  }) as Schema;
}

const SCHEMA_BRAND = Symbol.for('khop.schema');

function isSchema(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SCHEMA_BRAND] === true;
}

/** The default Vietnamese person schema: ID, full name, date of birth, sex, province, address. */
export function vietnamesePersonSchema(columns?: Partial<Record<'id' | 'name' | 'dob' | 'sex' | 'province' | 'address', string>>): Schema {
  return defineSchema({
    id: { kind: 'nationalId', country: 'VN', column: columns?.id ?? 'id' },
    name: { kind: 'personName', locale: 'vi', column: columns?.name ?? 'fullName' },
    dob: { kind: 'date', column: columns?.dob ?? 'dob' },
    sex: { kind: 'sex', column: columns?.sex ?? 'sex' },
    province: { kind: 'category', column: columns?.province ?? 'province' },
    address: { kind: 'text', column: columns?.address ?? 'address' },
  });
}
