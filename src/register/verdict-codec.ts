/**
 * Verdict codec: verdicts as a few flat arrays, so a batch of them crosses threads as three
 * structured-clone-cheap values instead of thousands of nested objects — and the builders of
 * the Verdict objects themselves, shared by the register (one thread) and the decoder (the
 * calling thread of a pooled authenticateMany), so both produce the same objects, key order
 * included.
 *
 *   per verdict, bytes:  status · matchedBy · flags · K field outcome rows (verdict.ts tables)
 *                        [candidates: count u16 LE · per candidate: flags · K outcome rows]
 *                nums:   weight · [recordId] · per candidate: weight · [recordId]
 *                text:   strings appended: [recordId] · [reason] · per candidate: [recordId]
 *                lengths: the length of each string of `text`, in order
 *
 * The strings of a batch cross as ONE string (one copy; the decoder cuts them back by length):
 * a batch of 8,192 verdicts holds ~10k record ids and reasons, each one an allocation and a
 * copy on both sides when sent as an array of strings.
 *
 * A field verdict is a shared frozen row of its outcome table, so its row number is recovered
 * by identity (one Map per field), and the explanation of a verdict with a record is a
 * function of the same rows (RecordEvaluator.explanation). The tables are fixed per field
 * group, so encoder and decoder agree without exchanging anything but the layout. The decoder
 * gets both objects of a verdict's rows with one memo lookup on the rows in place
 * (VerdictObjects.shape(bytes, at): no subarray view, no second lookup per verdict).
 *
 * Trade-off: the worker still builds the Verdict objects and the encoder reads them back
 * (simple, and it keeps one code path for what a verdict says) — one Map lookup per verdict,
 * since a verdict's `fields` object is shared by its outcome shape (record-evaluator.ts
 * ShapeMemo); the calling thread pays one object per verdict — what one-by-one `authenticate`
 * pays for the same, and far less than structured clone of the objects (measured in
 * bench/register/parallel.ts). authenticateAll's workers encode here only their verdicts
 * WITHOUT a record (reasons, candidates); the rest they write into a VerdictTable's shared
 * columns (verdict-table.ts).
 */
import { KhopError } from '../errors.js';
import type { ExplainedField, FieldVerdict, Outcome, Verdict, VerdictCandidate, VerdictStatus } from './verdict.js';

/** The statuses by code: the status byte of an encoded verdict (and VerdictTable.status). */
export const VERDICT_STATUSES: readonly VerdictStatus[] = Object.freeze(['VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID', 'INCONSISTENT_ID', 'AMBIGUOUS']);
const STATUSES = VERDICT_STATUSES;
/** Status → its code (the inverse of VERDICT_STATUSES). */
export const STATUS_CODE: ReadonlyMap<VerdictStatus, number> = new Map<VerdictStatus, number>(STATUSES.map((s, i) => [s, i]));
/** matchedBy by code: the second byte of an encoded verdict. */
export const MATCHED_BY: ReadonlyArray<'id' | 'earlierId' | null> = Object.freeze([null, 'id', 'earlierId']);

/** Flags byte of an encoded verdict: explanation present, reason present, candidates present. */
export const F_EXPLANATION = 1;
export const F_REASON = 2;
export const F_CANDIDATES = 4;
/** Record id kind, bits 3–4: 0 none, 1 number, 2 string. */
export const ID_SHIFT = 3;
export const ID_NUMBER = 1;
export const ID_STRING = 2;
/** Candidate flags: record id kind in bits 0–1, fields present in bit 2. */
export const C_FIELDS = 4;
const MAX_ENCODED_CANDIDATES = 0xffff;
/** Most `fields` objects whose rows an encoder remembers. */
const MAX_SHAPE_ROWS = 4096;

