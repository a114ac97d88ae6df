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
import { noRecordVerdictObject, recordVerdictObject, type VerdictObjects } from './verdict-codec.js';
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

/** What building a Verdict object about a record needs beyond the outcome rows. */
export interface RecordFacts {
  /** The user-facing record id of a store row. */
  recordIdOf(row: number): string | number;
  /** The MISMATCH reason of outcome rows that fail the policy. */
  mismatchReason(outcomes: Uint8Array): string;
  /** True for BY_ID, false for BY_EARLIER_ID. */
  byId(by: MatchedByCode): boolean;
}

/** Makes the Verdict object `authenticate` returns; `take()` hands it over. */
export class VerdictObjectSink implements VerdictSink {
  private value: Verdict | null = null;

  constructor(
    private readonly objects: VerdictObjects & { fields(outcomes: Uint8Array): Verdict['fields']; explanation(outcomes: Uint8Array): NonNullable<Verdict['explanation']> },
    private readonly facts: RecordFacts,
  ) {}

  record(row: number, by: MatchedByCode, outcomes: Uint8Array, weight: number, holds: boolean): void {
    const o = this.objects;
    this.value = recordVerdictObject(
      holds ? 'VERIFIED' : 'MISMATCH',
      o.fields(outcomes),
      this.facts.recordIdOf(row),
      this.facts.byId(by) ? 'id' : 'earlierId',
      weight,
      o.explanation(outcomes),
      holds ? undefined : this.facts.mismatchReason(outcomes),
    );
  }

  noRecord(status: VerdictStatus, reason: string, outcomes: Uint8Array, matchedBy: 'id' | 'earlierId' | null, candidates: VerdictCandidate[] | undefined): void {
    this.value = noRecordVerdictObject(status, this.objects.fields(outcomes), matchedBy, reason, candidates);
  }

  /** The verdict of the last claim (each claim writes exactly one). */
  take(): Verdict {
    const v = this.value!;
    this.value = null;
    return v;
  }
}
