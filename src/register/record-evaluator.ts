/**
 * RecordEvaluator: a prepared claim against one stored record → one outcome per field, the
 * match weight, and whether the verification policy holds; plus the builders of the
 * user-facing `fields` / `explanation` objects from outcome rows.
 *
 *   outcomes  Uint8Array, one OUTCOME ROW per schema field (verdict.ts tables)
 *   weight    prior + Σ_k model.weights[(k << 8) | level(k)]     — the same sum, in the same
 *             order, as FellegiSunterModel.explain().total
 *   policy    ∀k: mask(k) = 0 (not required) or mask(k) & bit(outcome(k)) ≠ 0
 *
 * Trade-off: record values are read through the store's accessors (a few per field, O(1),
 * one small string for text columns — except names, compared on the stored bytes in place:
 * StoreReader.nameOutcome, no string unless the comparison needs the text); the evaluator holds
 * no per-claim state, so it can be used for any number of records of a claim (ambiguous IDs,
 * candidates).
 */
import type { RecordStore } from '../block/record-store.js';
import { KhopError } from '../errors.js';
import type { CategoryDictionary } from './category-dictionary.js';
import { StoreReader } from './store-reader.js';
import type { FellegiSunterModel } from '../score/fellegi-sunter.js';
import type { PreparedClaim } from './claim.js';
import { compareDateField, compareIdField, compareOtherField, compareSexField, sameIdOutcome } from './field-verdicts.js';
import { compareName } from './name-verdict.js';
import type { ResolvedPolicy } from './policy.js';
import type { FieldGroup, FieldPlan, RegisterLayout } from './register-layout.js';
import {
  DATE_OUTCOMES,
  ID,
  ID_OUTCOMES,
  NAME,
  NAME_OUTCOMES,
  OTHER_OUTCOMES,
  SEX_OUTCOMES,
  type ExplainedField,
  type FieldVerdict,
  type Outcome,
} from './verdict.js';
import { formHasNameTail, formNameStyle } from './written-form.js';

/** Outcome table of each field group. */
export const OUTCOMES: Readonly<Record<FieldGroup, readonly Outcome[]>> = Object.freeze({
  id: ID_OUTCOMES,
  name: NAME_OUTCOMES,
  date: DATE_OUTCOMES,
  sex: SEX_OUTCOMES,
  other: OTHER_OUTCOMES,
});

/** How the record being evaluated was found. */
export const BY_ID = 0;
export const BY_EARLIER_ID = 1;
export const BY_SEARCH = 2;

/** Flags of an evaluation: the field outcomes' results. */
export interface Evaluation {
  weight: number;
  policyHolds: boolean;
}

/** The frozen user-facing objects of one outcome shape (one outcome row per field). */
export interface VerdictShape {
  readonly fields: Readonly<Record<string, FieldVerdict>>;
  readonly explanation: readonly ExplainedField[];
}

/**
 * Memo of verdict shapes: outcome rows → the frozen `fields` and `explanation` objects.
 *
 * Key: the rows as one integer, Σ row(k) · 32^k — exact while every row < 32 (the largest
 * outcome table has 20 rows, verdict.ts) and 32^K ≤ 2^53, i.e. K ≤ 10 fields. Wider schemas,
 * and shapes past MAX_SHAPES distinct ones, get fresh (still frozen) objects: the memo never
 * grows without bound. The number of distinct shapes in practice is small (a few per status).
 */
export class ShapeMemo {
  static readonly MAX_SHAPES = 4096;
  private readonly memo = new Map<number, VerdictShape>();
  private readonly keyed: boolean;

  constructor(
    private readonly names: readonly string[],
    private readonly tables: ReadonlyArray<readonly Outcome[]>,
    private readonly explained: ReadonlyArray<readonly ExplainedField[]>,
  ) {
    this.keyed = names.length <= 10 && tables.every((t) => t.length <= 32);
  }

  get(outcomes: Uint8Array): VerdictShape {
    return this.getAt(outcomes, 0);
  }

  /**
   * The shape of the K outcome rows at `bytes[at .. at + K)` — what `get(bytes.subarray(at,
   * at + K))` returns, without making the view (a decoder reads rows in place).
   */
  getAt(bytes: Uint8Array, at: number): VerdictShape {
    const K = this.names.length;
    if (!this.keyed) return this.build(bytes.subarray(at, at + K));
    let key = 0;
    for (let k = at + K - 1; k >= at; k--) key = key * 32 + bytes[k]!;
    let shape = this.memo.get(key);
    if (shape === undefined) {
      shape = this.build(bytes.subarray(at, at + K));
      if (this.memo.size < ShapeMemo.MAX_SHAPES) this.memo.set(key, shape);
    }
    return shape;
  }

