/**
 * The parallel pipeline on 1 vs 2 threads, measured in the same run (src/pool).
 *
 *   npx tsx bench/pool/parallel.ts --records 20000   (defaults: --pairs 400k --score-pairs 2M --runs 3)
 *   npx tsx bench/pool/parallel.ts --records 50k --pairs 1M --runs 5 --write
 *
 * On a seeded synthetic population (src/synth, `--records` rows), with one pool per thread
 * count created and warmed up before timing (a pool's start-up is reported apart):
 *   - compare:      computeLevels over `--pairs` seeded random record pairs (all comparisons)
 *   - score:        scoreAll (Fellegi–Sunter weights with tf) over `--score-pairs` pairs (the
 *                   compared level and tf columns repeated; default max(pairs, 2M)), median
 *                   of 5 passes per run — one pass takes only tens of milliseconds
 *   - EM iteration: trainEmParallel on those level columns, fixed 10 iterations, per iteration
 *   - dedupe:       the whole dedupe() (prepare → … → clusters) on the same pool
 *   - bytes posted: what the tasks of one dedupe copy across threads (msgpackr arguments and
 *                   shared-memory handles), per record — bulk data stays on SharedArrayBuffer
 * Each figure is the median of `--runs` runs; 1 and 2 threads alternate run by run, so that
 * a neighbour's load hits both alike. The machine is shared: read the ratios, not the absolutes,
 * and the "cores obtained" line (process CPU time / wall time while comparing): two threads
 * that got one core between them cannot be faster than one thread.
 */
