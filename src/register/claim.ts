/**
 * Claim parsing: a claim object → the values the field comparators need, each computed at most
 * once per claim (a claim may be compared with several records: an ambiguous ID, "did you
 * mean" candidates).
 *
 * A claim has the shape of a register row: each schema field is read from its input column,
 * or — when the claim has no such property — from a property named like the field; a class
 * instance's getters count as its properties, Object.prototype's members never (claimProperty).
 * Per field:
 *   text   the trimmed value (a number → its decimal digits), null when absent or blank
 *   bad    the value is of an unusable type (object, array, boolean, NaN, ±Infinity): the field
 *          compares as a mismatch, never as missing (bad input must not look plausible)
 * Parsed forms (ID, date, sex, folded text, the canonical name) are computed lazily.
 *
 * One object per claim for `authenticate` (re-entrant: nothing is shared between calls); a
 * batch loads its claims into one object in turn (load: the batch owns it, and nothing keeps a
 * claim past its verdict), sparing ~390 bytes of allocation a claim.
 */
import { foldKeepingScripts } from '../text/fold.js';
import { identifierForm } from '../text/identifier-form.js';
import { parseDateWith, type DateResult } from '../text/date.js';
import { parseSex } from '../text/sex.js';
import { idNumber, parseIdInput, type IdInput } from './national-id-input.js';
import { ClaimName } from './name-verdict.js';
import type { FieldPlan, RegisterLayout } from './register-layout.js';
import type { ParsedNationalId } from '../text/national-id.js';
import { isExactNumber } from '../util/type-name.js';

const hasOwn = Object.prototype.hasOwnProperty;
const protoOf = Object.getPrototypeOf;
const descriptorOf = Object.getOwnPropertyDescriptor;
const OBJECT_PROTOTYPE: object = Object.prototype;

/**
 * Prototypes whose members are never a claim's field: Object.prototype (`toString`,
 * `constructor`, `valueOf`… — and whatever polluted it) and the built-in error classes' (`name`,
 * `message`: an Error given as a claim must not read as a person named "Error"; a DOMException
 * not as one named "AbortError").
 */
const FOREIGN_PROTOTYPES: ReadonlySet<object> = new Set<object>([
  OBJECT_PROTOTYPE,
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
  AggregateError.prototype,
  // Node's web-platform error (an AbortSignal's reason, a fetch timeout): its name / message /
  // code are getters on its own prototype, read before Error.prototype is reached.
  DOMException.prototype,
]);

/** What claimProperty answers for a key the claim does not have (`undefined` may be a value). */
const ABSENT: unique symbol = Symbol('absent');

/**
 * Property `key` of a claim, or ABSENT. An own property is read as it is. An inherited one is
 * read by ordinary property access (a getter runs on the claim) when a prototype of the claim's
 * own making holds it — a class instance's `get name() {…}`, an `Object.create(proto)`'s values —
 * but never from a FOREIGN_PROTOTYPES member or anything above it, and never when it is a
 * method (a function-valued data property: the class's methods and `constructor` are
 * behaviour, not field values). Decision: the claim's own properties only (hasOwn) read a class
 * instance with getters as a claim with no field at all — INVALID_ID "id-empty", a plausible
 * verdict for the wrong reason.
 *
 * A plain object (the usual claim) pays one hasOwn, or for an absent key one getPrototypeOf.
 */
function claimProperty(claim: Record<string, unknown>, key: string): unknown {
  if (hasOwn.call(claim, key)) return claim[key];
  for (let p: object | null = protoOf(claim) as object | null; p !== null && p !== OBJECT_PROTOTYPE && !FOREIGN_PROTOTYPES.has(p); p = protoOf(p) as object | null) {
    const d = descriptorOf(p, key);
    if (d === undefined) continue;
    if (d.get === undefined && d.set === undefined && typeof d.value === 'function') return ABSENT;
    return claim[key];
  }
  return ABSENT;
}

/**
 * A field's raw value in a claim: its input column, else a property named like the field
 * (claimProperty: own properties, and a class instance's getters); undefined when it has neither.
 */
export function claimValue(claim: Record<string, unknown>, f: FieldPlan): unknown {
  let v = claimProperty(claim, f.column);
  if (v === ABSENT && f.name !== f.column) v = claimProperty(claim, f.name);
  return v === ABSENT ? undefined : v;
}

/**
 * The field values of a batch of claims by position: value `i * K + k` is field k of claim i
 * (K schema fields, in schema order) — a pooled batch as a worker receives it
 * (parallel-authenticate.ts PackedClaimValues reads them straight from the packed message).
 */
export interface ClaimValues {
  /** Number of values (claims × K). */
  readonly length: number;
  /** Value j (`undefined` for an absent field). */
  value(j: number): unknown;
}

