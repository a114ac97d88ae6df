/**
 * VerdictTable: the verdicts of a whole batch of claims as columns — what
 * Register.authenticateAll returns, for a data team that authenticates a database against the
 * register and writes one row of results per claim, or counts them.
 *
 *   status     Uint8Array, per claim: index into VERDICT_STATUSES
 *   weight     Float64Array, per claim: the match weight in bits (NaN when no record)
 *   results    per field, Uint8Array: index into FIELD_RESULTS (exact, equivalent, close,
 *              missing, mismatch) — made on first use from the outcome rows
 *   statusOf(i), recordIdOf(i), matchedByOf(i), reasonOf(i), fieldOf(i, name), candidatesOf(i)
 *   verdict(i) the Verdict object `authenticate` returns for claim i — equal to it, key order
 *              included (the same builders, verdict-codec.ts)
 *
 * Filled verdict by verdict (`put`: the calling thread's verdicts, and a worker's encoded batch
 * as the codec's VerdictDecoder reads it back, `fill`), at the claims' offset: batches may
 * arrive in any order.
 *
 * Trade-off: the outcome rows (K bytes a claim), the weight and the status are kept in typed
 * arrays; record ids, reasons and candidate lists are kept as JS values (an id is a string or
 * a number the caller will want anyway; reasons are a few shared strings; candidates exist
 * only for the few NOT_FOUND / INVALID_ID / AMBIGUOUS claims). No Verdict object exists until
 * `verdict(i)` asks for one, so a table of millions of claims is ~K + 10 bytes a claim plus
 * its record ids.
 */
import { KhopError } from '../errors.js';
import {
  MATCHED_BY,
  noRecordVerdictObject,
  OutcomeRows,
  recordVerdictObject,
  STATUS_CODE,
  VERDICT_STATUSES,
  VerdictDecoder,
  type EncodedVerdicts,
  type VerdictObjects,
} from './verdict-codec.js';
import { FIELD_RESULTS, type FieldResult, type FieldVerdict, type Outcome, type Verdict, type VerdictCandidate, type VerdictStatus } from './verdict.js';
const RESULT_CODE = new Map<FieldResult, number>(FIELD_RESULTS.map((r, i) => [r, i]));

/** One schema field of a table: its name and outcome table (record-evaluator.ts OUTCOMES). */
export interface TableField {
  readonly name: string;
  readonly table: readonly Outcome[];
}

export class VerdictTable {
  /** Per claim: index into VERDICT_STATUSES. */
  readonly status: Uint8Array;
  /** Per claim: the match weight in bits; NaN when no record was compared. */
  readonly weight: Float64Array;
  /** The schema's field names, in the order of the outcome rows. */
  readonly fieldNames: readonly string[];
  private readonly matchedBy: Uint8Array;
  /** K outcome rows per claim (rows of the fields' outcome tables). */
  private readonly outcomes: Uint8Array;
  private readonly recordIds: Array<string | number | null>;
  private readonly reasons: Array<string | undefined>;
  private readonly explained: Uint8Array;
  private readonly candidates = new Map<number, VerdictCandidate[]>();
  private readonly resultColumns = new Map<string, Uint8Array>();
  private readonly fieldIndex: ReadonlyMap<string, number>;
  private readonly rowsOf: OutcomeRows;
  private filled = 0;

  constructor(
    readonly size: number,
    private readonly fields: readonly TableField[],
    private readonly objects: VerdictObjects,
  ) {
    const K = fields.length;
    this.status = new Uint8Array(size);
    this.weight = new Float64Array(size);
    this.matchedBy = new Uint8Array(size);
    this.outcomes = new Uint8Array(size * K);
    this.explained = new Uint8Array(size);
    this.recordIds = new Array<string | number | null>(size).fill(null);
    this.reasons = new Array<string | undefined>(size).fill(undefined);
    this.fieldNames = Object.freeze(fields.map((f) => f.name));
    this.fieldIndex = new Map(fields.map((f, k) => [f.name, k]));
    this.rowsOf = new OutcomeRows(fields);
  }

  /**
   * Write verdict `v` as claim i (the calling thread's Verdict objects, and a worker's batch as
   * fill decodes it): read into the columns and dropped young.
   */
  put(i: number, v: Verdict): void {
    const K = this.fields.length;
    this.check(i);
    this.status[i] = STATUS_CODE.get(v.status)!;
    this.matchedBy[i] = v.matchedBy === null ? 0 : v.matchedBy === 'id' ? 1 : 2;
    const rows = this.rowsOf.of(v.fields);
    for (let k = 0, at = i * K; k < K; k++) this.outcomes[at + k] = rows[k]!;
    this.weight[i] = v.weight;
    this.recordIds[i] = v.recordId;
    this.reasons[i] = v.reason;
    this.explained[i] = v.explanation !== null ? 1 : 0;
    if (v.candidates !== undefined) this.candidates.set(i, v.candidates as VerdictCandidate[]);
    this.filled++;
  }