import { availableParallelism } from 'node:os';
import { dedupe } from '../../src/pipeline/match.js';
import { prepareRows } from '../../src/pipeline/prepare.js';
import { planComparisons } from '../../src/pipeline/comparisons.js';
import { vietnamesePersonSchema, defineSchema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';
import { sampleRandomPairs } from '../../src/score/random-pairs.js';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import { estimateU } from '../../src/score/estimate-u.js';
import { KhopPool } from '../../src/pool/pool.js';
import { createMatchJob, releaseMatchJob } from '../../src/pool/match-job.js';
import { computeLevels, scoreAll } from '../../src/pool/parallel-match.js';
import { trainEmParallel } from '../../src/pool/parallel-em.js';
import { sharedCopyUint32, sharedFloat64, sharedUint32, sharedUint8 } from '../../src/pool/shared-arrays.js';
import { bytes, fmt, machineLine, markdownTable, median, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Parallel pipeline on the worker pool: compare, score, EM and dedupe, 1 vs 2 threads.

  npx tsx bench/pool/parallel.ts [--records 20000] [--pairs 400k] [--score-pairs 2M] [--runs 3] [--write]

  --records N       synthetic records (default 20000; at least 2)
  --pairs N         compared record pairs (default 400k)
  --score-pairs N   scored pairs (default max(pairs, 2M))
  --runs N          runs, 1 and 2 threads alternating; medians reported (default 3)
  --write           write the table to BENCHMARKS.md (section "pool")
  --help            this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', pairs: 'value', 'score-pairs': 'value', runs: 'value', write: 'flag' }, USAGE);
const RECORDS = parseCount(args['records'], 20_000, 'records', 2, 'random pairs and dedupe need two records');
const PAIRS = parseCount(args['pairs'], 400_000, 'pairs');
/** Pairs scored and trained on: the compared level columns repeated (cost does not depend on values). */
const SCORE_PAIRS = parseCount(args['score-pairs'], Math.max(PAIRS, 2_000_000), 'score-pairs');
const RUNS = parseCount(args['runs'], 3, 'runs');
const WRITE = args['write'] === true;
const THREADS = [1, 2];
const EM_ITERATIONS = 10;
/** Scoring is fast (tens of ns per pair): each run takes the median of this many passes. */
const SCORE_REPS = 5;

const schema = defineSchema(vietnamesePersonSchema({ name: 'fullName' }));
console.log(`pool bench: ${RECORDS} records, ${PAIRS} pairs compared, ${SCORE_PAIRS} scored, ${RUNS} runs · ${machineLine()} · available parallelism ${availableParallelism()}`);
const rows = [...generatePopulation({ size: RECORDS, seed: 1 })];
const prepared = await prepareRows([rows], schema, { idField: 'recordId' });
const plan = planComparisons(schema, prepared.nameGroups, { dictionaries: prepared.dictionaries });
const K = plan.specs.length;
const random = sampleRandomPairs(PAIRS, prepared.store.rowCount, 7);
const P = random.count;
const left = sharedCopyUint32(random.left, P);
const right = sharedCopyUint32(random.right, P);
const n = prepared.store.rowCount;
// Term frequencies per row: a seeded stand-in (the scoring kernel's cost does not depend on them).
const tfRows = plan.tfColumns.map((c, k) => {
  if (c === null) return null;
  const t = sharedFloat64(n);
  for (let i = 0; i < n; i++) t[i] = ((i * 2654435761 + k) >>> 0) / 2 ** 34 + 1e-4;
  return t;
});

const startMs = new Map<number, number>();
const pools = new Map<number, KhopPool>();
for (const t of THREADS) {
  const s = performance.now();
  const pool = KhopPool.create({ threads: t });
  await Promise.all(Array.from({ length: t * 2 }, () => pool.run('pool.info', 0)));
  startMs.set(t, performance.now() - s);
  pools.set(t, pool);
}

interface Sample {
  compareMs: number;
  /** CPU time of the process (all threads) per wall time during compare: the cores it really got. */
  compareCores: number;
  scoreMs: number;
  emIterationMs: number;
  dedupeMs: number;
  dedupeCompareMs: number;
  postedBytes: number;
}
const samples = new Map<number, Sample[]>(THREADS.map((t) => [t, []]));

/** `src` repeated into a new shared array of `n` values. */
function tile<T extends Uint8Array | Uint32Array | Float64Array>(src: T, n: number, make: (n: number) => T): T {
  const out = make(n);
  for (let i = 0; i < n; i += src.length) out.set(src.subarray(0, Math.min(src.length, n - i)), i);
  return out;
}

async function once(threads: number): Promise<Sample> {
  const pool = pools.get(threads)!;
  const job = await createMatchJob(pool.nextJobId(), schema.fields, prepared.nameGroups, prepared.dictionaries, prepared.store, plan);
  const levels = plan.specs.map(() => sharedUint8(P));
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  await computeLevels({ pool, job }, 'compare', left, right, P, levels);
  const compareMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const compareCores = (cpu.user + cpu.system) / 1000 / compareMs;
  const u = estimateU(levels, P, plan.specs);
  const model = new FellegiSunterModel(plan.specs, { prior: 1e-4, u: u.u });
  const S = SCORE_PAIRS;
  const sLevels = levels.map((c) => tile(c, S, sharedUint8));
  const sLeft = tile(left.subarray(0, P), S, sharedUint32);
  const sTf = tfRows.map((c) => (c === null ? undefined : c));
  const out = sharedFloat64(S);
  const scoreTimes: number[] = [];
  for (let rep = 0; rep < SCORE_REPS; rep++) {
    t = performance.now();
    await scoreAll({ pool, job }, 'score', model, sLevels, sTf, sLeft, S, out);
    scoreTimes.push(performance.now() - t);
  }
  const scoreMs = median(scoreTimes);
  t = performance.now();
  await trainEmParallel({ pool, jobId: job.id }, [{ levels: sLevels, count: S, fixedComparisons: [0] }], model, { maxIterations: EM_ITERATIONS, tolerance: 0 });
  const emIterationMs = (performance.now() - t) / EM_ITERATIONS;
  releaseMatchJob(job);
  t = performance.now();
  const r = await dedupe(rows, { schema, idField: 'recordId', pool });
  const dedupeMs = performance.now() - t;
  let postedBytes = 0;
  for (const ph of r.stats.phases) postedBytes += typeof ph['postedBytes'] === 'number' ? ph['postedBytes'] : 0;
  const cmp = r.stats.phases.find((p) => p.phase === 'compare')!;
  return { compareMs, compareCores, scoreMs, emIterationMs, dedupeMs, dedupeCompareMs: cmp.ms, postedBytes };
}

// Warm-up (JIT in every thread), then alternate.
for (const t of THREADS) await once(t);
for (let run = 0; run < RUNS; run++) {
  for (const t of run % 2 === 0 ? THREADS : [...THREADS].reverse()) {
    const s = await once(t);
    samples.get(t)!.push(s);
    console.log(`  run ${run + 1} threads ${t}: compare ${s.compareMs.toFixed(0)} ms (${s.compareCores.toFixed(2)} cores), score ${s.scoreMs.toFixed(1)} ms, EM it ${s.emIterationMs.toFixed(1)} ms, dedupe ${s.dedupeMs.toFixed(0)} ms`);
  }
}
for (const p of pools.values()) await p.close();

const med = (t: number, f: (s: Sample) => number) => median(samples.get(t)!.map(f));
const rowsOut: string[][] = [];
const line = (name: string, f: (s: Sample) => number, unit: (v: number) => string, higherIsBetter: boolean) => {
  const a = med(1, f);
  const b = med(2, f);
  rowsOut.push([name, unit(a), unit(b), `${(higherIsBetter ? b / a : a / b).toFixed(2)}×`]);
};
line('compare (pairs/s)', (s) => P / (s.compareMs / 1000), (v) => fmt(v), true);
line(`score with tf, ${fmt(SCORE_PAIRS)} pairs (pairs/s)`, (s) => SCORE_PAIRS / (s.scoreMs / 1000), (v) => fmt(v), true);
line('compare + score (pairs/s)', (s) => 1 / (s.compareMs / P / 1000 + s.scoreMs / SCORE_PAIRS / 1000), (v) => fmt(v), true);
line(`EM iteration, ${fmt(SCORE_PAIRS)} pairs (ms)`, (s) => s.emIterationMs, (v) => v.toFixed(1), false);
line(`dedupe ${fmt(RECORDS)} records, total (ms)`, (s) => s.dedupeMs, (v) => v.toFixed(0), false);
line('dedupe: compare phase (ms)', (s) => s.dedupeCompareMs, (v) => v.toFixed(0), false);
rowsOut.push(['cores obtained during compare (CPU time / wall time)', med(1, (s) => s.compareCores).toFixed(2), med(2, (s) => s.compareCores).toFixed(2), '']);
rowsOut.push(['bytes posted per record (one dedupe)', bytes(med(1, (s) => s.postedBytes) / RECORDS), bytes(med(2, (s) => s.postedBytes) / RECORDS), '']);
rowsOut.push(['pool start-up incl. first tasks (ms)', startMs.get(1)!.toFixed(0), startMs.get(2)!.toFixed(0), '']);
// The same figures over the runs where the two threads really had two cores (a shared
// machine often gives them one): 1-thread medians of all runs against those runs' medians.
const full = samples.get(2)!.filter((x) => x.compareCores >= 1.8);
if (full.length > 0) {
  const m2 = (f: (x: Sample) => number) => median(full.map(f));
  const ratio = (f: (x: Sample) => number) => `${(med(1, f) / m2(f)).toFixed(2)}×`;
  rowsOut.push([`only the ${full.length} runs where 2 threads got ≥ 1.8 cores: compare / score / EM it / dedupe`, '', '', `${ratio((x) => x.compareMs)} / ${ratio((x) => x.scoreMs)} / ${ratio((x) => x.emIterationMs)} / ${ratio((x) => x.dedupeMs)}`]);
}
const table = markdownTable(['measure (median)', '1 thread', '2 threads', 'speed-up'], rowsOut);
console.log('\n' + table);

if (WRITE) {
  const body = `${table}\n\n${RECORDS} synthetic records (seed 1), ${fmt(P)} seeded random pairs compared (${fmt(SCORE_PAIRS)} scored: the level columns repeated), ${K} comparisons, median of ${RUNS} runs alternating 1 and 2 threads after a warm-up; pools created before timing. "bytes posted" counts msgpackr arguments, ~16 B per shared-memory handle and the descriptor metadata cloned with them; records, pairs, levels and weights stay on SharedArrayBuffer and are not copied.`;
  writeBenchmarkSection('pool', 'Parallel pipeline (worker pool, 1 vs 2 threads)', `npx tsx bench/pool/parallel.ts --records ${RECORDS} --pairs ${PAIRS} --score-pairs ${SCORE_PAIRS} --runs ${RUNS} --write`, body);
  console.log('BENCHMARKS.md: section "pool" written');
}
