/**
 * Register.build, 1 vs 2 threads, same run: wall time of a build over an array of synthetic
 * rows (generated once, before timing), the read phase in the calling thread alone and on a
 * worker pool (src/register/parallel-ingest.ts); medians of runs in rotating order after a warm-up.
 *
 *   npx tsx bench/register/build.ts [--rows 1M] [--runs 3] [--chunk 16384] [--csv] [--write]
 *
 * --csv: the rows written to a CSV file first, and the build reads the FILE (openRecords):
 *   1 thread                          the reader's source, row by row
 *   threads: 2, rows one by one       the reader's rows through a generator (the pooled read of
 *                                     rows: the calling thread decodes, parses and packs them)
 *   threads: 2, the source itself     the file cut into pieces parsed where they are ingested
 *                                     (src/register/csv-ingest.ts)
 * (section "register-build-csv"; every build's register is checked equal to the first's).
 *
 * Configurations (after a warm-up round that is not counted, each run measures them all, the
 * order rotating by one each run — each configuration in each position alike, whatever the
 * number of runs' parity — so a noisy moment or going first hits all alike):
 *   1 thread                 Register.build(schema, rows)
 *   threads: 2               the calling thread + 1 worker, the calling thread ingesting one chunk
 *                            in 2 (the default); the pool is started by the build and timed
 *   … pool started before    the same on a pool started before timing (no start-up)
 *   threads: 2, no share     2 workers; the calling thread only reads rows and appends results
 * "cores" = CPU time of the process / wall time (the machine may be shared: a ratio measured
 * with fewer than ~1.8 cores used says so). On Linux it also reads each thread's CPU time
 * (/proc/self/task): the calling thread's and the busiest other thread's (the worker); the
 * larger of the two is what the build would take with a free core per thread.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { generatePopulation, KhopPool, openRecords, vietnamesePersonSchema, writeCsv } from '../../src/index.js';
import { Register } from '../../src/register/register.js';
import type { IngestTuning } from '../../src/register/parallel-ingest.js';
import { tempDir } from '../lib/exit-cleanup.js';
import { roundOrder } from '../lib/rounds.js';
import { fmt, markdownTable, median, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Register: build, 1 vs 2 threads (from rows, or from a CSV file with --csv).

  npx tsx bench/register/build.ts [--rows 1M] [--runs 3] [--chunk 16384] [--csv] [--write]

  --rows N      register rows (default 1M)
  --runs N      runs, the median reported (default 3)
  --chunk N     rows per ingest chunk (default 16384)
  --csv         write the rows to a CSV file first and build from the file
  --write       write the table to BENCHMARKS.md (section "register-build" or "register-build-csv")
  --help        this text`;

const args = parseArgs(process.argv.slice(2), { rows: 'value', runs: 'value', chunk: 'value', csv: 'flag', write: 'flag' }, USAGE);
const rowCount = parseCount(args.rows, 1_000_000, 'rows');
const runs = parseCount(args.runs, 3, 'runs');
const chunkRows = parseCount(args.chunk, 16_384, 'chunk');

interface Run {
  ms: number;
  cores: number;
  /** CPU ms of the calling thread, and of the busiest other thread (Linux; else NaN). */
  mainCpu: number;
  otherCpu: number;
}

