/**
 * `khop analyze-blocking <file>`: what each blocking rule would produce on this file, counted
 * exactly before any pair is compared (analyzeBlocking) — rows with a key, blocks, the largest
 * block sizes, candidate pairs, the blocks and pairs above the size cap, and the NEW pairs each
 * rule adds to the rules before it with their running total. A table on stdout.
 *
 * Rules: the defaults of the schema (src/pipeline/default-rules.ts), or a JSON array from
 * --rules whose part columns may name schema fields (`{"name":"dob","parts":[{"column":"dob"}]}`)
 * or store columns (`name.givenKey`). The key values of the largest blocks are record data:
 * they are printed only with --show-keys.
 */
import { analyzeBlocking, type AnalyzeBlockingOptions } from '../block/analyze-blocking.js';
import { prepareRows } from '../pipeline/prepare.js';
import { defaultBlockingRules, resolveRules } from '../pipeline/default-rules.js';
import { COMMON_OPTIONS_HELP, SCHEMA_OPTIONS, SCHEMA_OPTIONS_HELP, INPUT_OPTIONS, INPUT_OPTIONS_HELP, inputReadOptions, stringOption, columnOption, optionalPath } from './args.js';
import type { CliCommand, CommandContext, OptionValues } from './command.js';
import { EXIT_OK, EXIT_REJECTED_ROWS } from './exit.js';
import { InputFile } from './input.js';
import { writeRejectedFile } from './outputs.js';
import { BLOCKING_OPTIONS, BLOCKING_OPTIONS_HELP, blockingOptions } from './blocking-options.js';
import { accountingText, formatCount, formatDuration, rowAccounting, summaryLines } from './run-summary.js';
import { ID_SAMPLE_ROWS, loadSchema } from './schema-loading.js';
import { renderTable } from './text-table.js';

const HELP = `Usage: khop analyze-blocking <file> [options]

Count what each blocking rule would produce on this file, before any pair is compared:
rows with a key, blocks, the largest blocks, candidate pairs, and the new pairs each rule
adds to the rules before it. A <file> of - is read from standard input (CSV or NDJSON), as is
a pipe: <(zcat export.csv.gz), a mkfifo, /dev/stdin.

Options:
${SCHEMA_OPTIONS_HELP}
${INPUT_OPTIONS_HELP}
${BLOCKING_OPTIONS_HELP}
      --show-keys       also print the key values of the largest blocks (record data!)
      --rejected FILE   write the rejected rows there
${COMMON_OPTIONS_HELP}

Exit codes: 0 done, 1 done with rejected rows, 2 usage or input error, 3 unexpected failure or a full disk.

Example:
  khop analyze-blocking dan_cu.csv --map id=so_cccd,name=ho_ten,dob=ngay_sinh
`;

export const analyzeBlockingCommand: CliCommand = {
  name: 'analyze-blocking',
  summary: 'count the blocks and candidate pairs of each blocking rule',
  help: HELP,
  options: {
    ...SCHEMA_OPTIONS,
    ...INPUT_OPTIONS,
    ...BLOCKING_OPTIONS,
    'show-keys': { type: 'boolean' },
    rejected: { type: 'string' },
  },
  positionals: { min: 1, max: 1, names: '<file>' },
  run: runAnalyzeBlocking,
};

async function runAnalyzeBlocking(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const showKeys = values['show-keys'] === true;
  const rejectedPath = optionalPath(values, 'rejected', ctx);
  const { rules: userRules, maxBlockSize } = await blockingOptions(values, ctx);
  const idField = columnOption(values, 'id-field');

  const input = await InputFile.openArgument(positionals[0]!, ctx, ctx.progress, inputReadOptions(values));
  try {
    const choice = await loadSchema({
      ...input.schemaSampling(ID_SAMPLE_ROWS),
      schemaPath: optionalPath(values, 'schema', ctx),
      map: stringOption(values, 'map'),
      idField,
      headers: input.headers,
      inputLabel: input.label,
      inputFormat: input.source.format,
      strictColumns: input.completeHeader,
    });
    for (const line of choice.notes) ctx.info(line);
    const prepared = await prepareRows([input.rows(choice.idField)], choice.schema, choice.idField === undefined ? {} : { idField: choice.idField });
    ctx.progress.end();
    const rules = userRules !== undefined ? resolveRules(userRules, choice.schema, prepared.nameGroups) : defaultBlockingRules(choice.schema, prepared.nameGroups);
    const options: AnalyzeBlockingOptions = { maxBlockSize, includeKeyValues: showKeys };
    const analysis = analyzeBlocking(prepared.store, rules, options);

    const out = ctx.io.stdout;
    out.write(`blocking rules of ${input.label}: ${formatCount(analysis.rows)} rows, blocks above ${formatCount(maxBlockSize)} rows are skipped\n\n`);
    const header = ['rule', 'rows with key', 'blocks', 'largest blocks', 'pairs', 'over cap', 'new pairs', 'cumulative'];
    const table = analysis.rules.map((r) => [
      r.name,
      formatCount(r.rowsWithKey),
      formatCount(r.blocks),
      r.largestBlocks.map((b) => formatCount(b.size)).join(' ') || '—',
      formatCount(r.pairs),
      r.blocksOverCap === 0 ? '0' : `${formatCount(r.pairsOverCap)} in ${formatCount(r.blocksOverCap)}`,
      formatCount(r.newPairs),
      formatCount(r.cumulativePairs),
    ]);
    out.write(renderTable(header, table, [false, true, true, false, true, true, true, true]));
    out.write(`\ncandidate pairs of all rules: ${formatCount(analysis.totalPairs)}\n\nrules:\n`);
    for (const r of analysis.rules) out.write(`  ${r.name} = ${r.description}\n`);
    if (showKeys) {
      out.write('\nkeys of the largest blocks (record data):\n');
      for (const r of analysis.rules) {
        out.write(`  ${r.name}:\n`);
        for (const b of r.largestBlocks) out.write(`    ${formatCount(b.size).padStart(10)}  ${b.key ?? '—'}\n`);
      }
    }

    const accounting = rowAccounting(input.rowsRead, input.rejected.length, prepared.rejected.length);
    if (rejectedPath !== undefined) await writeRejectedFile(rejectedPath, input.rejectedEntries(prepared.rejected, undefined, choice.idField), false);
    ctx.info(`analyze-blocking ${input.label}:`);
    for (const line of summaryLines([
      ['input rows', accountingText(accounting)],
      ['time', formatDuration(performance.now() - started)],
    ]))
      ctx.info(line);
    if (accounting.rejected > 0 && rejectedPath === undefined) ctx.info('  (give --rejected FILE to write the rejected rows)');
    return accounting.rejected > 0 ? EXIT_REJECTED_ROWS : EXIT_OK;
  } catch (e) {
    await input.close().catch(() => undefined);
    throw e;
  }
}
