/**
 * Benchmark: BlockIndex build and lookups vs a JS Map, same run, same seeded keys.
 *
 *   npx tsx bench/block/block-index.bench.ts [--n 1M] [--q 100k] [--time 500] [--write]
 *
 * Keys: n 64-bit hashes of which ~10% repeat an earlier one (duplicated people form blocks of
 * 2+), as (hi, lo) Uint32 halves; rows 0..n−1.
 * Build (timed apart from lookups, input copies made in beforeEach):
 *   - BlockIndex.fromHashes: MSD+LSD radix sort → CSR → directory;
 *   - radixSort64 alone, and the plain six-pass LSD variant (the MSD-first path's baseline);
 *   - baseline: Map<number, number[]> keyed by a 53-bit number made from the hash (what a
 *     straightforward JS index would do; holds at most 2^24 keys).
 * Lookups of q keys (half present, half absent):
 *   - BlockIndex.lookup one by one (random order);
 *   - BlockIndex.lookupMany, automatic (orders the queries by top bits only when the index is
 *     larger than a cache, ≥ 32 MiB) and forced ordering (what a large index gets);
 *   - baseline Map.get.
 * Ratios are against the Map. `--write` records the table in BENCHMARKS.md (section "micro-block").
 */
import { Bench } from 'tinybench';
import { BlockIndex } from '../../src/block/block-index.js';
import { allocTriples, radixSort64, radixSort64Lsd, type KeyTriples } from '../../src/block/radix-sort.js';
import { Rng } from '../../src/util/rng.js';
import { fmt, machineLine, markdownTable, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `BlockIndex build and lookups vs a JS Map.

  npx tsx bench/block/block-index.bench.ts [--n 1M] [--q 100k] [--time 500] [--write]

  --n N        keys in the index (default 1M)
  --q N        lookups per task (default 100k)
  --time MS    tinybench time per task in milliseconds (default 500)
  --write      write the table to BENCHMARKS.md (section "micro-block", as npm run bench does)
  --help       this text`;

const args = parseArgs(process.argv.slice(2), { n: 'value', q: 'value', time: 'value', write: 'flag' }, USAGE);
const N = parseCount(args.n, 1_000_000, 'n');
const Q = parseCount(args.q, 100_000, 'q');
const TIME_MS = parseCount(args.time, 500, 'time');

const rng = new Rng(2024);
const src = allocTriples(N, false);
for (let i = 0; i < N; i++) {
  if (i > 0 && rng.chance(0.1)) {
    const j = rng.int(i);
    src.hi[i] = src.hi[j]!;
    src.lo[i] = src.lo[j]!;
  } else {
    src.hi[i] = rng.nextU32();
    src.lo[i] = rng.nextU32();
  }
  src.ids[i] = i;
}
/** 53-bit Map key from a 64-bit hash: low 21 bits of hi above the 32 bits of lo. */
const mapKey = (hi: number, lo: number): number => (hi & 0x1fffff) * 4294967296 + lo;

const work: KeyTriples = allocTriples(N, true);
const scratch: KeyTriples = allocTriples(N, true);
const refill = (): void => {
  work.hi.set(src.hi);
  work.lo.set(src.lo);
  work.ids.set(src.ids);
};

// The structures the lookups query (built once, outside the timed build tasks).
refill();
const index = BlockIndex.fromHashes(work.lo, work.hi, work.ids, N, N);
const map = new Map<number, number[]>();
for (let i = 0; i < N; i++) {
  const k = mapKey(src.hi[i]!, src.lo[i]!);
  const list = map.get(k);
  if (list === undefined) map.set(k, [i]);
  else list.push(i);
}
const qHi = new Uint32Array(Q);
const qLo = new Uint32Array(Q);
const qKey = new Float64Array(Q);
for (let i = 0; i < Q; i++) {
  if (i & 1) {
    const j = rng.int(N);
    qHi[i] = src.hi[j]!;
    qLo[i] = src.lo[j]!;
  } else {
    qHi[i] = rng.nextU32();
    qLo[i] = rng.nextU32();
  }
  qKey[i] = mapKey(qHi[i]!, qLo[i]!);
}
const out = new Uint32Array(Q);
let sink = 0;

// Correctness guard: index and Map agree on every query before anything is timed.
index.lookupMany(qLo, qHi, out, Q);
for (let i = 0; i < Q; i++) {
  const b = index.lookup(qLo[i]!, qHi[i]!);
  const rows = map.get(qKey[i]!);
  if ((b < 0) !== (rows === undefined) || (b >= 0 && (index.blockSize(b) !== rows!.length || out[i] !== b))) throw new Error('index and Map disagree');
}

const bench = new Bench({ time: TIME_MS, iterations: 3, warmupTime: Math.min(200, TIME_MS), warmupIterations: 1 });
const hooks = { beforeEach: refill };
bench.add('build: BlockIndex.fromHashes', () => {
  sink += BlockIndex.fromHashes(work.lo, work.hi, work.ids, N, N).blockCount;
}, hooks);
bench.add('build: radixSort64 (MSD then LSD)', () => {
  sink += radixSort64(work, scratch, N).ids[0]!;
}, hooks);
bench.add('build: radixSort64Lsd (6 LSD passes)', () => {
  sink += radixSort64Lsd(work, scratch, N).ids[0]!;
}, hooks);
bench.add('build: Map<number, number[]> (baseline)', () => {
  const m = new Map<number, number[]>();
  const hi = src.hi;
  const lo = src.lo;
  for (let i = 0; i < N; i++) {
    const k = mapKey(hi[i]!, lo[i]!);
    const list = m.get(k);
    if (list === undefined) m.set(k, [i]);
    else list.push(i);
  }
  sink += m.size;
});
bench.add('lookup: BlockIndex.lookup, one by one', () => {
  let s = 0;
  for (let i = 0; i < Q; i++) s += index.lookup(qLo[i]!, qHi[i]!);
  sink += s;
});
bench.add('lookup: BlockIndex.lookupMany (auto: ordered only for large indexes)', () => {
  index.lookupMany(qLo, qHi, out, Q);
  sink += out[0]!;
});
bench.add('lookup: BlockIndex.lookupMany (forced ordering)', () => {
  index.lookupMany(qLo, qHi, out, Q, true);
  sink += out[0]!;
});
bench.add('lookup: Map.get (baseline)', () => {
  let s = 0;
  for (let i = 0; i < Q; i++) s += map.get(qKey[i]!)?.length ?? 0;
  sink += s;
});

await bench.run();

const seconds = new Map<string, number>();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
  seconds.set(task.name, r.latency.mean / 1000);
}
const mapBuild = seconds.get('build: Map<number, number[]> (baseline)')!;
const mapLookup = seconds.get('lookup: Map.get (baseline)')!;
const rows: string[][] = [];
for (const [name, s] of seconds) {
  const build = name.startsWith('build');
  const per = build ? N : Q;
  rows.push([name, `${(s * 1000).toFixed(1)} ms`, `${fmt(per / s)}/s`, `${((build ? mapBuild : mapLookup) / s).toFixed(2)}×`]);
}
const table = markdownTable(['task', 'time per run', 'keys/s (build) · lookups/s', 'vs Map'], rows);
process.stdout.write(`${machineLine()}\nN = ${fmt(N)} keys (${fmt(index.blockCount)} blocks, ${(index.byteLength / N).toFixed(2)} B/entry), Q = ${fmt(Q)} lookups per run\n\n${table}\n`);
if (sink === 0.5) process.stdout.write(' ');
if (args.write === true) {
  writeBenchmarkSection('micro-block', 'BlockIndex build and lookup vs a JS Map', `npx tsx bench/block/block-index.bench.ts --n ${N} --q ${Q} --time ${TIME_MS} --write`, table);
}
