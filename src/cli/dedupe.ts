/**
 * `khop dedupe <file>`: find the records of one file that are the same person.
 *
 * Writes (every file optional but the clusters, which default to stdout):
 *   clusters   row_number,record_id,cluster_id — one line per accepted row; cluster_id is the
 *              smallest record id of the row's cluster (the row number without --id-field)
 *   pairs      left_row,right_row[,left_id,right_id],weight,probability — the matched pairs
 *   rejected   every row the reader or the pipeline refused (see outputs.ts), default
 *              `<out>.rejected.csv` (`<input name>.rejected.csv` in the current directory when
 *              the clusters go to stdout); written when a row was rejected or --rejected is given
 *   report     one self-contained HTML file (report-builder.ts)
 * Exit code 1 when any row was rejected (the run still finishes and writes everything).
 */
import { KhopError } from '../errors.js';
import { dedupe, DEFAULT_MATCH_OPTIONS, type MatchOptions } from '../pipeline/match.js';
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
  optionalPath, outputPath,
  probabilityOption,
  stringOption,
  columnOption,
  threadsOption,
  idConflictsOption,
  linkageOption,
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
import { ID_SAMPLE_ROWS, loadSchema } from './schema-loading.js';
import { loadModelOption, MODEL_OPTIONS, MODEL_OPTIONS_HELP, saveModelOption } from './model-file.js';
import { BLOCKING_OPTIONS, BLOCKING_OPTIONS_HELP, blockingOptions } from './blocking-options.js';

const HELP = `Usage: khop dedupe <file> [options]

Find the records of one file (CSV, NDJSON or Parquet) that are the same person. A <file>
of - is read from standard input (CSV or NDJSON), as is a pipe: <(zcat export.csv.gz), a
mkfifo, /dev/stdin.

Options:
${SCHEMA_OPTIONS_HELP}
${INPUT_OPTIONS_HELP}
  -o, --out FILE        clusters: row_number,record_id,cluster_id (default or -: stdout)
      --pairs FILE      matched pairs: left_row,right_row,weight,probability
      --rejected FILE   rejected rows (default: <out>.rejected.csv, or with the output on
                        stdout <file>.rejected.csv in the working directory; written when rows
                        are rejected or an earlier run left one)
      --report FILE     HTML report: weights, model, clusters, blocking, sample pairs
${formatHelp('--out and --pairs')}
      --threshold P     match when the probability is at least P (default 0.5)
      --threads N       threads (default: every core for an input file of ${AUTO_THREADS_MIN_MIB} MiB or more,
                        whose rows are then prepared on the pool as they are read; else
                        every core once 500k pairs or more are to be compared)
      --id-conflicts M  split (default): records with two different 12-digit IDs (not one ID
                        mistyped) are never one cluster; ignore: the scores alone decide
      --linkage M       average (default): a matched pair joins two clusters only when the
                        other pairs scored between them agree; single: every matched pair does
${BLOCKING_OPTIONS_HELP}
${MODEL_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

Exit codes: 0 done, 1 done with rejected rows, 2 usage or input error, 3 unexpected failure or a full disk.

Example:
  khop dedupe dan_cu.csv --map id=so_cccd,name=ho_ten,dob=ngay_sinh,sex=gioi_tinh \\
      -o clusters.csv --pairs pairs.csv --report report.html
`;

