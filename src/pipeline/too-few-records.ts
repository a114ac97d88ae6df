/**
 * The "too few usable records to train a model" failure of dedupe and link (D15): its message,
 * and the details a caller reads back to restate it.
 *
 * Trade-off: the message counts only the rows the pipeline was given. A caller that refused
 * rows before the pipeline saw them — the command line, whose reader rejects a row of invalid
 * UTF-8 and passes on the rest — reads the pipeline's counts and rejections from
 * `details.tooFewRecords` and builds the same message over all the rows of its file, so a file
 * whose every row was unreadable is not reported as "0 rows read" (D35).
 * Every text here is counts, codes and reasons (field and column names), never a value.
 */
import { KhopError, isKhopError } from '../errors.js';
import type { RejectedRow } from './prepare.js';

/** `details.tooFewRecords` of the error. */
export interface TooFewRecords {
  /** A link's failure (one usable record per side needed) rather than a dedupe's (two). */
  readonly linkMode: boolean;
  /** Usable records per source (dedupe: one entry; link: left, right). */
  readonly usable: readonly number[];
  /** The pipeline's rejections per source, positions counted within each source. */
  readonly rejectedBySource: readonly (readonly RejectedRow[])[];
}

/** A rejection as the summary counts it: its code and reason (no value). */
export interface RejectionLike {
  readonly code: string;
  readonly reason: string;
}

/**
 * ` (N rows read, M rejected; K CODE: reason; also J CODE2, …)`: the rows read and rejected, the
 * most frequent rejection with its reason (a misspelt idField rejects every row NO_ID, which the
 * bare count would not say), then the count of every other code, most frequent first.
 */
export function rejectionSummary(rowsRead: number, rejected: Iterable<RejectionLike>): string {
  const byCode = new Map<string, { n: number; reason: string }>();
  let total = 0;
  for (const x of rejected) {
    total++;
    const e = byCode.get(x.code);
    if (e === undefined) byCode.set(x.code, { n: 1, reason: x.reason });
    else e.n++;
  }
  if (total === 0) return ` (${rowsRead} row${rowsRead === 1 ? '' : 's'} read)`;
  // Most frequent first; a tie in the order first seen (Array.prototype.sort is stable).
  const codes = [...byCode].sort((a, b) => b[1].n - a[1].n);
  const [code, top] = codes[0]!;
  const rest = codes.slice(1).map(([c, e]) => `${e.n} ${c}`);
  return ` (${rowsRead} rows read, ${total} rejected; ${top.n} ${code}: ${top.reason}${rest.length > 0 ? `; also ${rest.join(', ')}` : ''})`;
}

/** The message: what training needs, the usable records per side of a link, then rejectionSummary. */
export function tooFewRecordsMessage(linkMode: boolean, usable: readonly number[], rowsRead: number, rejected: Iterable<RejectionLike>): string {
  const need = linkMode ? 'need at least one usable record on each side to train a model' : 'need at least two usable records to train a model';
  const sides = linkMode ? `: ${usable[0] ?? 0} usable on the left, ${usable[1] ?? 0} on the right` : '';
  return `${need}${sides}${rejectionSummary(rowsRead, rejected)}`;
}

/**
 * A link's message with each side's rows and rejections beside its usable count:
 * `…: 1 usable on the left (2 rows read, 1 rejected; 1 CODE: reason), 0 on the right (…)` — the
 * rejections of both files counted together named no side, and the top reason ("the header has
 * 3") could be the other file's than the side without usable records.
 */
export function tooFewRecordsMessageBySide(usable: readonly number[], sides: readonly { readonly rowsRead: number; readonly rejected: Iterable<RejectionLike> }[]): string {
  const [left, right] = sides;
  const l = left === undefined ? '' : rejectionSummary(left.rowsRead, left.rejected);
  const r = right === undefined ? '' : rejectionSummary(right.rowsRead, right.rejected);
  return `need at least one usable record on each side to train a model: ${usable[0] ?? 0} usable on the left${l}, ${usable[1] ?? 0} on the right${r}`;
}

/**
 * The error: KhopError INVALID_INPUT with `details.tooFewRecords`. A link's message says each
 * side's rows and rejections beside its usable count (tooFewRecordsMessageBySide) when the
 * rejections are known per side: summed, "(7 rows read, 5 rejected; 5 NO_ID …)" named no side
 * and could be the other side's than the one without usable records.
 */
export function tooFewRecordsError(linkMode: boolean, usable: readonly number[], rowsRead: number, rejectedBySource: readonly (readonly RejectedRow[])[]): KhopError {
  const tooFewRecords: TooFewRecords = { linkMode, usable, rejectedBySource };
  const bySide = linkMode && usable.length === 2 && rejectedBySource.length === 2;
  const message = bySide
    ? tooFewRecordsMessageBySide(usable, rejectedBySource.map((rejected, i) => ({ rowsRead: (usable[i] ?? 0) + rejected.length, rejected })))
    : tooFewRecordsMessage(linkMode, usable, rowsRead, rejectedBySource.flat());
  return new KhopError('INVALID_INPUT', message, { details: { tooFewRecords } });
}

/** The details of a tooFewRecordsError (also when wrapped as another error's cause), or null for any other error. */
export function tooFewRecordsOf(e: unknown): TooFewRecords | null {
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    if (isKhopError(e, 'INVALID_INPUT')) {
      const d = e.details?.['tooFewRecords'];
      if (d !== undefined && d !== null && typeof d === 'object') return d as TooFewRecords;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
