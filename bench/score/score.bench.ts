/**
 * Fellegi–Sunter scoring and EM throughput on seeded level columns (5 comparisons, 3–5 levels).
 *
 *   npx tsx bench/score/score.bench.ts                 (defaults: 1M pairs, 1 s/task)
 *   KHOP_BENCH_N=200000 KHOP_BENCH_TIME=300 npx tsx bench/score/score.bench.ts
 *   … --write   also replaces the "micro-score" section of BENCHMARKS.md
 *
 * Tasks, each over the same N pairs (30% matches, 5% nulls per comparison):
 *   - scorePairs:           FellegiSunterModel.scorePairs into a Float64Array
 *   - scorePairs + tf:      the same with term-frequency inputs on two comparisons
 *   - naive score:          baseline: one object per pair ({ levels: number[] }), nested
 *                           m/u arrays, Math.log2(m/u) per comparison per pair, a result object
 *   - EM iteration:         emStepTable + emAccumulate over all pairs + emMaximise
 *   - naive EM iteration:   baseline: per-pair objects, products of m and u, nested sums
 * Reported: pairs per second, ns per pair and the ratios against the baselines.
 */
import { Bench } from 'tinybench';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import type { ComparisonSpec } from '../../src/score/comparison-spec.js';
import { emAccumulate, emAccumulatorLength, emMaximise, emStepTable, type EmParameters } from '../../src/score/expectation-maximisation.js';
import { Rng } from '../../src/util/rng.js';
import { envCount, fmt, machineLine, markdownTable, parseArgs, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Fellegi–Sunter scoring and EM vs naive object-per-pair (one thread).

  [KHOP_BENCH_N=1M] [KHOP_BENCH_TIME=1000] npx tsx bench/score/score.bench.ts [--write]

  KHOP_BENCH_N      scored pairs (default 1M)
  KHOP_BENCH_TIME   tinybench time per task in milliseconds (default 1000)
  --write           write the table to BENCHMARKS.md (section "micro-score", as npm run bench does)
  --help            this text`;

const WRITE = parseArgs(process.argv.slice(2), { write: 'flag' }, USAGE).write === true;
const N = envCount('KHOP_BENCH_N', 1_000_000);
const TIME = envCount('KHOP_BENCH_TIME', 1000);
const SEED = 42;

// ---- a 5-comparison model and seeded level columns -------------------------------------------
const M: number[][] = [
  [0, 0.85, 0.1, 0.05],
  [0, 0.9, 0.1],
  [0, 0.7, 0.15, 0.1, 0.05],
  [0, 0.95, 0.05],
  [0, 0.8, 0.12, 0.08],
];
const U: number[][] = [
  [0, 0.02, 0.08, 0.9],
  [0, 0.1, 0.9],
  [0, 0.01, 0.04, 0.15, 0.8],
  [0, 0.3, 0.7],
  [0, 0.05, 0.15, 0.8],
];
const SPECS: ComparisonSpec[] = M.map((m, k) => ({
  name: `c${k}`,
  levels: m.map((_, l) => (l === 0 ? { label: 'null', null: true } : { label: `l${l}`, tf: l === 1 && (k === 0 || k === 2) ? true : undefined })),
}));
const K = SPECS.length;
const model = new FellegiSunterModel(SPECS, { prior: 1e-4, m: M, u: U });

const rng = new Rng(SEED);
const levels = SPECS.map(() => new Uint8Array(N));
function draw(p: readonly number[]): number {
  let x = rng.next();
  for (let l = 1; l < p.length - 1; l++) if ((x -= p[l]!) < 0) return l;
  return p.length - 1;
}
for (let i = 0; i < N; i++) {
  const match = rng.next() < 0.3;
  for (let k = 0; k < K; k++) levels[k]![i] = rng.next() < 0.05 ? 0 : draw(match ? M[k]! : U[k]!);
}
const tf = SPECS.map((_, k) => (k === 0 || k === 2 ? Float64Array.from({ length: N }, () => 1e-4 + rng.next() ** 3 * 0.3) : undefined));
const out = new Float64Array(N);

// ---- baselines --------------------------------------------------------------------------------
interface NaivePair { levels: number[] }
function naiveScore(): number {
  let s = 0;
  for (let i = 0; i < N; i++) {
    const pair: NaivePair = { levels: levels.map((c) => c[i]!) };
    let w = Math.log2(1e-4 / (1 - 1e-4));
    for (let k = 0; k < K; k++) {
      const l = pair.levels[k]!;
      if (l !== 0) w += Math.log2(M[k]![l]! / U[k]![l]!);
    }
    const result = { weight: w, probability: 1 / (1 + 2 ** -w) };
    s += result.weight;
  }
  return s;
}
function naiveEmIteration(m: number[][], lambda: number): number {
  const sums = M.map((row) => row.map(() => 0));
  let total = 0;
  for (let i = 0; i < N; i++) {
    const pair: NaivePair = { levels: levels.map((c) => c[i]!) };
    let pm = lambda;
    let pu = 1 - lambda;
    for (let k = 0; k < K; k++) {
      const l = pair.levels[k]!;
      if (l === 0) continue;
      pm *= m[k]![l]!;
      pu *= U[k]![l]!;
    }
    const p = pm / (pm + pu);
    total += p;
    pair.levels.forEach((l, k) => (sums[k]![l]! += p));
  }
  for (let k = 0; k < K; k++) {
    const mass = sums[k]!.slice(1).reduce((a, b) => a + b, 0);
    for (let l = 1; l < M[k]!.length; l++) m[k]![l] = sums[k]![l]! / mass;
  }
  return total / N;
}

// ---- EM state ---------------------------------------------------------------------------------
const flat = (t: number[][]): Float64Array => {
  const f = new Float64Array(K << 8);
  t.forEach((row, k) => f.set(row, k << 8));
  return f;
};
const params: EmParameters = { m: flat(model.parameters().m), u: flat(model.parameters().u), prior: 0.3 };
const counts = SPECS.map((c) => c.levels.length);
const active = Uint32Array.from({ length: K }, (_, k) => k);
const acc = new Float64Array(emAccumulatorLength(K));
const naiveM = M.map((row) => row.slice());

let sink = 0;
const bench = new Bench({ time: TIME, warmupTime: Math.min(200, TIME) });
bench
  .add('scorePairs (5 comparisons)', () => {
    model.scorePairs(levels, N, out);
    sink += out[N - 1]!;
  })
  .add('scorePairs + tf (2 tf comparisons)', () => {
    model.scorePairs(levels, N, out, tf);
    sink += out[N - 1]!;
  })
  .add('naive score (object per pair)', () => {
    sink += naiveScore();
  })
  .add('EM iteration (E-step + M-step)', () => {
    acc.fill(0);
    emAccumulate(levels, 0, N, emStepTable(params, counts, active), acc);
    emMaximise(acc, counts, active, params, true);
    sink += params.prior;
  })
  .add('naive EM iteration (object per pair)', () => {
    sink += naiveEmIteration(naiveM, 0.3);
  });

await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result;
  const period = r.state === 'completed' ? r.period : Number.NaN; // ms per task call
  return { task: t.name, pairsPerSecond: N / (period / 1000), nsPerPair: (period * 1e6) / N };
});
console.log(`score bench: N=${N} pairs, K=${K} comparisons, time=${TIME} ms/task, ${machineLine()}`);
console.table(rows.map((r) => ({ task: r.task, 'pairs/s': fmt(r.pairsPerSecond), 'ns/pair': r.nsPerPair.toFixed(2) })));
const by = (name: string): number => rows.find((r) => r.task.startsWith(name))!.pairsPerSecond;
const scoreRatio = by('scorePairs (5') / by('naive score');
const emRatio = by('EM iteration') / by('naive EM');
console.log(`scorePairs / naive = ${scoreRatio.toFixed(1)}×   EM / naive EM = ${emRatio.toFixed(1)}×   (sink ${Number.isFinite(sink) ? 'ok' : 'bad'})`);

if (WRITE) {
  const body = markdownTable(
    ['task', 'pairs/s', 'ns/pair'],
    rows.map((r) => [r.task, fmt(r.pairsPerSecond), r.nsPerPair.toFixed(2)]),
  ) + `\n\nscorePairs / naive = ${scoreRatio.toFixed(1)}×, EM iteration / naive = ${emRatio.toFixed(1)}× (one thread, N = ${N} pairs, 5 comparisons).`;
  writeBenchmarkSection('micro-score', 'Fellegi–Sunter scoring and EM vs naive object-per-pair', `KHOP_BENCH_N=${N} npx tsx bench/score/score.bench.ts --write`, body);
}