  /** Every claim's verdict has been written (authenticateAll checks it before returning). */
  get complete(): boolean {
    return this.filled === this.size;
  }

  /**
   * Write the `enc.count` verdicts of one encoded batch (a worker's) as claims at .. at + count − 1,
   * read by the codec's own decoder.
   * @throws KhopError INTERNAL when the batch does not fit or is malformed.
   */
  fill(at: number, enc: EncodedVerdicts): void {
    if (!Number.isInteger(at) || at < 0 || at + enc.count > this.size) throw new KhopError('INTERNAL', 'verdict table: batch out of range');
    const decoder = new VerdictDecoder(enc, this.fields.length, this.objects);
    for (let i = at; i < at + enc.count; i++) this.put(i, decoder.next());
    decoder.end();
  }

  /** The status of claim i. */
  statusOf(i: number): VerdictStatus {
    return VERDICT_STATUSES[this.status[this.check(i)]!]!;
  }

  /** The register record claim i was compared with, or null. */
  recordIdOf(i: number): string | number | null {
    return this.recordIds[this.check(i)]!;
  }

  /** How claim i's record was found: by its ID, by an earlier ID, or null. */
  matchedByOf(i: number): 'id' | 'earlierId' | null {
    return MATCHED_BY[this.matchedBy[this.check(i)]!]!;
  }

  /** Why claim i's status is what it is (absent for VERIFIED). */
  reasonOf(i: number): string | undefined {
    return this.reasons[this.check(i)];
  }

  /** The result of field `name` of claim i. @throws KhopError INVALID_ARGUMENT for an unknown field. */
  fieldOf(i: number, name: string): FieldVerdict {
    const k = this.kOf(name);
    return this.fields[k]!.table[this.outcomes[this.check(i) * this.fields.length + k]!]!.verdict;
  }

  /** "Did you mean" records (NOT_FOUND, INVALID_ID) or the tied records (AMBIGUOUS) of claim i. */
  candidatesOf(i: number): readonly VerdictCandidate[] | undefined {
    return this.candidates.get(this.check(i));
  }

  /**
   * Per claim, the result of field `name` as an index into FIELD_RESULTS ('exact',
   * 'equivalent', 'close', 'missing', 'mismatch'). Made on first use, then shared.
   */
  results(name: string): Uint8Array {
    let col = this.resultColumns.get(name);
    if (col === undefined) {
      const k = this.kOf(name);
      const K = this.fields.length;
      const code = Uint8Array.from(this.fields[k]!.table, (o) => RESULT_CODE.get(o.verdict.result)!);
      col = new Uint8Array(this.size);
      for (let i = 0; i < this.size; i++) col[i] = code[this.outcomes[i * K + k]!]!;
      this.resultColumns.set(name, col);
    }
    return col;
  }

  /** How many claims have each status. */
  statusCounts(): Record<VerdictStatus, number> {
    const counts = new Array<number>(VERDICT_STATUSES.length).fill(0);
    for (let i = 0; i < this.size; i++) counts[this.status[i]!]!++;
    return Object.fromEntries(VERDICT_STATUSES.map((s, c) => [s, counts[c]!])) as Record<VerdictStatus, number>;
  }

  /** The Verdict of claim i, as `Register.authenticate` returns it. */
  verdict(i: number): Verdict {
    this.check(i);
    const K = this.fields.length;
    const shape = this.objects.shape(this.outcomes, i * K);
    const status = VERDICT_STATUSES[this.status[i]!]!;
    const matchedBy = MATCHED_BY[this.matchedBy[i]!]!;
    if (this.explained[i] === 1) {
      return recordVerdictObject(status, shape.fields, this.recordIds[i]!, matchedBy as 'id' | 'earlierId', this.weight[i]!, shape.explanation, this.reasons[i]);
    }
    return noRecordVerdictObject(status, shape.fields, matchedBy, this.reasons[i]!, this.candidates.get(i));
  }

  private check(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new KhopError('INVALID_ARGUMENT', `verdict table: claim index must be an integer in 0..${this.size - 1}`);
    return i;
  }

  private kOf(name: string): number {
    const k = this.fieldIndex.get(name);
    if (k === undefined) throw new KhopError('INVALID_ARGUMENT', 'verdict table: not a field of the register schema', { details: { field: name } });
    return k;
  }
}
