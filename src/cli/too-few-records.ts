/**
 * `khop dedupe` / `khop link` failing for too few usable records to train a model (D15, D35):
 * the failure restated over every row of the input files, and their rejected rows written.
 *
 * The pipeline counts only the rows it was given; the command line's reader rejected some before
 * that (invalid UTF-8, ragged CSV rows, lines that are not JSON). A file whose every row the
 * reader refused used to fail "need at least two usable records … (0 rows read)", with no
 * rejected-rows file to say why. Here the message counts the file's rows and both stages'
 * rejections by code (codes and reasons name columns, never values), and the rejected rows go
 * where a finished run would put them — the failed run's outputs are not written, so the
 * rejected-rows file is what the user has to find the bad rows with.
 */
import { KhopError, isKhopError } from '../errors.js';
import { tooFewRecordsMessage, tooFewRecordsMessageBySide, tooFewRecordsOf } from '../pipeline/too-few-records.js';
import type { InputFile } from './input.js';
import { writeRejectedRows, type RejectedEntry } from './outputs.js';

/** One input of the failed run, in the pipeline's source order. */
export interface FailedInput {
  readonly input: InputFile;
  /** 'left' / 'right' for a link's inputs (the rejected file's `input` column). */
  readonly side?: string;
  /** The --id-field column of this input (names the earlier row of a DUPLICATE_ID). */
  readonly idField?: string | undefined;
  /** Rewrites a pipeline reason into this input's column names (a link's right input). */
  readonly reason?: (reason: string) => string;
}

/**
 * The error a failed dedupe or link ends with: `e` itself unless it is the pipeline's
 * too-few-records failure; then a KhopError INVALID_INPUT counting every row read and rejected,
 * after writing the rejected rows (to --rejected, or the default path when there are any).
 */
export async function tooFewRecordsFailure(
  e: unknown,
  inputs: readonly FailedInput[],
  rejectedOption: string | undefined,
  defaultPath: () => string,
): Promise<unknown> {
  const few = tooFewRecordsOf(e);
  if (few === null) return e;
  const entries: RejectedEntry[] = [];
  const sides: { rowsRead: number; rejected: RejectedEntry[] }[] = [];
  let rowsRead = 0;
  inputs.forEach((f, i) => {
    const pipeline = (few.rejectedBySource[i] ?? []).map((r) => (f.reason === undefined ? r : { ...r, reason: f.reason(r.reason) }));
    const mine = f.input.rejectedEntries(pipeline, f.side, f.idField);
    entries.push(...mine);
    sides.push({ rowsRead: f.input.rowsRead, rejected: mine });
    rowsRead += f.input.rowsRead;
  });
  // A link's rows and rejections are said per side: counted together, a reason ("the header has
  // 3", "column 2 (ho_ten) …") named no file, and could be the other side's than the one failing.
  const message = few.linkMode && inputs.length === 2 ? tooFewRecordsMessageBySide(few.usable, sides) : tooFewRecordsMessage(few.linkMode, few.usable, rowsRead, entries);
  // No rejected row and no --rejected: nothing to write (an earlier run's file stays, as its
  // outputs do: this run wrote none).
  if (entries.length === 0 && rejectedOption === undefined) return new KhopError('INVALID_INPUT', message, { cause: e, details: { tooFewRecords: few } });
  try {
    const path = await writeRejectedRows(rejectedOption, entries, inputs.length > 1, defaultPath);
    return new KhopError('INVALID_INPUT', `${message}; rejected rows written to ${path}`, { cause: e, details: { tooFewRecords: few } });
  } catch (w) {
    // The rejected file could not be written either: both said, the write's error as the cause
    // (its system code decides the exit code: a full disk is 3).
    return new KhopError(isKhopError(w) ? w.code : 'IO_ERROR', `${message}; ${w instanceof Error ? w.message : 'the rejected-rows file could not be written'}`, { cause: w });
  }
}
