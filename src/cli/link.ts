/**
 * `khop link <left> <right>`: find the pairs (left record, right record) that are the same
 * person — e.g. a sector file against a register extract.
 *
 * One schema serves both files (built from the left file's header by --schema / --map / the
 * guesser); the right file's columns for its fields are --map-right's, the same names, or guessed
 * from its header (right-columns.ts). Writes:
 *   links      left_row,right_row[,left_id,right_id],weight,probability (default or -: stdout)
 *   rejected   both inputs' rejected rows, with `input` (left / right) and `file` columns
 *   report     the HTML report (sample pairs labelled "left row N" / "right row M")
 * Exit code 1 when any row of either file was rejected.
 */
import { KhopError, isKhopError } from '../errors.js';
import { link, DEFAULT_MATCH_OPTIONS, type MatchOptions } from '../pipeline/match.js';
import { probabilityOfWeight, weightOfProbability } from '../score/probability.js';
import { renderReport } from '../report/render-report.js';
import {
  COMMON_OPTIONS_HELP,
  SCHEMA_OPTIONS,
  SCHEMA_OPTIONS_HELP,
  INPUT_OPTIONS,
  INPUT_OPTIONS_HELP,
  inputReadOptions,
  givenFormatOption,
  probabilityOption,
  stringOption,
  columnOption,
  threadsOption,
  idConflictsOption,
  linkageOption,
  optionalPath, outputPath,
} from './args.js';
import type { CliCommand, CommandContext, OptionValues } from './command.js';
import { EXIT_OK, EXIT_REJECTED_ROWS } from './exit.js';
import { AUTO_THREADS_MIN_MIB, defaultThreadsFor, InputFile } from './input.js';
import { tooFewRecordsFailure } from './too-few-records.js';
import { matchProgress, readAndPrepare } from './match-progress.js';
import { formatHelp, tableFormatFor } from './output-format.js';
import { openTableWriter, writeRejectedRows, rejectedLine, writeReportFile, writeTable, defaultRejectedPath, StagedOutputs } from './outputs.js';
import { buildReportData, REPORT_FLOOR_BITS } from './report-builder.js';
import { accountingText, formatCount, formatDuration, issueLines, issueSummaryRows, keptApartReasons, keptApartRows, rowAccounting, summaryLines, warningLines, warningSummaryRows } from './run-summary.js';
import { dateOrderConflictNotes, ID_SAMPLE_ROWS, loadSchema, refuseJoinedHeader } from './schema-loading.js';
import { renameRows, rightColumnNames, rightColumns } from './right-columns.js';
import { loadModelOption, MODEL_OPTIONS, MODEL_OPTIONS_HELP, saveModelOption } from './model-file.js';
import { BLOCKING_OPTIONS, BLOCKING_OPTIONS_HELP, blockingOptions } from './blocking-options.js';

