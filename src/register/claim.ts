/**
 * Claim parsing: a claim object → the values the field comparators need, each computed at most
 * once per claim (a claim may be compared with several records: an ambiguous ID, "did you
 * mean" candidates).
 *
 * A claim has the shape of a register row: each schema field is read from its input column,
 * or — when the claim has no such property — from a property named like the field.
 * Per field:
 *   text   the trimmed value (a number → its decimal digits), null when absent or blank
 *   bad    the value is of an unusable type (object, array, boolean, NaN, ±Infinity): the field
 *          compares as a mismatch, never as missing (bad input must not look plausible)
 * Parsed forms (ID, date, sex, folded text, the canonical name) are computed lazily.
 *
 * Trade-off: one small object per claim plus per-field slots; nothing here is hot enough to
 * justify module-level scratch, and keeping it per claim keeps authenticate re-entrant with
 * respect to claims.
 */
import { foldToAscii } from '../text/fold.js';
import { parseDate, type DateResult } from '../text/date.js';
import { parseSex } from '../text/sex.js';
import { parseIdInput, type IdInput } from './national-id-input.js';
import { ClaimName } from './name-verdict.js';
import type { FieldPlan, RegisterLayout } from './register-layout.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** A field's raw value in a claim: its input column, else a property named like the field. */
export function claimValue(claim: Record<string, unknown>, f: FieldPlan): unknown {
  return hasOwn.call(claim, f.column) ? claim[f.column] : hasOwn.call(claim, f.name) ? claim[f.name] : undefined;
}

/** Trimmed text of a raw claim value: null when absent, blank or of an unusable type. */
function textOf(v: unknown): string | null {
  let t: string | null = null;
  if (typeof v === 'string') t = v.trim();
  else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint') t = String(v);
  return t === '' ? null : t;
}

function isBad(v: unknown): boolean {
  return v !== null && v !== undefined && typeof v !== 'string' && typeof v !== 'bigint' && !(typeof v === 'number' && Number.isFinite(v));
}

/** ID parse of a raw value (null when missing); what PreparedClaim.id returns. */
export function idInputOf(v: unknown): IdInput | null {
  const t = textOf(v);
  if (t === null && !isBad(v)) return null;
  return parseIdInput(typeof v === 'bigint' ? String(v) : typeof v === 'string' ? t : v);
}

export class PreparedClaim {
  /** Trimmed text per field (null = missing or unusable). */
  readonly text: Array<string | null>;
  /** Raw value per field. */
  readonly raw: unknown[];
  /** 1 where the value's type is unusable. */
  readonly bad: Uint8Array;
  /**
   * The one parse of each field (a field has one kind): IdInput, DateResult, sex code,
   * folded text or ClaimName; undefined until first asked for.
   */
  private readonly parsed: unknown[];

  constructor(claim: Record<string, unknown>, layout: RegisterLayout) {
    const K = layout.fields.length;
    this.text = new Array<string | null>(K);
    this.raw = new Array<unknown>(K);
    this.bad = new Uint8Array(K);
    this.parsed = new Array<unknown>(K);
    for (let i = 0; i < K; i++) {
      const f = layout.fields[i]!;
      const v = claimValue(claim, f);
      this.raw[i] = v;
      this.text[i] = textOf(v);
      if (isBad(v)) this.bad[i] = 1;
    }
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

  /** The field's date parse with the schema's options (call only when text is non-null). */
  date(f: FieldPlan): DateResult {
    const i = f.index;
    let r = this.parsed[i] as DateResult | undefined;
    if (r === undefined) {
      const v = this.raw[i];
      r = parseDate(typeof v === 'number' ? v : this.text[i], f.dateOptions);
      this.parsed[i] = r;
    }
    return r;
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

  /** The field's folded text (identifier: without spaces; call only when text is non-null). */
  fold(f: FieldPlan): string {
    const i = f.index;
    let r = this.parsed[i] as string | undefined;
    if (r === undefined) {
      r = foldToAscii(this.text[i]!);
      if (f.identifier) r = r.split(' ').join('');
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
