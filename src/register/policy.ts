/**
 * Verification policy: which field results a claim needs for VERIFIED.
 *
 *   { require: { id: ['exact', 'equivalent'], name: ['exact', 'equivalent', 'close'] } }
 *
 * A key of `require` is a schema FIELD NAME, or a field KIND ('nationalId', 'personName',
 * 'date', 'sex', …) standing for the PRIMARY field of that kind — the first one in the schema,
 * the one the register also uses for ID consistency and "did you mean" search. A field name
 * wins over a kind of the same spelling.
 *
 * A policy is applied OVER the default: a field it does not mention keeps the default's
 * requirement for its kind (so `{ require: { name: ['exact', 'equivalent', 'close'] } }` accepts
 * close names and still checks the ID, the date of birth and the sex). Decision: replacing the
 * default instead made that one-line policy stop checking every other field — a claim with a
 * wrong date of birth came back VERIFIED. To loosen a field, list every result but mismatch
 * (`['exact', 'equivalent', 'close', 'missing']`); a mismatch never verifies.
 *
 * {@link DEFAULT_VERIFICATION_POLICY} is written with kinds so it fits any schema:
 *
 *   nationalId   exact | equivalent            (a lost leading zero, spaces, an earlier ID)
 *   personName   exact | equivalent            (diacritics, tone placement, case, Unicode form)
 *   givenName    exact | equivalent
 *   familyName   exact | equivalent
 *   date         exact | equivalent            (another date format; NOT a year-only date)
 *   sex          exact | equivalent | missing  (registers and claims often lack it)
 *
 * Kinds the schema does not have are ignored; field names the schema does not have are an
 * error, and so is a policy or a `require` that is not a plain object (a Map: notPlain). Trade-off: the policy is resolved ONCE at build into one bit mask per field
 * (RESULT_BIT), so checking it costs a few ANDs per verdict.
 */
import { KhopError } from '../errors.js';
import { FIELD_KINDS, type FieldKind, type Schema } from '../schema.js';
import { FIELD_RESULTS, RESULT_BIT, type FieldResult } from './verdict.js';

/** Results a field may need: 'mismatch' can never verify. */
export type RequirableResult = Exclude<FieldResult, 'mismatch'>;

/** Which results each field must have for VERIFIED (see the file header). */
export interface VerificationPolicy {
  readonly require: Readonly<Record<string, readonly RequirableResult[]>>;
}

/** The default policy (see the file header). */
export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = Object.freeze({
  require: Object.freeze({
    nationalId: Object.freeze(['exact', 'equivalent'] as RequirableResult[]),
    personName: Object.freeze(['exact', 'equivalent'] as RequirableResult[]),
    givenName: Object.freeze(['exact', 'equivalent'] as RequirableResult[]),
    familyName: Object.freeze(['exact', 'equivalent'] as RequirableResult[]),
    date: Object.freeze(['exact', 'equivalent'] as RequirableResult[]),
    sex: Object.freeze(['exact', 'equivalent', 'missing'] as RequirableResult[]),
  }),
});

/** A policy bound to a schema: `masks[i]` = allowed RESULT_BITs of field i (0 = not checked). */
export interface ResolvedPolicy {
  readonly masks: Uint8Array;
  /** The policy as given (JSON-serialisable, kept for snapshots). */
  readonly source: VerificationPolicy;
}

const REQUIRABLE: readonly string[] = FIELD_RESULTS.filter((r) => r !== 'mismatch');

/**
 * Check a policy against a schema and resolve it to per-field masks.
 * @throws KhopError INVALID_OPTION listing every problem (option path `policy.require.<key>`).
 */
export function resolvePolicy(schema: Schema, policy: VerificationPolicy | undefined): ResolvedPolicy {
  const base = requireMasks(schema, DEFAULT_VERIFICATION_POLICY);
  if (policy === undefined) return { masks: base.masks, source: clonePolicy(DEFAULT_VERIFICATION_POLICY) };
  // The given policy over the default (see the file header): its fields, the default's others.
  const given = requireMasks(schema, policy);
  const masks = new Uint8Array(schema.fields.length);
  for (let i = 0; i < masks.length; i++) masks[i] = given.set[i] === 1 ? given.masks[i]! : base.masks[i]!;
  return { masks, source: clonePolicy(policy) };
}

