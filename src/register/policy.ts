/**
 * Verification policy: which field results a claim needs for VERIFIED.
 *
 *   { require: { id: ['exact', 'equivalent'], name: ['exact', 'equivalent', 'close'] } }
 *
 * A key of `require` is a schema FIELD NAME, or a field KIND ('nationalId', 'personName',
 * 'date', 'sex', …) standing for the PRIMARY field of that kind — the first one in the schema,
 * the one the register also uses for ID consistency and "did you mean" search. A field name
 * wins over a kind of the same spelling. Fields the policy does not mention do not count.
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
 * error. Trade-off: the policy is resolved ONCE at build into one bit mask per field
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
  const p = policy ?? DEFAULT_VERIFICATION_POLICY;
  const problems: string[] = [];
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new KhopError('INVALID_OPTION', 'policy must be an object { require }', { details: { option: 'policy', problems: ['policy is not an object'] } });
  }
  const require = p.require as unknown;
  if (require === null || typeof require !== 'object' || Array.isArray(require)) {
    throw new KhopError('INVALID_OPTION', 'policy.require must be an object mapping fields to results', {
      details: { option: 'policy.require', problems: ['policy.require is not an object'] },
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
  for (const [fi, mask] of byKind) if (!named.has(fi)) masks[fi] = mask;
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid policy: ${problems.join('; ')}`, { details: { option: 'policy', problems } });
  }
  return { masks, source: clonePolicy(p) };
}

function clonePolicy(p: VerificationPolicy): VerificationPolicy {
  const require: Record<string, RequirableResult[]> = {};
  for (const [k, v] of Object.entries(p.require)) require[k] = [...v];
  return { require };
}