/** CPU ms per thread of this process (Linux /proc; empty elsewhere). Fields 14, 15: utime, stime in clock ticks. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
      out.set(tid, ((Number(f[11]) + Number(f[12])) * 1000) / TICKS);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
const TICKS = 100; // USER_HZ on Linux

async function main(): Promise<void> {
  const t0 = performance.now();
  const rows = [...generatePopulation({ size: rowCount, seed: 3, duplicateRate: 0.1 })];
  console.log(`${fmt(rowCount, 0)} rows generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const schema = vietnamesePersonSchema();
  // A pool started before timing: the build without the pool's start-up (from the sources, each
  // worker also compiles khop's TypeScript with tsx — the built package does not).
  const warm = KhopPool.create({ threads: 1, inCallingThread: false });
  await warm.run('pool.info', 0);
  const csv = args.csv === true;
  // --csv: the file's directory is removed at the end, and on Ctrl-C / SIGTERM (bench/lib/exit-cleanup.ts).
  const dir = csv ? tempDir('khop-build-bench-') : null;
  const file = join(dir?.path ?? '', 'register.csv');
  if (csv) {
    const w = await writeCsv(rows, file);
    console.log(`written to a CSV file: ${fmt(w.bytes / 2 ** 20)} MiB`);
  }
  async function* rowsOf(): AsyncGenerator<unknown> {
    for await (const item of await openRecords(file)) if (item.kind === 'row') yield item.values;
  }
  type Config = { name: string; threads: number; tuning: IngestTuning; source: () => Promise<unknown> };
  const array = async (): Promise<unknown> => rows;
  const configs: Config[] = csv
    ? [
        { name: '1 thread (the reader\'s source)', threads: 1, tuning: {}, source: () => openRecords(file) },
        { name: 'threads: 2, rows one by one (a generator of the reader\'s rows)', threads: 2, tuning: { chunkRows }, source: async () => rowsOf() },
        { name: 'threads: 2, the source itself (pieces parsed on the pool)', threads: 2, tuning: {}, source: () => openRecords(file) },
      ]
    : [
        { name: '1 thread', threads: 1, tuning: {}, source: array },
        { name: 'threads: 2 (calling + 1 worker)', threads: 2, tuning: { minRows: 0, chunkRows }, source: array },
        { name: 'threads: 2, pool started before', threads: 2, tuning: { minRows: 0, chunkRows, pool: warm }, source: array },
        { name: 'threads: 2, 2 workers, no share', threads: 2, tuning: { minRows: 0, chunkRows, callingThreadShare: false }, source: array },
      ];
  let first: string | null = null;
  const time = async (threads: number, tuning: IngestTuning, source: () => Promise<unknown>): Promise<Run> => {
    const src = await source();
    const c0 = process.cpuUsage();
    const t0 = threadCpu();
    const s = performance.now();
    const reg = await Register.build(schema, src as Iterable<unknown>, { idField: 'recordId', threads }, tuning);
    const ms = performance.now() - s;
    if (reg.size + reg.rejected.length !== rowCount) throw new Error('lost rows');
    // The same register whatever the path (a few verdicts and the counts).
    const check = JSON.stringify([reg.size, reg.rejected.length, reg.issues, [0, 1, 2, rowCount >> 1, rowCount - 1].map((i) => reg.authenticate(rows[i] as unknown as Record<string, unknown>))]);
    if (first === null) first = check;
    else if (check !== first) throw new Error('a build differs from the first');
    const c = process.cpuUsage(c0);
    const t1 = threadCpu();
    const main = String(process.pid);
    let other = 0;
    let alive = 0;
    for (const [tid, cpu] of t1) {
      const d = cpu - (t0.get(tid) ?? 0);
      alive += d;
      if (tid !== main) other = Math.max(other, d);
    }
    // Threads that ended during the build (an own pool's workers) are gone from /proc: their CPU
    // is the process total minus the live threads', taken here as ONE thread (an upper bound).
    other = Math.max(other, (c.user + c.system) / 1000 - alive);
    const mainCpu = t1.size === 0 ? Number.NaN : t1.get(main)! - (t0.get(main) ?? 0);
    return { ms, cores: (c.user + c.system) / 1000 / ms, mainCpu, otherCpu: t1.size === 0 ? Number.NaN : other };
  };
  const results = configs.map(() => [] as Run[]);
  const report = (label: string, i: number, x: Run): void =>
    console.log(`${label} ${configs[i]!.name}: ${x.ms.toFixed(0)} ms, ${x.cores.toFixed(2)} cores, CPU ms calling thread ${x.mainCpu.toFixed(0)}, busiest other ${x.otherCpu.toFixed(0)}`);
  // A warm-up round first (JIT, the pools' workers compiling khop, the file in the page cache),
  // not counted; then the rounds, the configurations' order rotating by one each round (each
  // in each position alike, bench/lib/rounds.ts) so that neither a slow moment of the shared
  // machine nor running first favours one of them.
  for (let i = 0; i < configs.length; i++) report('warm-up', i, await time(configs[i]!.threads, configs[i]!.tuning, configs[i]!.source));
  for (let r = 0; r < runs; r++) {
    for (const i of roundOrder(configs.length, r)) {
      const x = await time(configs[i]!.threads, configs[i]!.tuning, configs[i]!.source);
      results[i]!.push(x);
      report(`run ${r + 1}`, i, x);
    }
  }
  await warm.close();
  dir?.remove();
  const base = median(results[0]!.map((x) => x.ms));
  // On a shared machine wall time says little; the busiest thread's CPU time is what the build
  // would take with a core per thread (an estimate: it ignores waits between the threads).
  const baseCpu = median(results[0]!.map((x) => Math.max(x.mainCpu, x.otherCpu)));
  const table = markdownTable(
    [`Register.build (median of ${runs}, after a warm-up, order rotating)`, `${fmt(rowCount, 0)} rows`, 'rows/s', 'vs 1 thread', 'cores used', 'CPU s: calling / busiest other thread', 'vs 1 thread, by busiest-thread CPU'],
    configs.map((c, i) => {
      const ms = median(results[i]!.map((x) => x.ms));
      const mainCpu = median(results[i]!.map((x) => x.mainCpu));
      const otherCpu = median(results[i]!.map((x) => x.otherCpu));
      return [
        c.name,
        `${(ms / 1000).toFixed(2)} s`,
        fmt((rowCount / ms) * 1000),
        `${(base / ms).toFixed(2)}×`,
        median(results[i]!.map((x) => x.cores)).toFixed(2),
        `${(mainCpu / 1000).toFixed(2)} / ${(otherCpu / 1000).toFixed(2)}`,
        `${(baseCpu / Math.max(mainCpu, otherCpu)).toFixed(2)}×`,
      ];
    }),
  );
  console.log(`${availableParallelism()} cores available`);
  console.log(table);
  if (args.write === true) {
    if (csv) writeBenchmarkSection('register-build-csv', 'Register: build from a CSV file, 1 vs 2 threads', `npx tsx bench/register/build.ts --rows ${rowCount} --runs ${runs}${args.chunk !== undefined ? ` --chunk ${chunkRows}` : ''} --csv --write`, table);
    else writeBenchmarkSection('register-build', 'Register: build, 1 vs 2 threads', `npx tsx bench/register/build.ts --rows ${rowCount} --runs ${runs}${args.chunk !== undefined ? ` --chunk ${chunkRows}` : ''} --write`, table);
  }
}

void main();