/** A batch of encoded verdicts (what a worker returns). */
export interface EncodedVerdicts {
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly nums: Float64Array;
  /** The batch's record id and reason strings, appended (see the layout above). */
  readonly text: string;
  /** The length of each string of `text`, in order. */
  readonly lengths: Uint32Array;
}

/** Builds the user-facing objects of outcome rows (RecordEvaluator implements it). */
export interface VerdictObjects {
  /** The `fields` and `explanation` objects of the K outcome rows at `bytes[at .. at + K)`. */
  shape(bytes: Uint8Array, at: number): { readonly fields: Readonly<Record<string, FieldVerdict>>; readonly explanation: readonly ExplainedField[] };
}

/** A verdict about one register record (VERIFIED / MISMATCH). Key order is part of the contract. */
export function recordVerdictObject(
  status: VerdictStatus,
  fields: Verdict['fields'],
  recordId: string | number,
  matchedBy: 'id' | 'earlierId',
  weight: number,
  explanation: Verdict['explanation'],
  reason: string | undefined,
): Verdict {
  const v: {
    status: VerdictStatus;
    fields: Verdict['fields'];
    recordId: string | number;
    matchedBy: 'id' | 'earlierId';
    weight: number;
    explanation: Verdict['explanation'];
    reason?: string;
  } = { status, fields, recordId, matchedBy, weight, explanation };
  if (reason !== undefined) v.reason = reason;
  return v;
}

/** A verdict without a compared record (NOT_FOUND, INVALID_ID, INCONSISTENT_ID, AMBIGUOUS). */
export function noRecordVerdictObject(
  status: VerdictStatus,
  fields: Verdict['fields'],
  matchedBy: 'id' | 'earlierId' | null,
  reason: string,
  candidates: VerdictCandidate[] | undefined,
): Verdict {
  const v: {
    status: VerdictStatus;
    fields: Verdict['fields'];
    recordId: null;
    matchedBy: 'id' | 'earlierId' | null;
    weight: number;
    explanation: null;
    candidates?: VerdictCandidate[];
    reason: string;
  } = { status, fields, recordId: null, matchedBy, weight: Number.NaN, explanation: null, reason };
  if (candidates !== undefined) v.candidates = candidates;
  return v;
}

/** Growable byte / number / string sinks of one batch. */
class Sink {
  bytes: Uint8Array;
  nums: Float64Array;
  nb = 0;
  nn = 0;
  text = '';
  lengths: Uint32Array;
  ns = 0;

  constructor(bytes: number, nums: number) {
    this.bytes = new Uint8Array(Math.max(16, bytes));
    this.nums = new Float64Array(Math.max(4, nums));
    this.lengths = new Uint32Array(Math.max(4, nums));
  }

  byte(b: number): void {
    if (this.nb === this.bytes.length) {
      const g = new Uint8Array(this.bytes.length * 2);
      g.set(this.bytes);
      this.bytes = g;
    }
    this.bytes[this.nb++] = b;
  }

  num(x: number): void {
    if (this.nn === this.nums.length) {
      const g = new Float64Array(this.nums.length * 2);
      g.set(this.nums);
      this.nums = g;
    }
    this.nums[this.nn++] = x;
  }

  str(x: string): void {
    if (this.ns === this.lengths.length) {
      const g = new Uint32Array(this.lengths.length * 2);
      g.set(this.lengths);
      this.lengths = g;
    }
    this.lengths[this.ns++] = x.length;
    this.text += x;
  }
}

/**
 * Encodes verdicts of one register layout (worker side, and the calling thread's read-ahead
 * batches): `encode(verdicts)`, or verdict by verdict with begin / add / finish, so a batch's
 * Verdict objects need not be alive together.
 */
/**
 * A verdict's `fields` object → its K outcome rows. The register hands out one frozen `fields`
 * object per outcome shape (record-evaluator.ts ShapeMemo), so this is one Map lookup instead
 * of K; bounded like the memo it mirrors.
 */
