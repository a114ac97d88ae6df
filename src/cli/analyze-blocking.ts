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
import { readFile } from 'node:fs/promises';
import { KhopError } from '../errors.js';
import { analyzeBlocking, type AnalyzeBlockingOptions } from '../block/analyze-blocking.js';
import type { BlockingRule } from '../block/blocking-rule.js';
import { DEFAULT_MAX_BLOCK_SIZE } from '../block/candidate-pairs.js';
import { prepareRows } from '../pipeline/prepare.js';
import { defaultBlockingRules, resolveRules } from '../pipeline/default-rules.js';
import { COMMON_OPTIONS_HELP, SCHEMA_OPTIONS, SCHEMA_OPTIONS_HELP, integerOption, stringOption, optionalPath } from './args.js';
import type { CliCommand, CommandContext, OptionValues } from './command.js';
import { EXIT_OK, EXIT_REJECTED_ROWS } from './exit.js';
import { InputFile } from './input.js';
import { writeRejectedFile } from './outputs.js';
import { accountingText, formatCount, formatDuration, rowAccounting, summaryLines } from './run-summary.js';
import { loadSchema } from './schema-loading.js';
import { renderTable } from './text-table.js';

const HELP = `Usage: khop analyze-blocking <file> [options]

Count what each blocking rule would produce on this file, before any pair is compared:
rows with a key, blocks, the largest blocks, candidate pairs, and the new pairs each rule
adds to the rules before it.

Options:
${SCHEMA_OPTIONS_HELP}
      --rules FILE      JSON array of rules, e.g. [{"name":"dob","parts":[{"column":"dob"}]}]
                        (default: the schema's default rules)
      --max-block-size N  blocks above N rows are skipped by dedupe (default ${DEFAULT_MAX_BLOCK_SIZE})
      --show-keys       also print the key values of the largest blocks (record data!)
      --rejected FILE   write the rejected rows there
${COMMON_OPTIONS_HELP}

Example:
  khop analyze-blocking dan_cu.csv --map id=so_cccd,name=ho_ten,dob=ngay_sinh
`;

export const analyzeBlockingCommand: CliCommand = {
  name: 'analyze-blocking',
  summary: 'count the blocks and candidate pairs of each blocking rule',
  help: HELP,
  options: {
    ...SCHEMA_OPTIONS,
    rules: { type: 'string' },
    'max-block-size': { type: 'string' },
    'show-keys': { type: 'boolean' },
    rejected: { type: 'string' },
  },
  positionals: { min: 1, max: 1, names: '<file>' },
  run: runAnalyzeBlocking,
};

async function runAnalyzeBlocking(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const maxBlockSize = integerOption(values, 'max-block-size', DEFAULT_MAX_BLOCK_SIZE, 2, 2 ** 31 - 1);
  const showKeys = values['show-keys'] === true;
  const rulesPath = optionalPath(values, 'rules', ctx);
  const rejectedPath = optionalPath(values, 'rejected', ctx);
  const userRules = rulesPath === undefined ? undefined : await readRules(rulesPath);

  const input = await InputFile.open(ctx.resolvePath(positionals[0]!), ctx.progress);
  try {
    const choice = await loadSchema({
      schemaPath: optionalPath(values, 'schema', ctx),
      map: stringOption(values, 'map'),
      idField: stringOption(values, 'id-field'),
      headers: input.headers,
      inputLabel: input.label,
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
    if (rejectedPath !== undefined) await writeRejectedFile(rejectedPath, input.rejectedEntries(prepared.rejected), false);
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

async function readRules(path: string): Promise<BlockingRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new KhopError('IO_ERROR', `cannot read the rules file ${path}`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new KhopError('INVALID_OPTION', `the rules file ${path} is not valid JSON`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new KhopError('INVALID_OPTION', `the rules file ${path} must hold a non-empty JSON array of rules { name, parts }`);
  }
  return value as BlockingRule[];
}
