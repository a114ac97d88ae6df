/**
 * The summary lines a command prints on stderr when it finishes (numbers only, no record
 * value), and the row accounting they state: input rows = accepted + rejected.
 */
import { KEPT_VALUE_REASONS } from '../register/row-ingest.js';
import { formatCount } from '../report/format-number.js';
import type { Schema } from '../schema.js';
import { formatDuration } from '../io/progress.js';
import { displayWidth, padEndDisplay } from './text-width.js';
import type { MatchWarning } from '../pipeline/model-warnings.js';

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
export function keptApartRows(pairs: number, why: { readonly ids: boolean; readonly average: boolean } = { ids: true, average: true }): Array<[string, string]> {
  // Only the reasons this run could have (a schema without a national ID field keeps nothing
  // apart for its IDs; single linkage keeps nothing apart for disagreeing pairs).
  const reasons = [why.ids ? 'two different national IDs' : '', why.average ? 'clusters whose other pairs disagree' : ''].filter((x) => x !== '');
  return pairs > 0 ? [['kept apart', `${formatCount(pairs)} matched pair${pairs === 1 ? '' : 's'} (${reasons.length > 0 ? reasons.join(', or ') : 'in two clusters'})`]] : [];
}

/** Which reasons the "kept apart" row may give for a run of these options (see keptApartRows). */
export function keptApartReasons(options: { readonly schema: Schema; readonly idConflicts?: string; readonly linkage?: string }): { ids: boolean; average: boolean } {
  return { ids: options.schema.fields.some((f) => f.kind === 'nationalId') && options.idConflicts !== 'ignore', average: options.linkage !== 'single' };
}

/** Per field, per reason: the values a pipeline read as missing (stats.issues, register.issues). */
export type ValueIssues = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Per field with values read as missing (`kept` false) — or kept although they contradict the
 * row (`kept` true: KEPT_VALUE_REASONS) — its reasons, most frequent first ("1,000 placeholder
 * for a missing value · 200 name has no letters").
 */
const MISSING_LABEL = 'values read as missing';
const KEPT_LABEL = 'ID contradictions in rows kept as given';

function issueRows(issues: ValueIssues, kept = false): { total: number; rows: Array<[string, string]> } {
  let total = 0;
  const rows: Array<[string, string]> = [];
  for (const f of Object.keys(issues)) {
    const reasons = Object.entries(issues[f]!)
      .filter(([r, n]) => n > 0 && KEPT_VALUE_REASONS.has(r) === kept)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (reasons.length === 0) continue;
    for (const [, n] of reasons) total += n;
    rows.push([f, reasons.map(([r, n]) => `${formatCount(n)} ${r}`).join(' · ')]);
  }
  return { total, rows };
}

/**
 * The values read as missing, for the summary: a heading line with the total, then one line per
 * field with its reasons; no lines when there are none. Reasons are khop's words, never values.
 */
export function issueLines(issues: ValueIssues): string[] {
  const lines: string[] = [];
  for (const kept of [false, true]) {
    const { total, rows } = issueRows(issues, kept);
    if (rows.length === 0) continue;
    const width = Math.max(...rows.map(([f]) => displayWidth(f)));
    lines.push(
      kept ? `  ${KEPT_LABEL}: ${formatCount(total)} (a claim agreeing with such a row is INCONSISTENT_ID)` : `  ${MISSING_LABEL}: ${formatCount(total)} (each is no evidence either way)`,
      ...rows.map(([f, v]) => `    ${padEndDisplay(`${f}:`, width + 1)} ${v}`),
    );
  }
  return lines;
}

/** The run's warnings (model-warnings.ts), one line each (printed with --quiet too); none when there are none. */
export function warningLines(warnings: readonly MatchWarning[]): string[] {
  return warnings.map((w) => `warning: ${cliWording(w)}`);
}

/** A warning's message in the command line's words: its options, not the library's. */
function cliWording(w: MatchWarning): string {
  return w.message.replace(MODEL_OPTION, '(--model FILE, written by a run with --save-model)');
}

/** How a library message names the model option (model-warnings.ts). */
const MODEL_OPTION = '(the model option)';

/** The same as report summary rows: one per warning. */
export function warningSummaryRows(warnings: readonly MatchWarning[]): Array<{ label: string; value: string }> {
  return warnings.map((w) => ({ label: 'warning', value: cliWording(w) }));
}

/** The same as report summary rows: one per field. */
export function issueSummaryRows(issues: ValueIssues): Array<{ label: string; value: string }> {
  return [false, true].flatMap((kept) => issueRows(issues, kept).rows.map(([f, v]) => ({ label: `${kept ? KEPT_LABEL : MISSING_LABEL}: ${f}`, value: v })));
}

/** "label: value" lines, labels padded to one column. */
export function summaryLines(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(0, ...rows.map(([l]) => displayWidth(l)));
  return rows.map(([l, v]) => `  ${padEndDisplay(`${l}:`, width + 1)} ${v}`);
}

export { formatCount, formatDuration };