export class OutcomeRows {
  /** rowOf[k]: field verdict object → its outcome row, for field k. */
  private readonly rowOf: ReadonlyArray<ReadonlyMap<FieldVerdict, number>>;
  private readonly shapeRows = new Map<object, Uint8Array>();

  /** `fields`: per schema field in order, its name and outcome table. */
  constructor(private readonly fields: ReadonlyArray<{ readonly name: string; readonly table: readonly Outcome[] }>) {
    this.rowOf = fields.map((f) => new Map(f.table.map((oc, i) => [oc.verdict, i] as const)));
  }

  /** The rows of `fields` (shared: do not modify). */
  of(fields: Readonly<Record<string, FieldVerdict>>): Uint8Array {
    const K = this.fields.length;
    let rows = this.shapeRows.get(fields);
    if (rows === undefined) {
      rows = new Uint8Array(K);
      for (let k = 0; k < K; k++) {
        const row = this.rowOf[k]!.get(fields[this.fields[k]!.name]!);
        if (row === undefined) throw new KhopError('INTERNAL', 'verdict codec: a field verdict is not a row of its outcome table');
        rows[k] = row;
      }
      // Only frozen objects can be remembered: a mutable one could change under the key.
      if (Object.isFrozen(fields) && this.shapeRows.size < MAX_SHAPE_ROWS) this.shapeRows.set(fields, rows);
    }
    return rows;
  }
}

export class VerdictEncoder {
  private readonly rows: OutcomeRows;
  private sink: Sink | null = null;
  private count = 0;

  /** `fields`: per schema field in order, its name and outcome table. */
  constructor(private readonly fields: ReadonlyArray<{ readonly name: string; readonly table: readonly Outcome[] }>) {
    this.rows = new OutcomeRows(fields);
  }

  encode(verdicts: readonly Verdict[]): EncodedVerdicts {
    this.begin(verdicts.length);
    for (const v of verdicts) this.add(v);
    return this.finish();
  }

  /** Start a batch of about `expected` verdicts. */
  begin(expected: number): void {
    this.sink = new Sink(expected * (3 + this.fields.length), expected * 2);
    this.count = 0;
  }

  add(v: Verdict): void {
    const s = this.sink;
    if (s === null) throw new KhopError('INTERNAL', 'verdict codec: add() before begin()');
    const status = STATUS_CODE.get(v.status);
    if (status === undefined) throw new KhopError('INTERNAL', 'verdict codec: unknown status');
    s.byte(status);
    s.byte(v.matchedBy === null ? 0 : v.matchedBy === 'id' ? 1 : 2);
    const idKind = v.recordId === null ? 0 : typeof v.recordId === 'number' ? ID_NUMBER : ID_STRING;
    const cands = v.candidates;
    s.byte(
      (v.explanation !== null ? F_EXPLANATION : 0) |
        (v.reason !== undefined ? F_REASON : 0) |
        (cands !== undefined ? F_CANDIDATES : 0) |
        (idKind << ID_SHIFT),
    );
    this.outcomes(s, v.fields);
    s.num(v.weight);
    if (idKind === ID_NUMBER) s.num(v.recordId as number);
    else if (idKind === ID_STRING) s.str(v.recordId as string);
    if (v.reason !== undefined) s.str(v.reason);
    if (cands !== undefined) {
      if (cands.length > MAX_ENCODED_CANDIDATES) throw new KhopError('INTERNAL', 'verdict codec: too many candidates');
      s.byte(cands.length & 0xff);
      s.byte(cands.length >>> 8);
      for (const c of cands) {
        const kind = typeof c.recordId === 'number' ? ID_NUMBER : ID_STRING;
        s.byte(kind | (c.fields !== undefined ? C_FIELDS : 0));
        if (c.fields !== undefined) this.outcomes(s, c.fields);
        s.num(c.weight);
        if (kind === ID_NUMBER) s.num(c.recordId as number);
        else s.str(c.recordId as string);
      }
    }
    this.count++;
  }