/** ClaimValues over a flat array, or `length` of its values from `from` on. */
export class FlatClaimValues implements ClaimValues {
  readonly length: number;

  constructor(
    private readonly values: readonly unknown[],
    private readonly from = 0,
    length = values.length - from,
  ) {
    this.length = length;
  }

  value(j: number): unknown {
    return this.values[this.from + j];
  }
}

/** Trimmed text of a raw claim value: null when absent, blank or of an unusable type. */
function textOf(v: unknown): string | null {
  let t: string | null = null;
  if (typeof v === 'string') t = v.trim();
  else if (isExactNumber(v) || typeof v === 'bigint') t = String(v);
  return t === '' ? null : t;
}

/** An unusable value: not text, a bigint or an exact finite number (a rounded one is not its digits). */
function isBad(v: unknown): boolean {
  return v !== null && v !== undefined && typeof v !== 'string' && typeof v !== 'bigint' && !isExactNumber(v);
}

/** ID parse of a raw value (null when missing); what PreparedClaim.id returns. */
export function idInputOf(v: unknown): IdInput | null {
  const t = textOf(v);
  if (t === null && !isBad(v)) return null;
  return parseIdInput(typeof v === 'bigint' ? String(v) : typeof v === 'string' ? t : v);
}

/**
 * The all-zero `bad` array of each field count, shared by every claim without a value of an
 * unusable type (nearly all): a typed array per claim was a sixth of a claim's allocations. It
 * is never written — a claim with an unusable value gets its own array.
 */
const NO_BAD: Uint8Array[] = [];

export class PreparedClaim {
  /** Trimmed text per field (null = missing or unusable). */
  readonly text: Array<string | null>;
  /** Raw value per field. */
  readonly raw: unknown[];
  /** 1 where the value's type is unusable (never written: may be shared, see NO_BAD; replaced by load). */
  bad: Uint8Array;
  /**
   * The one parse of each field (a field has one kind): IdInput, DateResult, sex code,
   * folded text or ClaimName; undefined until first asked for.
   */
  private readonly parsed: unknown[];
  /**
   * Keyed registers: per field, [lookup lo, lookup hi, tag] of the ID's HMAC (keyed-id-hash.ts),
   * NaN until first asked for — one HMAC per claim and field however many records it meets.
   */
  private keyedIds: Float64Array | null = null;
  /** sameDateWritten's memo: the field it holds, and per format slot (one bit each) known / written so. */
  private sameDateField = -1;
  private sameDateKnown = 0;
  private sameDateExact = 0;

  /**
   * A claim object, or — with `values` — the claim's field values in schema order at
   * `values.value(offset + k)` (a pooled batch, parallel-authenticate.ts; `claim` is then ignored).
   */
  constructor(claim: Record<string, unknown> | null, layout: RegisterLayout, values?: ClaimValues, offset = 0) {
    const K = layout.fields.length;
    this.text = new Array<string | null>(K);
    this.raw = new Array<unknown>(K);
    this.parsed = new Array<unknown>(K);
    this.bad = (NO_BAD[K] ??= new Uint8Array(K));
    this.load(claim, layout, values, offset);
  }

  /**
   * Make this object the claim given (as the constructor's arguments, same layout) and forget
   * everything parsed of the previous one. A batch reuses one PreparedClaim for its claims in
   * turn (Register.claimBatch: nothing keeps a claim past its verdict), sparing the four
   * objects a claim would allocate — measured in claimBatch.
   */
  load(claim: Record<string, unknown> | null, layout: RegisterLayout, values?: ClaimValues, offset = 0): void {
    const K = layout.fields.length;
    const none = NO_BAD[K]!;
    let bad = none;
    for (let i = 0; i < K; i++) {
      const f = layout.fields[i]!;
      const v = values !== undefined ? values.value(offset + i) : claimValue(claim!, f);
      this.raw[i] = v;
      const t = textOf(v);
      // A placeholder ("N/A", "Không rõ") in a name or text field is no value: claim-missing.
      this.text[i] = t !== null && f.missing !== null && f.missing.has(t) ? null : t;
      this.parsed[i] = undefined;
      if (isBad(v)) {
        if (bad === none) bad = new Uint8Array(K);
        bad[i] = 1;
      }
    }
    this.bad = bad;
    if (this.keyedIds !== null) this.keyedIds.fill(Number.NaN);
    this.sameDateField = -1; // sameDateWritten knows nothing (setSameDateWritten clears its bits)
  }

  /** The field's ID parse (null when missing). Bad types parse as invalid. */
  id(f: FieldPlan): IdInput | null {
    const i = f.index;
    if (this.text[i] === null && this.bad[i] === 0) return null;
    let r = this.parsed[i] as IdInput | undefined;
    if (r === undefined) {
      r = idInputOf(this.raw[i])!;
      this.parsed[i] = r;
    }
    return r;
  }

