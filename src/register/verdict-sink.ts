/**
 * VerdictSink: where the register's decision about one claim goes. The register decides (ID
 * checks, lookup, evaluation, policy, did-you-mean) and hands the result to a sink in one of
 * two shapes — a verdict about a register record, or one without — and the sink makes what its
 * caller wants of it:
 *
 *   VerdictObjectSink   a Verdict object (authenticate, authenticateMany) — verdict-codec.ts's
 *                       builders, so every path makes the same objects, key order included
 *   TableWriter         columns of a VerdictTable (authenticateAll, verdict-table.ts): no
 *                       Verdict object, no record id string, no reason string for a verdict
 *                       about a record — on the calling thread and on a worker alike
 *
 * Why: a claim that only goes into a table paid for an object, a record id string (decoded from
 * the store) and a MISMATCH reason string (joined), then for reading them back into columns —
 * and, on a worker, for encoding them and for decoding them on the calling thread.
 * The outcome rows passed in are the register's scratch: a sink copies what it keeps.
 */
import { BY_ID, type RecordEvaluator } from './record-evaluator.js';
import { recordIdAt } from './record-id.js';
import type { RegisterLayout } from './register-layout.js';
import { noRecordVerdictObject, recordVerdictObject } from './verdict-codec.js';
import type { Verdict, VerdictCandidate, VerdictStatus } from './verdict.js';

/** How a verdict's record was found (record-evaluator.ts BY_ID / BY_EARLIER_ID). */
export type MatchedByCode = number;

export interface VerdictSink {
  /**
   * A verdict about store row `row` (VERIFIED when `holds`, else MISMATCH), found by `by`
   * (BY_ID or BY_EARLIER_ID), with its outcome rows and weight.
   */
  record(row: number, by: MatchedByCode, outcomes: Uint8Array, weight: number, holds: boolean): void;
  /** A verdict without a compared record (NOT_FOUND, INVALID_ID, INCONSISTENT_ID, AMBIGUOUS). */
  noRecord(status: VerdictStatus, reason: string, outcomes: Uint8Array, matchedBy: 'id' | 'earlierId' | null, candidates: VerdictCandidate[] | undefined): void;
}

/** Between the parts of a reason that names several fields or contradictions. */
export const REASON_SEPARATOR = ', ';

/** The MISMATCH reason of K outcome rows: the fields the register's policy rejects. */
export function mismatchReason(evaluator: RecordEvaluator, outcomes: Uint8Array): string {
  return `policy-failed: ${evaluator.failedFields(outcomes).join(REASON_SEPARATOR)}`;
}

/**
 * Makes the Verdict object `authenticate` returns; `take()` hands it over. Reads the record id
 * and the reason straight from the register's evaluator and layout (no callback into the
 * register: this is on the path of every claim).
 */
export class VerdictObjectSink implements VerdictSink {
  private value: Verdict | null = null;

  constructor(
    private readonly evaluator: RecordEvaluator,
    private readonly layout: RegisterLayout,
  ) {}

  record(row: number, by: MatchedByCode, outcomes: Uint8Array, weight: number, holds: boolean): void {
    const ev = this.evaluator;
    this.value = recordVerdictObject(
      holds ? 'VERIFIED' : 'MISMATCH',
      ev.fields(outcomes),
      recordIdAt(this.layout, ev.store, row),
      by === BY_ID ? 'id' : 'earlierId',
      weight,
      ev.explanation(outcomes),
      holds ? undefined : mismatchReason(ev, outcomes),
    );
  }

  noRecord(status: VerdictStatus, reason: string, outcomes: Uint8Array, matchedBy: 'id' | 'earlierId' | null, candidates: VerdictCandidate[] | undefined): void {
    this.value = noRecordVerdictObject(status, this.evaluator.fields(outcomes), matchedBy, reason, candidates);
  }

  /** The verdict of the last claim (each claim writes exactly one). */
  take(): Verdict {
    const v = this.value!;
    this.value = null;
    return v;
  }
}