const HELP = `Usage: khop link <left> <right> [options]

Find the pairs (left record, right record) that are the same person. Both files use one
schema (from --schema, --map or the left file's header); the right file's columns for its
fields are named by --map-right, else have the same names, else are guessed from its header
(printed on stderr). One of the two files may be -: standard input (CSV or NDJSON); either
may be a pipe: <(psql -c "COPY … TO STDOUT CSV HEADER"), a mkfifo.

Options:
${SCHEMA_OPTIONS_HELP}
      --map-right PAIRS field=column pairs for the right file, naming the schema's fields
                        (e.g. id=so_dinh_danh,name=hoten): the fields not named are read from
                        the same column as on the left, else guessed
      --id-field-right COL
                        the right file's record-id column (default: --id-field's, else
                        the one its header's guess reads as a record id)
${INPUT_OPTIONS_HELP}
  -o, --out FILE        links: left_row,right_row,weight,probability (default or -: stdout)
      --rejected FILE   rejected rows of both files (default: <out>.rejected.csv, or with the output on
                        stdout <left>.rejected.csv in the working directory; written when rows
                        are rejected or an earlier run left one)
      --report FILE     HTML report: weights, model, blocking, sample pairs
${formatHelp('--out')}
      --threshold P     link when the probability is at least P (default 0.5)
      --threads N       threads (default: every core for either input file of ${AUTO_THREADS_MIN_MIB} MiB or more,
                        whose rows are then prepared on the pool as they are read; else
                        every core once 500k pairs or more are to be compared)
      --id-conflicts M  split (default): records with two different 12-digit IDs (not one ID
                        mistyped) are never one cluster or a link; ignore: the scores
                        alone decide
      --linkage M       average (default): a matched pair joins two clusters (and is a link)
                        only when the other pairs scored between them agree; single: every
                        matched pair does
${BLOCKING_OPTIONS_HELP}
${MODEL_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

Exit codes: 0 done, 1 done with rejected rows, 2 usage or input error, 3 unexpected failure or a full disk.

Example:
  khop link bhxh.csv dan_cu.csv --map id=so_cccd,name=ho_ten,dob=ngay_sinh -o links.csv
  khop link bhxh.csv dan_cu.csv --map id=so_cccd,name=ho_ten --map-right id=so_dinh_danh,name=hoten
`;

export const linkCommand: CliCommand = {
  name: 'link',
  summary: 'find the pairs of records of two files that are the same person',
  help: HELP,
  options: {
    ...SCHEMA_OPTIONS,
    'map-right': { type: 'string' },
    'id-field-right': { type: 'string' },
    ...INPUT_OPTIONS,
    out: { type: 'string', short: 'o' },
    rejected: { type: 'string' },
    report: { type: 'string' },
    format: { type: 'string' },
    threshold: { type: 'string' },
    threads: { type: 'string' },
    'id-conflicts': { type: 'string' },
    linkage: { type: 'string' },
    ...BLOCKING_OPTIONS,
    ...MODEL_OPTIONS,
  },
  positionals: { min: 2, max: 2, names: '<left> <right>' },
  run: runLink,
  defaultRejected: (values, positionals, ctx) => defaultRejectedPath(outputPath(values, 'out', ctx), positionals[0]!, ctx.resolvePath),
};