/** Masks of the fields one policy's `require` sets (`set[i]` = 1), checked (see resolvePolicy). */
function requireMasks(schema: Schema, p: VerificationPolicy): { masks: Uint8Array; set: Uint8Array } {
  const problems: string[] = [];
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new KhopError('INVALID_OPTION', 'policy must be an object { require }', { details: { option: 'policy', problems: ['policy is not an object'] } });
  }
  const notPlainPolicy = notPlain(p, 'policy');
  if (notPlainPolicy !== null) {
    throw new KhopError('INVALID_OPTION', `policy must be a plain object { require }: ${notPlainPolicy}`, { details: { option: 'policy', problems: [notPlainPolicy] } });
  }
  const require = p.require as unknown;
  if (require === null || typeof require !== 'object' || Array.isArray(require)) {
    throw new KhopError('INVALID_OPTION', 'policy.require must be an object mapping fields to results', {
      details: { option: 'policy.require', problems: ['policy.require is not an object'] },
    });
  }
  const notPlainRequire = notPlain(require, 'policy.require');
  if (notPlainRequire !== null) {
    throw new KhopError('INVALID_OPTION', `policy.require must be a plain object mapping fields to results: ${notPlainRequire}`, {
      details: { option: 'policy.require', problems: [notPlainRequire] },
    });
  }
  for (const key of Object.keys(p)) if (key !== 'require') problems.push(`policy.${key} is not a policy option`);
  const fields = schema.fields;
  const masks = new Uint8Array(fields.length);
  const named = new Set<number>();
  const byKind: Array<[number, number]> = [];
  for (const key of Object.keys(require)) {
    const list = (require as Record<string, unknown>)[key];
    let mask = 0;
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`policy.require.${key} must be a non-empty array of results`);
      continue;
    }
    for (const r of list) {
      if (typeof r !== 'string' || !REQUIRABLE.includes(r)) {
        problems.push(`policy.require.${key} may only hold ${REQUIRABLE.join(', ')}`);
        mask = -1;
        break;
      }
      mask |= RESULT_BIT[r as FieldResult];
    }
    if (mask < 0) continue;
    const fi = fields.findIndex((f) => f.name === key);
    if (fi >= 0) {
      masks[fi] = mask;
      named.add(fi);
      continue;
    }
    if ((FIELD_KINDS as readonly string[]).includes(key)) {
      const primary = fields.findIndex((f) => f.kind === (key as FieldKind));
      if (primary >= 0) byKind.push([primary, mask]);
      continue;
    }
    problems.push(`policy.require.${key} is neither a field of the schema nor a field kind`);
  }
  // Kinds apply to their primary field unless that field is named explicitly.
  const set = new Uint8Array(fields.length);
  for (const fi of named) set[fi] = 1;
  for (const [fi, mask] of byKind) {
    if (named.has(fi)) continue;
    masks[fi] = mask;
    set[fi] = 1;
  }
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid policy: ${problems.join('; ')}`, { details: { option: 'policy', problems } });
  }
  return { masks, set };
}

/**
 * Why `v` (an object, not an array) is not a plain object — an object literal, JSON.parse's
 * output or a null-prototype object — or null when it is one. Decision: a Map (or a Set, a class
 * instance) is refused rather than read: its entries are not properties, so `Object.keys` saw
 * none and the policy was silently the default — a field the Map required (`issued: ['exact']`)
 * went unchecked, and claims it should have refused came back VERIFIED. Refusing keeps one shape for the policy (what snapshots store and the
 * command line reads: JSON), as rows and claims refuse a Map (util/row-shape.ts).
 */
function notPlain(v: object, option: string): string | null {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return null;
  if (v instanceof Map) return `${option} is a Map (pass Object.fromEntries(map))`;
  if (v instanceof Set) return `${option} is a Set, not an object of fields`;
  return `${option} is not a plain object (an object literal or JSON)`;
}

function clonePolicy(p: VerificationPolicy): VerificationPolicy {
  const require: Record<string, RequirableResult[]> = {};
  for (const [k, v] of Object.entries(p.require)) require[k] = [...v];
  return { require };
}