  private build(outcomes: Uint8Array): VerdictShape {
    const fields: Record<string, FieldVerdict> = {};
    const K = this.names.length;
    const explanation = new Array<ExplainedField>(K);
    for (let k = 0; k < K; k++) {
      const row = outcomes[k]!;
      fields[this.names[k]!] = this.tables[k]![row]!.verdict;
      explanation[k] = this.explained[k]![row]!;
    }
    return { fields: Object.freeze(fields), explanation: Object.freeze(explanation) };
  }
}

export class RecordEvaluator {
  private reader: StoreReader;
  private readonly tables: ReadonlyArray<readonly Outcome[]>;
  private readonly weights: Float64Array;
  private readonly prior: number;
  /** explained[k][o]: the frozen explanation entry of field k on outcome row o (built once). */
  private readonly explained: ReadonlyArray<readonly ExplainedField[]>;
  /** The frozen `fields` / `explanation` objects of each outcome shape seen. */
  private readonly shapes: ShapeMemo;

  constructor(
    private readonly layout: RegisterLayout,
    store: RecordStore,
    private readonly model: FellegiSunterModel,
    private readonly policy: ResolvedPolicy,
    private readonly dictionary: CategoryDictionary,
  ) {
    this.reader = new StoreReader(store);
    this.tables = layout.fields.map((f) => OUTCOMES[f.group]);
    this.weights = model.weights;
    this.prior = model.priorWeight;
    this.explained = layout.fields.map((f, k) =>
      this.tables[k]!.map((oc) => Object.freeze({ field: f.name, result: oc.verdict.result, weight: this.weights[(k << 8) | oc.level]! })),
    );
    this.shapes = new ShapeMemo(layout.fields.map((f) => f.name), this.tables, this.explained);
  }

  /** Point at a new store (after compaction). */
  setStore(store: RecordStore): void {
    this.reader = new StoreReader(store);
  }

  /** The reader of the current store (shared with the register's lookups). */
  get store(): StoreReader {
    return this.reader;
  }

  /**
   * Compare `claim` with store row `row`, writing one outcome row per field into `out`;
   * `foundBy` says how the row was reached (BY_ID / BY_EARLIER_ID decide the ID field).
   * Writes the weight and the policy flag into `result`.
   */
  evaluate(claim: PreparedClaim, row: number, foundBy: number, out: Uint8Array, result: Evaluation): void {
    const L = this.layout;
    const form = this.formOf(row);
    const masks = this.policy.masks;
    const weights = this.weights;
    let weight = this.prior;
    let holds = true;
    for (const f of L.fields) {
      const o = this.outcome(claim, row, f, foundBy, form);
      out[f.index] = o;
      const oc = this.tables[f.index]![o]!;
      weight += weights[(f.index << 8) | oc.level]!;
      const mask = masks[f.index]!;
      if (mask !== 0 && (mask & oc.bit) === 0) holds = false;
    }
    result.weight = weight;
    result.policyHolds = holds;
  }

  /** The written-form byte of store row `row` (written-form.ts; 0 when missing). */
  formOf(row: number): number {
    return this.reader.number(this.layout.formColumn, row) ?? 0;
  }