async function runLink(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const threshold = probabilityOption(values, 'threshold') ?? DEFAULT_MATCH_OPTIONS.threshold;
  const threads = threadsOption(values);
  const idConflicts = idConflictsOption(values);
  const linkage = linkageOption(values);
  const out = outputPath(values, 'out', ctx);
  // The links' format from the file name, else --format (output-format.ts).
  const format = tableFormatFor('--out', out, givenFormatOption(values));
  const reportPath = optionalPath(values, 'report', ctx);
  const rejectedOption = optionalPath(values, 'rejected', ctx);
  const schemaPath = optionalPath(values, 'schema', ctx);
  const idField = columnOption(values, 'id-field');
  const idFieldRight = columnOption(values, 'id-field-right');
  const saveModelPath = optionalPath(values, 'save-model', ctx);
  const model = await loadModelOption(values, ctx);
  const blocking = await blockingOptions(values, ctx);

  // Each input named by its path as given, in its reader's errors, progress lines, summary and
  // rejected rows (two exports are often `data.csv` in two folders).
  const left = await InputFile.openArgument(positionals[0]!, ctx, readAndPrepare(ctx.progress), inputReadOptions(values), 'left');
  let right: InputFile | null = null;
  // The output files replace the previous ones together, once the run has succeeded.
  const staged = new StagedOutputs();
  try {
    right = await InputFile.openArgument(positionals[1]!, ctx, readAndPrepare(ctx.progress), inputReadOptions(values), 'right');
    const choice = await loadSchema({
      ...left.schemaSampling(ID_SAMPLE_ROWS),
      schemaPath,
      map: stringOption(values, 'map'),
      idField,
      headers: left.headers,
      inputLabel: left.label,
      inputFormat: left.source.format,
      strictColumns: left.completeHeader,
    });
    refuseJoinedHeader(right.headers, right.source.format, right.label);
    const rightMap = await rightColumns({
      ...right.schemaSampling(ID_SAMPLE_ROWS),
      schema: choice.schema,
      idField: choice.idField,
      idGuessed: choice.idGuessed === true,
      mapRight: stringOption(values, 'map-right'),
      idFieldRight,
      headers: right.headers,
      label: right.label,
      format: right.source.format,
      strictColumns: right.completeHeader,
    });
    for (const line of choice.notes) ctx.info(line);
    for (const line of rightMap.notes) ctx.info(line);
    const rightSampling = right.schemaSampling(ID_SAMPLE_ROWS);
    if ('sampleColumn' in rightSampling) {
      const notes = await dateOrderConflictNotes(choice.schema, (f) => rightMap.columns.get(f.column) ?? f.column, rightSampling.sampleColumn, "the right file's", 'one schema reads both files');
      for (const line of notes) ctx.info(line);
    }
    const leftId = rightMap.dropLeftId ? undefined : choice.idField;
    const options: MatchOptions = { schema: choice.schema, threshold, onProgress: matchProgress(ctx.progress, model !== undefined, true) };
    // A large file: the pool from the start, so that the rows are prepared there as they are
    // read (the library starts one before the rows only when it knows their number).
    const auto = Math.max(defaultThreadsFor(left), defaultThreadsFor(right));
    if (threads !== undefined || auto > 1) options.threads = threads ?? auto;
    if (idConflicts !== undefined) options.idConflicts = idConflicts;
    if (linkage !== undefined) options.linkage = linkage;
    if (model !== undefined) options.model = model;
    if (blocking.rules !== undefined) options.blocking = blocking.rules;
    options.maxBlockSize = blocking.maxBlockSize;
    if (leftId !== undefined) options.idField = leftId;
    if (reportPath !== undefined) options.pairFloor = probabilityOfWeight(weightOfProbability(threshold) - REPORT_FLOOR_BITS);
    const rightInput = right;
    const result = await link(left.rows(leftId), renameRows(right.rows(rightMap.idField), rightMap, leftId), options).catch(async (e: unknown) => {
      // Too few usable records: said over both files' rows, their rejected rows written (D35).
      const inputs = [
        { input: left, side: 'left', idField: leftId },
        { input: rightInput, side: 'right', idField: rightMap.idField, reason: (reason: string) => rightColumnNames(reason, rightMap, leftId) },
      ];
      throw absentRightFields(e, rightMap.columns, rightInput.label) ?? (await tooFewRecordsFailure(e, inputs, rejectedOption, () => defaultRejectedPath(out, left.path, ctx.resolvePath)));
    });
    ctx.progress.end();
    await saveModelOption(saveModelPath, result.model, result.stats.candidatePairs, staged);

    const L = left;
    const R = right;
    const withIds = L.ids !== null && R.ids !== null;
    const cols = withIds ? ['left_row', 'right_row', 'left_id', 'right_id', 'weight', 'probability'] : ['left_row', 'right_row', 'weight', 'probability'];
    const w = openTableWriter(out ?? ctx.io.stdout, cols, format);
    const { links } = result;
    await writeTable(w, async () => {
      for (let i = 0; i < links.count; i++) {
        const l = links.left[i]!;
        const r = links.right[i]!;
        const cells = withIds
          ? [L.rowNumbers.get(l), R.rowNumbers.get(r), L.ids![l], R.ids![r], links.weight[i], links.probability[i]]
          : [L.rowNumbers.get(l), R.rowNumbers.get(r), links.weight[i], links.probability[i]];
        const p = w.writeRow(cells);
        if (p !== undefined) await p;
      }
    }, staged);

    const entries = [...L.rejectedEntries(result.rejectedLeft, 'left', leftId), ...R.rejectedEntries(result.rejectedRight.map((r) => ({ ...r, reason: rightColumnNames(r.reason, rightMap, leftId) })), 'right', rightMap.idField)];
    const accLeft = rowAccounting(L.rowsRead, L.rejected.length, result.rejectedLeft.length);
    const accRight = rowAccounting(R.rowsRead, R.rejected.length, result.rejectedRight.length);
    if (accLeft.accepted + accRight.accepted !== result.stats.acceptedRows) {
      throw new KhopError('INTERNAL', 'row accounting does not add up: input rows ≠ accepted + rejected');
    }
    const rejectedPath = await writeRejectedRows(rejectedOption, entries, true, () => defaultRejectedPath(out, L.path, ctx.resolvePath), staged);

    const rows: Array<[string, string]> = [
      [`left rows (${L.label})`, accountingText(accLeft)],
      [`right rows (${R.label})`, accountingText(accRight)],
      ['candidate pairs', formatCount(result.stats.candidatePairs)],
      ['links', formatCount(links.count)],
      ...keptApartRows(result.stats.matchedPairs - links.count, keptApartReasons({ ...options, schema: choice.schema })),
      ['time', formatDuration(performance.now() - started)],
    ];
    if (reportPath !== undefined) {
      const data = buildReportData(result, {
        title: `khop link — ${L.label} × ${R.label}`,
        generatedAt: new Date().toISOString(),
        summary: [...rows.map(([label, value]) => ({ label, value })), ...issueSummaryRows(result.stats.issues), ...warningSummaryRows(result.stats.warnings)],
        threshold,
        pairLabels: (i) => ({ left: `left row ${L.rowNumbers.get(result.pairs.left[i]!)}`, right: `right row ${R.rowNumbers.get(result.pairs.right[i]!)}` }),
      });
      await writeReportFile(reportPath, renderReport(data), staged);
    }
    await staged.commit();
    ctx.info(`link ${L.label} × ${R.label}:`);
    for (const line of summaryLines(rows)) ctx.info(line);
    for (const line of issueLines(result.stats.issues)) ctx.info(line);
    for (const line of warningLines(result.stats.warnings)) ctx.warn(line);
    for (const line of rejectedLine(rejectedPath, entries.length)) ctx.info(line);
    if (saveModelPath !== undefined) ctx.info(`  model written to ${saveModelPath}`);
    return accLeft.rejected + accRight.rejected > 0 ? EXIT_REJECTED_ROWS : EXIT_OK;
  } catch (e) {
    await staged.abort();
    await left.close().catch(() => undefined);
    await right?.close().catch(() => undefined);
    throw e;
  }
}

/**
 * The library's refusal of schema fields that no right row holds (an NDJSON right file whose
 * first records lacked a key, read under the field's own column name), said in the right file's
 * terms: its column, the file, and --map-right — the library's advice ("name the rows' key as
 * the field's `column`") would change the left file's column, which one schema reads. Null for
 * any other error (the left's absent fields keep the library's message: --schema's `column`).
 */
function absentRightFields(e: unknown, columns: ReadonlyMap<string, string>, label: string): KhopError | null {
  if (!isKhopError(e, 'INVALID_SCHEMA')) return null;
  const absent = e.details?.['absent'];
  if (!Array.isArray(absent)) return null;
  const right = (absent[1] ?? []) as ReadonlyArray<{ name: string; column: string }>;
  if (right.length === 0 || (absent[0] ?? []).length > 0) return null;
  const list = right.map((f) => `"${columns.get(f.column) ?? f.column}" (field "${f.name}")`).join(', ');
  return new KhopError('INVALID_SCHEMA', `columns in no record of ${label}: ${list}; name the right file's columns with --map-right field=column`, {
    cause: e,
    details: { fields: right.map((f) => f.name) },
  });
}