  finish(): EncodedVerdicts {
    const s = this.sink;
    if (s === null) throw new KhopError('INTERNAL', 'verdict codec: finish() before begin()');
    this.sink = null;
    // slice (a copy), not subarray: structured clone copies a view's whole buffer.
    return { count: this.count, bytes: s.bytes.slice(0, s.nb), nums: s.nums.slice(0, s.nn), text: s.text, lengths: s.lengths.slice(0, s.ns) };
  }

  private outcomes(s: Sink, fields: Readonly<Record<string, FieldVerdict>>): void {
    const K = this.fields.length;
    const rows = this.rows.of(fields);
    for (let k = 0; k < K; k++) s.byte(rows[k]!);
  }
}

/** Decodes one encoded batch, verdict by verdict, in order (calling-thread side). */
export class VerdictDecoder {
  private b = 0;
  private n = 0;
  /** Strings read, and where the next one starts in `enc.text`. */
  private t = 0;
  private at = 0;
  private decoded = 0;

  constructor(
    private readonly enc: EncodedVerdicts,
    private readonly K: number,
    private readonly objects: VerdictObjects,
  ) {}

  get remaining(): number {
    return this.enc.count - this.decoded;
  }

  /**
   * Check that the batch was read exactly: every verdict, byte, number and string.
   * @throws KhopError INTERNAL otherwise (a malformed batch).
   */
  end(): void {
    const e = this.enc;
    if (this.decoded !== e.count || this.b !== e.bytes.length || this.n !== e.nums.length || this.t !== e.lengths.length) {
      throw new KhopError('INTERNAL', 'verdict codec: the batch does not hold what its verdicts say');
    }
  }

  /** The next string of the batch. */
  private str(): string {
    const end = this.at + this.enc.lengths[this.t++]!;
    const x = this.enc.text.slice(this.at, end);
    this.at = end;
    return x;
  }

  next(): Verdict {
    if (this.decoded >= this.enc.count) throw new KhopError('INTERNAL', 'verdict codec: read past the batch');
    this.decoded++;
    const { bytes, nums } = this.enc;
    const status = STATUSES[bytes[this.b]!]!;
    const matchedBy = MATCHED_BY[bytes[this.b + 1]!]!;
    const flags = bytes[this.b + 2]!;
    this.b += 3;
    const shape = this.objects.shape(bytes, this.b);
    this.b += this.K;
    const weight = nums[this.n++]!;
    const idKind = flags >>> ID_SHIFT;
    const recordId = idKind === ID_NUMBER ? nums[this.n++]! : idKind === ID_STRING ? this.str() : null;
    const reason = (flags & F_REASON) !== 0 ? this.str() : undefined;
    const fields = shape.fields;
    if ((flags & F_EXPLANATION) !== 0) {
      return recordVerdictObject(status, fields, recordId!, matchedBy as 'id' | 'earlierId', weight, shape.explanation, reason);
    }
    let candidates: VerdictCandidate[] | undefined;
    if ((flags & F_CANDIDATES) !== 0) {
      const count = bytes[this.b]! | (bytes[this.b + 1]! << 8);
      this.b += 2;
      candidates = new Array<VerdictCandidate>(count);
      for (let i = 0; i < count; i++) {
        const cf = bytes[this.b++]!;
        let cfields: Readonly<Record<string, FieldVerdict>> | undefined;
        if ((cf & C_FIELDS) !== 0) {
          cfields = this.objects.shape(bytes, this.b).fields;
          this.b += this.K;
        }
        const w = nums[this.n++]!;
        const id = (cf & 3) === ID_NUMBER ? nums[this.n++]! : this.str();
        candidates[i] = cfields === undefined ? { recordId: id, weight: w } : { recordId: id, weight: w, fields: cfields };
      }
    }
    return noRecordVerdictObject(status, fields, matchedBy, reason!, candidates);
  }
}