  /**
   * The outcome row of field `f` alone — what `evaluate` writes for it: `form` is the row's
   * written-form byte (formOf), `foundBy` as in evaluate. Lets a caller compare some fields
   * first and the others only when needed (candidate-search.ts).
   */
  outcome(claim: PreparedClaim, row: number, f: FieldPlan, foundBy: number, form: number): number {
    const L = this.layout;
    const store = this.reader;
    const col = f.storeColumn;
    // A claim without the field: every comparator answers before looking at the record's value
    // (claim-missing, or invalid for a value of an unusable type), so the record is not read —
    // a store read is a cache miss on a large register, a text cell also a UTF-8 decode. For an
    // ID, only a claim with no value at all (id() null) answers first.
    const absent = claim.text[f.index] === null;
    switch (f.group) {
      case 'id':
        if (f === L.id && foundBy !== BY_SEARCH) return foundBy === BY_ID ? sameIdOutcome(claim, f) : ID.EARLIER;
        if (absent && claim.bad[f.index] === 0) return compareIdField(claim, f, null);
        return this.cellOutcome(claim, f, store.number(col, row));
      case 'name': {
        if (claim.bad[f.index] === 1) return NAME.INVALID;
        if (absent) return compareName(null, null, 0);
        // compareName on the stored bytes, read in place (no string decoded unless needed).
        return store.nameOutcome(col, row, claim.name(f), this.nameStyle(f, form), formHasNameTail(form));
      }
      case 'date':
        if (absent) return compareDateField(claim, f, null);
        return this.cellOutcome(claim, f, store.number(col, row));
      case 'sex':
        if (absent) return compareSexField(claim, f, null);
        return this.cellOutcome(claim, f, store.number(col, row));
      default:
        if (absent) return compareOtherField(claim, f, null);
        if (f.category) return compareOtherField(claim, f, this.dictionary.decode(f.index, store.number(col, row) ?? 0), this.dictionary.holdsProvinces(f.index));
        return compareOtherField(claim, f, store.text(col, row));
    }
  }

  /**
   * The outcome of an ID, date or sex field `f` whose stored cell holds `value` (null: the cell
   * is missing), for a claim that HAS the field (text non-null) and was not found by this ID:
   * what `outcome` decides from the same cell (it calls this), for a caller that read the cell
   * itself (candidate-search.ts). A date or sex cell carries its own written form (written-form.ts).
   */
  cellOutcome(claim: PreparedClaim, f: FieldPlan, value: number | null): number {
    switch (f.group) {
      case 'id':
        return compareIdField(claim, f, value);
      case 'date':
        return compareDateField(claim, f, value);
      case 'sex':
        return compareSexField(claim, f, value);
      default:
        throw new KhopError('INTERNAL', `RecordEvaluator.cellOutcome: field group '${f.group}' has no numeric cell`);
    }
  }

  /**
   * The written style of a name field's stored value (written-form.ts): its slot's in the row's
   * form byte, or −1 for a field without a slot (the style is in its cell: compareNameCell).
   */
  nameStyle(f: FieldPlan, form: number): number {
    return f.nameSlot >= 0 ? formNameStyle(form, f.nameSlot) : -1;
  }

  /** Weight in bits of outcome row `o` of field `k` (the model's weight of the row's level). */
  outcomeWeight(k: number, o: number): number {
    return this.weights[(k << 8) | this.tables[k]![o]!.level]!;
  }

  /** Number of outcome rows of field `k` (verdict.ts tables). */
  outcomeCount(k: number): number {
    return this.tables[k]!.length;
  }

  /** The model's prior weight in bits (every weight is this plus one level weight per field). */
  get priorWeight(): number {
    return this.prior;
  }

  /**
   * The user-facing `fields` object of outcome rows: frozen, and the SAME object for every
   * verdict with the same rows (memoised, see {@link ShapeMemo}) — most verdicts of a batch
   * share one of a few shapes, so a verdict allocates no per-field object.
   */
  fields(outcomes: Uint8Array): Readonly<Record<string, FieldVerdict>> {
    return this.shapes.get(outcomes).fields;
  }

  /** The per-field explanation of outcome rows (frozen; memoised like {@link fields}). */
  explanation(outcomes: Uint8Array): readonly ExplainedField[] {
    return this.shapes.get(outcomes).explanation;
  }

  /**
   * Both objects of the outcome rows at `bytes[at .. at + K)` (one memo lookup, no view made):
   * what the verdict decoder (verdict-codec.ts) builds a verdict from.
   */
  shape(bytes: Uint8Array, at: number): VerdictShape {
    return this.shapes.getAt(bytes, at);
  }

  /** Names of the fields whose outcome the policy rejects (for MISMATCH reasons). */
  failedFields(outcomes: Uint8Array): string[] {
    const out: string[] = [];
    const fields = this.layout.fields;
    const masks = this.policy.masks;
    for (let k = 0; k < fields.length; k++) {
      const mask = masks[k]!;
      if (mask !== 0 && (mask & this.tables[k]![outcomes[k]!]!.bit) === 0) out.push(fields[k]!.name);
    }
    return out;
  }

  /** The model (for snapshots). */
  get fsModel(): FellegiSunterModel {
    return this.model;
  }
}
