/**
 * The summary lines a command prints on stderr when it finishes (numbers only, no record
 * value), and the row accounting they state: input rows = accepted + rejected.
 */
import { formatCount } from '../report/format-number.js';
import { formatDuration } from '../io/progress.js';

/** Row accounting of one input: every data row is accepted or rejected, by the reader or the pipeline. */
export interface RowAccounting {
  readonly input: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReader: number;
  readonly rejectedByPipeline: number;
}

/** Accounting from the reader's row count and the two stages' rejections. */
export function rowAccounting(rowsRead: number, rejectedByReader: number, rejectedByPipeline: number): RowAccounting {
  const rejected = rejectedByReader + rejectedByPipeline;
  return { input: rowsRead, accepted: rowsRead - rejected, rejected, rejectedByReader, rejectedByPipeline };
}

/** "1,234 = 1,200 accepted + 34 rejected (30 unreadable, 4 unusable)": unreadable by the reader, unusable by the pipeline. */
export function accountingText(a: RowAccounting): string {
  let s = `${formatCount(a.input)} = ${formatCount(a.accepted)} accepted + ${formatCount(a.rejected)} rejected`;
  if (a.rejected > 0) s += ` (${formatCount(a.rejectedByReader)} unreadable, ${formatCount(a.rejectedByPipeline)} unusable)`;
  return s;
}

/**
 * The summary row of the matched pairs (probability ≥ the threshold) whose two records ended in
 * two clusters — kept apart because they hold two different national IDs (MatchOptions
 * idConflicts 'split') or because the other pairs scored between their clusters disagree
 * (linkage 'average') — or no row when there are none.
 */
export function keptApartRows(pairs: number): Array<[string, string]> {
  return pairs > 0 ? [['kept apart', `${formatCount(pairs)} matched pair${pairs === 1 ? '' : 's'} (two different national IDs, or clusters whose other pairs disagree)`]] : [];
}

/** "label: value" lines, labels padded to one column. */
export function summaryLines(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  return rows.map(([l, v]) => `  ${`${l}:`.padEnd(width + 1)} ${v}`);
}

export { formatCount, formatDuration };