export const dedupeCommand: CliCommand = {
  name: 'dedupe',
  summary: 'find the records of one file that are the same person',
  help: HELP,
  options: {
    ...SCHEMA_OPTIONS,
    ...INPUT_OPTIONS,
    out: { type: 'string', short: 'o' },
    pairs: { type: 'string' },
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
  positionals: { min: 1, max: 1, names: '<file>' },
  run: runDedupe,
  defaultRejected: (values, positionals, ctx) => defaultRejectedPath(outputPath(values, 'out', ctx), positionals[0]!, ctx.resolvePath),
};

async function runDedupe(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  // Every option is checked before the input is opened.
  const format = givenFormatOption(values);
  const threshold = probabilityOption(values, 'threshold') ?? DEFAULT_MATCH_OPTIONS.threshold;
  const threads = threadsOption(values);
  const idConflicts = idConflictsOption(values);
  const linkage = linkageOption(values);
  const out = outputPath(values, 'out', ctx);
  const pairsPath = optionalPath(values, 'pairs', ctx);
  // Each table's format from its file name, else --format (output-format.ts).
  const outTable = tableFormatFor('--out', out, format);
  const pairsTable = tableFormatFor('--pairs', pairsPath, format);
  const reportPath = optionalPath(values, 'report', ctx);
  const rejectedOption = optionalPath(values, 'rejected', ctx);
  const schemaPath = optionalPath(values, 'schema', ctx);
  const idField = columnOption(values, 'id-field');
  const saveModelPath = optionalPath(values, 'save-model', ctx);
  const model = await loadModelOption(values, ctx);
  const blocking = await blockingOptions(values, ctx);

  const input = await InputFile.openArgument(positionals[0]!, ctx, readAndPrepare(ctx.progress), inputReadOptions(values));
  // The output files replace the previous ones together, once the run has succeeded.
  const staged = new StagedOutputs();
  try {
    const choice = await loadSchema({
      ...input.schemaSampling(ID_SAMPLE_ROWS),
      schemaPath,
      map: stringOption(values, 'map'),
      idField,
      headers: input.headers,
      inputLabel: input.label,
      inputFormat: input.source.format,
      strictColumns: input.completeHeader,
    });
    for (const line of choice.notes) ctx.info(line);
    const options: MatchOptions = { schema: choice.schema, threshold, onProgress: matchProgress(ctx.progress, model !== undefined, true) };
    // A large file: the pool from the start, so that its rows are prepared there as they are
    // read (the library starts one before the rows only when it knows their number).
    const auto = defaultThreadsFor(input);
    if (threads !== undefined || auto > 1) options.threads = threads ?? auto;
    if (idConflicts !== undefined) options.idConflicts = idConflicts;
    if (linkage !== undefined) options.linkage = linkage;
    if (model !== undefined) options.model = model;
    if (blocking.rules !== undefined) options.blocking = blocking.rules;
    options.maxBlockSize = blocking.maxBlockSize;
    if (choice.idField !== undefined) options.idField = choice.idField;
    if (reportPath !== undefined) options.pairFloor = probabilityOfWeight(weightOfProbability(threshold) - REPORT_FLOOR_BITS);
    const result = await dedupe(input.rows(choice.idField), options).catch(async (e: unknown) => {
      // Too few usable records: said over the file's rows, its rejected rows written (D35).
      throw await tooFewRecordsFailure(e, [{ input, idField: choice.idField }], rejectedOption, () => defaultRejectedPath(out, input.path, ctx.resolvePath));
    });
    ctx.progress.end();
    await saveModelOption(saveModelPath, result.model, result.stats.candidatePairs, staged);

    const rowNumbers = input.rowNumbers;
    const ids = input.ids;
    const recordId = (p: number): string | number => (ids !== null ? ids[p]! : rowNumbers.get(p));
    // Cluster ids are the smallest record id of the cluster: a user id with --id-field, else a
    // pipeline position, shown as that row's number.
    // With --id-field a cluster id is text, as record_id is (an NDJSON id may be a JSON number).
    const clusterLabel = (c: string | number): string | number => (ids !== null ? String(c) : typeof c !== 'number' ? c : rowNumbers.get(c));

    const clusters = openTableWriter(out ?? ctx.io.stdout, ['row_number', 'record_id', 'cluster_id'], outTable);
    await writeTable(clusters, async () => {
      for (let p = 0; p < result.clusters.length; p++) {
        const c = result.clusters[p];
        if (c === null || c === undefined) continue;
        const w = clusters.writeRow([rowNumbers.get(p), recordId(p), clusterLabel(c)]);
        if (w !== undefined) await w;
      }
    }, staged);

    const tw = result.thresholdWeight;
    if (pairsPath !== undefined) {
      const cols = ids !== null ? ['left_row', 'right_row', 'left_id', 'right_id', 'weight', 'probability'] : ['left_row', 'right_row', 'weight', 'probability'];
      const pw = openTableWriter(pairsPath, cols, pairsTable);
      const { left, right, weight, probability } = result.pairs;
      await writeTable(pw, async () => {
        for (let i = 0; i < result.pairs.count; i++) {
          if (weight[i]! < tw) continue;
          const l = left[i]!;
          const r = right[i]!;
          const cells = ids !== null ? [rowNumbers.get(l), rowNumbers.get(r), ids[l], ids[r], weight[i], probability[i]] : [rowNumbers.get(l), rowNumbers.get(r), weight[i], probability[i]];
          const w = pw.writeRow(cells);
          if (w !== undefined) await w;
        }
      }, staged);
    }
    // Matched pairs (the rows of --pairs), and those whose rows the clustering kept apart.
    let matched = 0;
    let keptApart = 0;
    for (let i = 0; i < result.pairs.count; i++) {
      if (result.pairs.weight[i]! < tw) continue;
      matched++;
      if (result.clusters[result.pairs.left[i]!] !== result.clusters[result.pairs.right[i]!]) keptApart++;
    }

    const entries = input.rejectedEntries(result.rejected, undefined, choice.idField);
    const accounting = rowAccounting(input.rowsRead, input.rejected.length, result.rejected.length);
    if (accounting.accepted !== result.stats.acceptedRows) {
      throw new KhopError('INTERNAL', 'row accounting does not add up: input rows ≠ accepted + rejected');
    }
    const rejectedPath = await writeRejectedRows(rejectedOption, entries, false, () => defaultRejectedPath(out, input.path, ctx.resolvePath), staged);

    const multi = result.clusterSizes.reduce((s, c) => s + (c.size >= 2 ? c.count : 0), 0);
    const elapsed = performance.now() - started;
    const rows: Array<[string, string]> = [
      ['input rows', accountingText(accounting)],
      ['candidate pairs', formatCount(result.stats.candidatePairs)],
      ['matched pairs', formatCount(matched)],
      ['clusters', `${formatCount(result.stats.clusters)} (${formatCount(multi)} with 2 or more rows)`],
      ...keptApartRows(keptApart, keptApartReasons({ ...options, schema: choice.schema })),
      ['time', formatDuration(elapsed)],
    ];
    if (reportPath !== undefined) {
      const data = buildReportData(result, {
        title: `khop dedupe — ${input.label}`,
        generatedAt: new Date().toISOString(),
        summary: [
          { label: 'input file', value: input.label },
          ...rows.map(([label, value]) => ({ label, value })),
          ...issueSummaryRows(result.stats.issues), ...warningSummaryRows(result.stats.warnings),
        ],
        threshold,
        pairLabels: (i) => ({ left: `row ${rowNumbers.get(result.pairs.left[i]!)}`, right: `row ${rowNumbers.get(result.pairs.right[i]!)}` }),
      });
      await writeReportFile(reportPath, renderReport(data), staged);
    }
    await staged.commit();
    ctx.info(`dedupe ${input.label}:`);
    for (const line of summaryLines(rows)) ctx.info(line);
    for (const line of issueLines(result.stats.issues)) ctx.info(line);
    for (const line of warningLines(result.stats.warnings)) ctx.warn(line);
    for (const line of rejectedLine(rejectedPath, entries.length)) ctx.info(line);
    if (saveModelPath !== undefined) ctx.info(`  model written to ${saveModelPath}`);
    return accounting.rejected > 0 ? EXIT_REJECTED_ROWS : EXIT_OK;
  } catch (e) {
    await staged.abort();
    await input.close().catch(() => undefined);
    throw e;
  }
}
