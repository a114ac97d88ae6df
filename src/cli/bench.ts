/**
 * `khop bench`: a mini benchmark that runs from an installed package — generate N synthetic
 * records, then time dedupe, register build, batched authentication and single-claim latency,
 * and print throughput.
 *
 * Difference from the repository's harness: `npm run bench:e2e` (bench/e2e/run.ts, not
 * shipped in the package) writes the data to files, runs every stage in its own child process
 * (peak RSS per stage), includes file reading, and compares khop with DuckDB and a naive JS
 * baseline measured in the same run; its results are what BENCHMARKS.md reports. `khop bench`
 * is in-process and in-memory, excludes file I/O, and has no peer: a quick check that a
 * machine performs as expected, not a comparison.
 */
import { formatCount } from '../report/format-number.js';
import { COMMON_OPTIONS_HELP, countOption, integerOption, threadsOption } from './args.js';
import type { CliCommand, CommandContext, OptionValues } from './command.js';
import { stepsTable } from './demo.js';
import { EXIT_OK } from './exit.js';
import { syntheticAuthentication, syntheticDedupe } from './synthetic-run.js';
import { indentLines } from './text-table.js';

/** Default benchmark size. */
export const DEFAULT_BENCH_RECORDS = 50_000;
/** Single claims timed one by one for the latency percentiles. */
export const LATENCY_SAMPLE = 10_000;

const HELP = `Usage: khop bench [options]

A quick in-process benchmark: generate synthetic records, then time dedupe, register build,
batched authentication and single-claim latency, and print throughput. Data stays in memory
and file reading is not timed; the repository's end-to-end harness (npm run bench:e2e, not in
the installed package) measures from files, per process, against DuckDB.

Options:
      --records N       records to deduplicate and register (default 50k; suffixes k and M)
      --claims N        claims to authenticate (default: as many as --records)
      --seed S          seed of the synthetic data (default 1)
      --threads T       worker threads (default: the library's)
${COMMON_OPTIONS_HELP}

Example:
  khop bench --records 200k
`;

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'time dedupe and authentication on synthetic records (in-process)',
  help: HELP,
  options: {
    records: { type: 'string' },
    claims: { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
  },
  positionals: { min: 0, max: 0, names: '' },
  run: runBench,
};

async function runBench(values: OptionValues, _positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const records = countOption(values, 'records', DEFAULT_BENCH_RECORDS, 2, 100_000_000);
  const claims = countOption(values, 'claims', records, 1, 100_000_000);
  const seed = integerOption(values, 'seed', 1, -(2 ** 31), 2 ** 31 - 1);
  const threads = threadsOption(values);
  const out = ctx.io.stdout;
  out.write(`khop bench — ${formatCount(records)} records, ${formatCount(claims)} claims, seed ${seed}, Node ${process.version}\n`);
  const d = await syntheticDedupe(records, seed, threads, ctx.progress);
  const a = await syntheticAuthentication(records, claims, seed, threads, ctx.progress, LATENCY_SAMPLE);
  out.write(indentLines(stepsTable([...d.steps, ...a.steps]), '  '));
  if (a.latency !== undefined) {
    out.write(`  single-claim latency over ${formatCount(a.latency.sample)} claims: p50 ${a.latency.p50.toFixed(1)} µs, p99 ${a.latency.p99.toFixed(1)} µs\n`);
  }
  out.write(`  register memory: ${formatCount(Math.round(a.bytesPerRecord))} bytes per record\n`);
  out.write(`  (in-process, data in memory; the repository's npm run bench:e2e measures from files against DuckDB)\n`);
  return EXIT_OK;
}