  /**
   * The value the register's `<f>.id` column holds for this claim's ID: the canonical digits as
   * a number, or — keyed register — the HMAC tag. Call only when `id(f)` is valid.
   */
  storedId(f: FieldPlan): number {
    if (f.keyed === null) return idNumber((this.id(f) as ParsedNationalId).digits);
    return this.keyed(f)[3 * f.index + 2]!;
  }

  /** Keyed register: the ID's lookup key, low half (call only when `id(f)` is valid). */
  keyedLo(f: FieldPlan): number {
    return this.keyed(f)[3 * f.index]!;
  }

  /** Keyed register: the ID's lookup key, high half (call only when `id(f)` is valid). */
  keyedHi(f: FieldPlan): number {
    return this.keyed(f)[3 * f.index + 1]!;
  }

  /** Keyed register: the ID's HMAC lookup key and tag, already computed (a batch hashes ahead). */
  setKeyed(f: FieldPlan, lo: number, hi: number, tag: number): void {
    const k = this.keyedArray();
    const at = 3 * f.index;
    k[at] = lo;
    k[at + 1] = hi;
    k[at + 2] = tag;
  }

  private keyedArray(): Float64Array {
    let k = this.keyedIds;
    if (k === null) {
      k = new Float64Array(3 * this.text.length).fill(Number.NaN);
      this.keyedIds = k;
    }
    return k;
  }

  private keyed(f: FieldPlan): Float64Array {
    const k = this.keyedArray();
    const at = 3 * f.index;
    if (Number.isNaN(k[at]!)) {
      const h = f.keyed!;
      h.hash((this.id(f) as ParsedNationalId).digits);
      k[at] = h.lo;
      k[at + 1] = h.hi;
      k[at + 2] = h.tag;
    }
    return k;
  }

  /** The field's date parse with the schema's options (call only when text is non-null). */
  date(f: FieldPlan): DateResult {
    const i = f.index;
    let r = this.parsed[i] as DateResult | undefined;
    if (r === undefined) {
      const v = this.raw[i];
      r = parseDateWith(typeof v === 'number' ? v : this.text[i], f.dateOptions!);
      this.parsed[i] = r;
    }
    return r;
  }

  /**
   * compareDateField's memo for a record date EQUAL to this claim's parsed date of field `f`:
   * whether the record's rendering in format `format` (written-form.ts code 0..15, from the
   * date cell) is the claim's text — a function of the claim's text, its date and the
   * format only, so it is kept per claim and format (a "did you mean" block shares the claim's
   * date in nearly every row). 1 it is, 0 it is not, −1 not known yet. One date field is kept
   * at a time (another field starts afresh).
   */
  sameDateWritten(f: FieldPlan, format: number): number {
    const slot = format + 1; // −1..15 → bit 0..16
    if (this.sameDateField !== f.index || slot < 0 || slot > 16) return -1;
    const bit = 1 << slot;
    return (this.sameDateKnown & bit) === 0 ? -1 : (this.sameDateExact & bit) !== 0 ? 1 : 0;
  }

  /** Record what sameDateWritten(f, format) answers from now on (see there). */
  setSameDateWritten(f: FieldPlan, format: number, written: boolean): void {
    const slot = format + 1;
    if (slot < 0 || slot > 16) return;
    if (this.sameDateField !== f.index) {
      this.sameDateField = f.index;
      this.sameDateKnown = 0;
      this.sameDateExact = 0;
    }
    const bit = 1 << slot;
    this.sameDateKnown |= bit;
    this.sameDateExact = written ? this.sameDateExact | bit : this.sameDateExact & ~bit;
  }

  /** The field's sex code: 1 male, 2 female, −1 unrecognised (call only when text is non-null). */
  sex(f: FieldPlan): number {
    const i = f.index;
    let s = this.parsed[i] as number | undefined;
    if (s === undefined) {
      const v = this.raw[i];
      const p = parseSex(typeof v === 'number' ? v : this.text[i]);
      s = p === 'male' ? 1 : p === 'female' ? 2 : -1;
      this.parsed[i] = s;
    }
    return s;
  }

  /** The field's folded text (identifier: identifierForm, as stored; call only when text is non-null). */
  fold(f: FieldPlan): string {
    const i = f.index;
    let r = this.parsed[i] as string | undefined;
    if (r === undefined) {
      r = f.identifier ? identifierForm(this.text[i]!) : foldKeepingScripts(this.text[i]!);
      this.parsed[i] = r;
    }
    return r;
  }

  /** The field's name (call only when text is non-null). */
  name(f: FieldPlan): ClaimName {
    const i = f.index;
    let r = this.parsed[i] as ClaimName | undefined;
    if (r === undefined) {
      r = new ClaimName(this.text[i]!, f.locale, f.kind === 'personName');
      this.parsed[i] = r;
    }
    return r;
  }
}
