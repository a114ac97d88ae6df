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
 * one small string for text columns); the evaluator holds no per-claim state, so it can be
 * used for any number of records of a claim (ambiguous IDs, candidates).
 */
import type { RecordStore } from '../block/record-store.js';
import type { CategoryDictionary } from './category-dictionary.js';
import { StoreReader } from './store-reader.js';
import type { FellegiSunterModel } from '../score/fellegi-sunter.js';
import type { PreparedClaim } from './claim.js';
import { compareDateField, compareIdField, compareOtherField, compareSexField, sameIdOutcome } from './field-verdicts.js';
import { compareName } from './name-verdict.js';
import type { ResolvedPolicy } from './policy.js';
import type { FieldGroup, RegisterLayout } from './register-layout.js';
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
import { NAME_STYLE_LOWER, formDateFormat, formNameStyle } from './written-form.js';

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

export class RecordEvaluator {
  private reader: StoreReader;
  private readonly tables: ReadonlyArray<readonly Outcome[]>;
  private readonly weights: Float64Array;
  private readonly prior: number;
  /** explained[k][o]: the frozen explanation entry of field k on outcome row o (built once). */
  private readonly explained: ReadonlyArray<readonly ExplainedField[]>;

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
    const store = this.reader;
    const form = store.number(L.formColumn, row) ?? 0;
    const masks = this.policy.masks;
    const weights = this.weights;
    let weight = this.prior;
    let holds = true;
    for (const f of L.fields) {
      const col = f.storeColumn;
      let o: number;
      switch (f.group) {
        case 'id':
          if (f === L.id && foundBy !== BY_SEARCH) o = foundBy === BY_ID ? sameIdOutcome(claim, f) : ID.EARLIER;
          else o = compareIdField(claim, f, store.number(col, row));
          break;
        case 'name':
          if (claim.bad[f.index] === 1) o = NAME.INVALID;
          else {
            // Secondary name fields have no written style: exact when written as the normalised form.
            const style = f === L.name ? formNameStyle(form) : NAME_STYLE_LOWER;
            o = compareName(claim.text[f.index] === null ? null : claim.name(f), store.text(col, row), style);
          }
          break;
        case 'date':
          o = compareDateField(claim, f, store.number(col, row), f === L.date ? formDateFormat(form) : -1);
          break;
        case 'sex':
          o = compareSexField(claim, f, store.number(col, row));
          break;
        default:
          o = compareOtherField(claim, f, f.category ? this.dictionary.decode(f.index, store.number(col, row) ?? 0) : store.text(col, row));
      }
      out[f.index] = o;
      const oc = this.tables[f.index]![o]!;
      weight += weights[(f.index << 8) | oc.level]!;
      const mask = masks[f.index]!;
      if (mask !== 0 && (mask & oc.bit) === 0) holds = false;
    }
    result.weight = weight;
    result.policyHolds = holds;
  }

  /** The user-facing `fields` object of outcome rows (shared frozen FieldVerdicts). */
  fields(outcomes: Uint8Array): Record<string, FieldVerdict> {
    const out: Record<string, FieldVerdict> = {};
    const fields = this.layout.fields;
    for (let k = 0; k < fields.length; k++) out[fields[k]!.name] = this.tables[k]![outcomes[k]!]!.verdict;
    return out;
  }

  /** The per-field explanation of outcome rows. */
  explanation(outcomes: Uint8Array): ExplainedField[] {
    const K = this.layout.fields.length;
    const out = new Array<ExplainedField>(K);
    for (let k = 0; k < K; k++) out[k] = this.explained[k]![outcomes[k]!]!;
    return out;
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
