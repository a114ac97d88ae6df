/**
 * The prepare phase of dedupe / link (rows → store: parsing, normalising, phonetic keys), in
 * the calling thread alone vs on a pool, same run, alternating (medians).
 *
 *   npx tsx bench/pool/prepare.ts [--records 1M] [--runs 5] [--write]
 *
 * Configurations:
 *   1 thread             prepareRows in the calling thread
 *   calling + 1 worker   a 1-worker pool (KhopPool inCallingThread: false) and the calling
 *                        thread sharing the chunks (parallel-prepare.ts)
 *   calling + 2 workers  a 2-thread pool (what `threads: 2` creates for dedupe) + the calling thread
 * Pools are made once (their start-up, ~0.3–0.6 s, is not timed). "cores" = CPU time of the
 * process / wall time. Results are checked identical to the 1-thread run (store cells sampled).
 */
import { KhopPool } from '../../src/pool/pool.js';
import { pooledPrepare } from '../../src/pipeline/parallel-prepare.js';
import { prepareRows, type PreparedDataset } from '../../src/pipeline/prepare.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';
import { fmt, machineLine, markdownTable, median, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Parallel row preparation: the calling thread alone vs with 1 and 2 workers.

  npx tsx bench/pool/prepare.ts [--records 1M] [--runs 5] [--write]

  --records N   synthetic rows (default 1M)
  --runs N      runs, the median reported (default 5)
  --write       write the table to BENCHMARKS.md
  --help        this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', runs: 'value', write: 'flag' }, USAGE);
const N = parseCount(args.records, 1_000_000, 'records');
const RUNS = parseCount(args.runs, 5, 'runs');

const rows = [...generatePopulation({ size: N, seed: 7 })];
const schema = vietnamesePersonSchema();
const oneWorker = KhopPool.create({ threads: 1, inCallingThread: false });
const twoWorkers = KhopPool.create({ threads: 2 });
const configs: Array<{ name: string; pool: KhopPool | undefined }> = [
  { name: '1 thread', pool: undefined },
  { name: 'calling + 1 worker', pool: oneWorker },
  { name: 'calling + 2 workers', pool: twoWorkers },
];

/** A fingerprint of a prepared store (every 97th row's cells). */
function fingerprint(p: PreparedDataset): string {
  const parts: string[] = [String(p.store.rowCount), String(p.rejected.length), JSON.stringify(p.issues)];
  for (let r = 0; r < p.store.rowCount; r += 97) for (const c of p.store.columns) parts.push(String(c.type === 'ascii' || c.type === 'utf8' ? p.store.getString(c.name, r) : p.store.getNumber(c.name, r)));
  return parts.join('\u0001');
}

interface Run {
  ms: number;
  cores: number;
  print: string;
}
async function time(pool: KhopPool | undefined): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const p = await prepareRows([rows], schema, { idField: 'recordId', ...(pool !== undefined ? { runner: pooledPrepare(pool) } : {}) });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cores: (c.user + c.system) / 1000 / ms, print: fingerprint(p) };
}

console.log(`prepare bench: ${fmt(N)} rows — ${machineLine()}`);
for (const c of configs) await time(c.pool); // warm-up: JIT, workers' modules
const results = configs.map(() => [] as Run[]);
for (let r = 0; r < RUNS; r++) {
  for (let i = 0; i < configs.length; i++) {
    const x = await time(configs[i]!.pool);
    results[i]!.push(x);
    console.log(`run ${r + 1} ${configs[i]!.name}: ${x.ms.toFixed(0)} ms, ${x.cores.toFixed(2)} cores`);
  }
}
await oneWorker.close();
await twoWorkers.close();
const base = median(results[0]!.map((x) => x.ms));
const same = results.every((rs) => rs.every((x) => x.print === results[0]![0]!.print));
const table = markdownTable(
  [`prepare ${fmt(N)} rows (median of ${RUNS})`, 'wall time', 'rows/s', 'vs 1 thread', 'cores used'],
  configs.map((c, i) => {
    const ms = median(results[i]!.map((x) => x.ms));
    return [c.name, `${(ms / 1000).toFixed(2)} s`, fmt((N / ms) * 1000), `${(base / ms).toFixed(2)}×`, median(results[i]!.map((x) => x.cores)).toFixed(2)];
  }),
);
console.log(table);
console.log(`results identical to 1 thread in every run: ${same ? 'yes' : 'NO'}`);
if (args.write === true) {
  writeBenchmarkSection(
    `pool-prepare-${N}`,
    `Prepare phase of dedupe, ${fmt(N)} rows (1 vs 2 threads)`,
    `npx tsx bench/pool/prepare.ts --records ${N} --runs ${RUNS} --write`,
    `${table}\n\nResults identical to 1 thread in every run: ${same ? 'yes' : 'NO'}. Pools made once (start-up not timed).`,
  );
}
