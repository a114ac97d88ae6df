/**
 * The BlockIndex build on 1 vs 2 threads, measured in the same run (src/pool/parallel-index.ts).
 *
 *   npx tsx bench/pool/index-build.ts --records 1M --runs 5
 *   npx tsx bench/pool/index-build.ts --records 10M --runs 5 [--write]
 *   npx tsx --expose-gc bench/pool/index-build.ts --records 100M --runs 5 --hashes-only   (sort + CSR of one rule)
 * At 100M give --expose-gc (the script then collects between builds; without it, unreferenced
 * SharedArrayBuffers pile up: 21 GiB RSS was seen after 4 runs) — ~8 GiB peak with it.
 *
 * A seeded synthetic store of `--records` rows (12-digit id, family, middle, given, packed dob,
 * sex; built once, not timed) indexed under three rules — `id`, `given & dob`,
 * `first(family,3) & given & year(dob)` — by:
 *   - 1 thread:   buildBlockIndexes (the calling thread; the baseline)
 *   - 2 threads:  buildBlockIndexesParallel on a pool of 2 threads (started and warmed up
 *                 before timing; its start-up is reported apart)
 *   - hashes:     BlockIndex.fromHashes vs blockIndexFromHashesParallel on the id rule's hashes
 *                 (the register's path: keys hashed already, sort + CSR only)
 * `--hashes-only` skips the store (and the 3-rule builds): the hashes are those of N seeded IDs
 * drawn from 0.95·N values (so a few repeat, as re-issued numbers do), mixed by MurmurHash3's fmix32.
 * 1 and 2 threads alternate run by run so a neighbour's load hits both alike. Every run prints
 * wall time and process CPU time / wall time ("cores obtained": two threads that got one core
 * between them cannot be faster than one thread); medians over `--runs` runs, and the median
 * over the runs where the 2-thread build obtained ≥ 1.6 cores. Bytes crossing threads: what the
 * tasks post (PoolTraffic), per record and per build. Every 2-thread index is checked equal to
 * the 1-thread one (content of every array).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BlockIndex } from '../../src/block/block-index.js';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import type { BlockingRule } from '../../src/block/blocking-rule.js';
import { buildRuleKeys } from '../../src/block/blocking-keys.js';
import { RecordStore, type CellValue, type ColumnSpec } from '../../src/block/record-store.js';
import { blockIndexFromHashesParallel, buildBlockIndexesParallel, type IndexBuildTimings } from '../../src/pool/parallel-index.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { KhopPool } from '../../src/pool/pool.js';
import { PoolTraffic } from '../../src/pool/task-message.js';
import { Rng } from '../../src/util/rng.js';
import { bytes, fmt, machineLine, markdownTable, median, parseArgs, parseCount, tsxCommand, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Parallel block-index build, 1 vs 2 threads.

  npx tsx [--expose-gc] bench/pool/index-build.ts [--records 1M] [--runs 5] [--hashes-only] [--write]

  --records N     store rows (default 1M; at 100M give --expose-gc to node)
  --runs N        runs, 1 and 2 threads alternating; medians reported (default 5)
  --hashes-only   only sort + CSR of one rule's hashes (no store, no 3-rule builds)
  --write         write the table to BENCHMARKS.md (section "pool-index-<records>[-hashes]")
  --help          this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', runs: 'value', 'hashes-only': 'flag', write: 'flag' }, USAGE);
const N = parseCount(args['records'], 1_000_000, 'records');
const RUNS = parseCount(args['runs'], 5, 'runs');
const WRITE = args['write'] === true;
const HASHES_ONLY = args['hashes-only'] === true;
const gc = (globalThis as { gc?: () => void }).gc;
const GOOD_CORES = 1.6;

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'family', type: 'ascii' },
  { name: 'middle', type: 'ascii' },
  { name: 'given', type: 'ascii' },
  { name: 'dob', type: 'int32' },
  { name: 'sex', type: 'uint8' },
];
const RULES: BlockingRule[] = [
  { name: 'id', parts: [{ column: 'id' }] },
  { name: 'given-dob', parts: [{ column: 'given' }, { column: 'dob' }] },
  { name: 'family3-given-year', parts: [{ column: 'family', transform: 'first', n: 3 }, { column: 'given' }, { column: 'dob', transform: 'year' }] },
];

console.log(`index build bench: ${fmt(N, 0)} records × ${HASHES_ONLY ? '1 rule (hashes given)' : `${RULES.length} rules`}, ${RUNS} runs · ${machineLine()} · available parallelism ${availableParallelism()}`);

// ── store (setup, not timed) ───────────────────────────────────────────────────────────────
const t0 = performance.now();
const rng = new Rng(1);
const FAMILY = ['nguyen', 'nguyen', 'nguyen', 'tran', 'tran', 'le', 'pham', 'hoang', 'huynh', 'phan', 'vu', 'vo', 'dang', 'bui', 'do', 'ho', 'ngo', 'duong', 'ly'];
const MIDDLE = ['van', 'thi', 'duc', 'minh', 'ngoc', 'thanh', 'quoc', 'huu', 'kim', 'xuan'];
const GIVEN: string[] = [];
for (const a of ['an', 'anh', 'binh', 'chau', 'cuong', 'dung', 'giang', 'ha', 'hai', 'hoa', 'hung', 'huong', 'lan', 'linh', 'long', 'mai', 'minh', 'nam', 'nga', 'phuong', 'quang', 'son', 'thao', 'thu', 'trang', 'tuan', 'vy', 'yen'])
  for (const b of ['', 'h', 'n', 'ng']) GIVEN.push(a + b);
const store = new RecordStore(COLUMNS);
const row: CellValue[] = new Array<CellValue>(COLUMNS.length);
for (let r = 0; r < (HASHES_ONLY ? 0 : N); r++) {
  const province = 1 + rng.int(96);
  row[0] = rng.chance(0.03) ? null : String(province).padStart(3, '0') + String(rng.int(1e9)).padStart(9, '0');
  row[1] = rng.pick(FAMILY);
  row[2] = rng.pick(MIDDLE);
  row[3] = rng.pick(GIVEN);
  row[4] = rng.chance(0.02) ? null : (1930 + rng.int(95)) * 10000 + (1 + rng.int(12)) * 100 + 1 + rng.int(28);
  row[5] = rng.int(2);
  store.append(row);
}
if (!HASHES_ONLY) console.log(`store: ${fmt(store.rowCount, 0)} rows in ${fmt((performance.now() - t0) / 1000)} s, ${bytes(store.byteLength)}`);

let t = performance.now();
const pool = KhopPool.create({ threads: 2 });
await pool.run('pool.info', null);
await pool.run('pool.info', null);
const startMs = performance.now() - t;
// Warm-up (JIT in every thread, the job cache path), not timed.
if (!HASHES_ONLY) {
  await buildBlockIndexesParallel(store, RULES, { pool, minRows: 0 });
  buildBlockIndexes(store, RULES);
}

interface Sample {
  wallMs: number;
  cores: number;
  /** CPU ms of the main thread, and of the busiest other thread (a pool worker, or a GC helper). */
  mainCpuMs: number;
  maxOtherCpuMs: number;
}

/**
 * CPU ms per thread of this process (Linux /proc; empty elsewhere). Clock ticks of 10 ms: coarse
 * for one short build, fine for medians of builds of 100 ms and more.
 */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime, in 1/100 s) are f[11] and f[12] after the name.
      out.set(tid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

function sampleOf(wallMs: number, cu: NodeJS.CpuUsage, before: Map<string, number>): Sample {
  const after = threadCpu();
  const main = String(process.pid);
  let mainCpuMs = 0;
  let maxOtherCpuMs = 0;
  for (const [tid, ms] of after) {
    const d = ms - (before.get(tid) ?? 0);
    if (tid === main) mainCpuMs = d;
    else maxOtherCpuMs = Math.max(maxOtherCpuMs, d);
  }
  return { wallMs, cores: (cu.user + cu.system) / 1000 / wallMs, mainCpuMs, maxOtherCpuMs };
}
function timed<T>(f: () => T): { value: T; s: Sample } {
  const t0 = threadCpu();
  const c = process.cpuUsage();
  const w = performance.now();
  const value = f();
  const wallMs = performance.now() - w;
  return { value, s: sampleOf(wallMs, process.cpuUsage(c), t0) };
}
async function timedAsync<T>(f: () => Promise<T>): Promise<{ value: T; s: Sample }> {
  const t0 = threadCpu();
  const c = process.cpuUsage();
  const w = performance.now();
  const value = await f();
  const wallMs = performance.now() - w;
  return { value, s: sampleOf(wallMs, process.cpuUsage(c), t0) };
}
function same(a: BlockIndex, b: BlockIndex): boolean {
  const eq = (x: Uint32Array, y: Uint32Array): boolean => x.length === y.length && Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  return a.directoryBits === b.directoryBits && eq(a.keys, b.keys) && eq(a.starts, b.starts) && eq(a.rowIds, b.rowIds) && eq(a.directory, b.directory);
}

const one: Sample[] = [];
const two: Sample[] = [];
const hashOne: Sample[] = [];
const hashTwo: Sample[] = [];
const copyOf = (v: Uint32Array): Uint32Array => {
  const c = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, v.length)), 0, v.length);
  c.set(v);
  return c;
};
let traffic = new PoolTraffic();
let hashTraffic = new PoolTraffic();
/** fmix32 of MurmurHash3 (Appleby) — a bijection on 32-bit values with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
/** Two independent 32-bit mixes of k as the hash halves: uniform, like XXH64 output. */
function mixInto(k: number, lo: Uint32Array, hi: Uint32Array, i: number): void {
  lo[i] = fmix32(k ^ 0x9e3779b9);
  hi[i] = fmix32((k + 0x7f4a7c15) ^ 0x632be5ab);
}
function syntheticIdKeys(): { lo: Uint32Array; hi: Uint32Array; rows: Uint32Array; count: number } {
  const mk = (): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, N)), 0, N);
  const k = { lo: mk(), hi: mk(), rows: mk(), count: N };
  const g = new Rng(9);
  const distinct = Math.max(1, Math.floor(0.95 * N));
  for (let i = 0; i < N; i++) {
    mixInto(g.int(distinct), k.lo, k.hi, i);
    k.rows[i] = i;
  }
  return k;
}
const idKeys = HASHES_ONLY ? syntheticIdKeys() : buildRuleKeys(store, RULES[0]!);
if (HASHES_ONLY) {
  // Warm-up of the hash path (not timed).
  const w = Math.min(N, 1 << 20);
  BlockIndex.fromHashes(copyOf(idKeys.lo.subarray(0, w)), copyOf(idKeys.hi.subarray(0, w)), copyOf(idKeys.rows.subarray(0, w)), w, N);
  await blockIndexFromHashesParallel(copyOf(idKeys.lo.subarray(0, w)), copyOf(idKeys.hi.subarray(0, w)), copyOf(idKeys.rows.subarray(0, w)), w, N, { pool, minRows: 0 });
}
let identical = true;
/** Phase times summed over the runs: 1 thread (keys, sort + CSR) and 2 threads (per phase). */
const seqPhases = { keys: 0, sortCsr: 0 };
const parPhases: IndexBuildTimings = { keys: 0, scatter: 0, sort: 0, csr: 0 };
const hasher = new KeyHasher({ seed: 0n });
/** buildBlockIndexes, step by step (the same calls), to time keys apart from sort + CSR. */
function sequentialBuild(): BlockIndex[] {
  return RULES.map((rule) => {
    let t = performance.now();
    const keys = buildRuleKeys(store, rule, { seed: 0n, hasher });
    seqPhases.keys += performance.now() - t;
    t = performance.now();
    const ix = BlockIndex.fromHashes(keys.lo, keys.hi, keys.rows, keys.count, store.rowCount, { rule, seed: 0n });
    seqPhases.sortCsr += performance.now() - t;
    return ix;
  });
}
for (let run = 0; run < RUNS; run++) {
  traffic = new PoolTraffic();
  hashTraffic = new PoolTraffic();
  const order = run % 2 === 0 ? [1, 2] : [2, 1];
  let a: BlockIndex[] = [];
  let b: BlockIndex[] = [];
  for (const threads of HASHES_ONLY ? [] : order) {
    if (threads === 1) {
      const r = timed(sequentialBuild);
      a = r.value;
      one.push(r.s);
    } else {
      const r = await timedAsync(() => buildBlockIndexesParallel(store, RULES, { pool, minRows: 0, traffic, timings: parPhases }));
      b = r.value;
      two.push(r.s);
    }
  }
  if (!HASHES_ONLY) identical &&= a.every((ix, k) => same(ix, b[k]!)) && same(a[0]!, buildBlockIndexes(store, RULES.slice(0, 1))[0]!);
  a = [];
  b = [];
  gc?.();
  let ha: BlockIndex | null = null;
  let hb: BlockIndex | null = null;
  for (const threads of order) {
    gc?.();
    const lo = copyOf(idKeys.lo);
    const hi = copyOf(idKeys.hi);
    const ids = copyOf(idKeys.rows);
    if (threads === 1) {
      const r = timed(() => BlockIndex.fromHashes(lo, hi, ids, idKeys.count, N));
      ha = r.value;
      hashOne.push(r.s);
    } else {
      const r = await timedAsync(() => blockIndexFromHashesParallel(lo, hi, ids, idKeys.count, N, { pool, minRows: 0, traffic: hashTraffic }));
      hb = r.value;
      hashTwo.push(r.s);
    }
  }
  identical &&= same(ha!, hb!);
  ha = null;
  hb = null;
  gc?.();
  const line = (s: Sample): string => `${fmt(s.wallMs, 0)} ms (cpu ${fmt(s.wallMs * s.cores, 0)} ms: main ${fmt(s.mainCpuMs, 0)}, busiest other ${fmt(s.maxOtherCpuMs, 0)}; ${fmt(s.cores)} cores)`;
  console.log(
    (HASHES_ONLY ? `run ${run + 1}: ` : `run ${run + 1}: build 1 thread ${line(one[run]!)} · 2 threads ${line(two[run]!)} · ×${fmt(one[run]!.wallMs / two[run]!.wallMs)}   `) +
      `hashes→index 1 thread ${line(hashOne[run]!)} · 2 threads ${line(hashTwo[run]!)} · ×${fmt(hashOne[run]!.wallMs / hashTwo[run]!.wallMs)}`,
  );
}
await pool.close();

function summary(label: string, a: Sample[], b: Sample[]): string[] {
  const m1 = median(a.map((s) => s.wallMs));
  const m2 = median(b.map((s) => s.wallMs));
  const good = a.map((s, i) => [s, b[i]!] as const).filter(([, s2]) => s2.cores >= GOOD_CORES);
  const goodRatio = good.length > 0 ? `×${fmt(median(good.map(([s1, s2]) => s1.wallMs / s2.wallMs)))} (${good.length}/${a.length} runs)` : `– (0/${a.length} runs)`;
  return [
    label,
    `${fmt(m1, 0)} ms`,
    `${fmt(m2, 0)} ms`,
    `×${fmt(m1 / m2)}`,
    `×${fmt(median(a.map((s, i) => s.wallMs / b[i]!.wallMs)))}`,
    goodRatio,
    `${fmt(median(a.map((s) => s.cores)))} / ${fmt(median(b.map((s) => s.cores)))}`,
    `${fmt(median(a.map((s) => s.cores * s.wallMs)), 0)} / ${fmt(median(b.map((s) => s.cores * s.wallMs)), 0)} ms`,
    `${fmt(median(b.map((s) => s.mainCpuMs)), 0)} / ${fmt(median(b.map((s) => s.maxOtherCpuMs)), 0)} ms`,
    `×${fmt(median(a.map((s) => s.mainCpuMs)) / median(b.map((s) => s.mainCpuMs + s.maxOtherCpuMs)))}`,
  ];
}
const table = markdownTable(
  ['build', '1 thread (median)', '2 threads (median)', 'ratio of medians', 'median of per-run ratios', `runs with ≥ ${GOOD_CORES} cores`, 'cores obtained 1 / 2', 'CPU time 1 / 2 (all threads)', '2 threads: CPU of main / busiest worker', 'projected on 2 free cores †'],
  [...(HASHES_ONLY ? [] : [summary(`store → ${RULES.length} indexes (keys + sort + CSR)`, one, two)]), summary('id hashes → index (sort + CSR)', hashOne, hashTwo)],
);
const body = [
  table,
  '',
  '† Not a timing: the 1-thread build\'s main-thread CPU time over (the 2-thread build\'s main-thread CPU + its busiest worker\'s CPU), medians of /proc per-thread CPU times — the wall time two free cores would give if the workers\' load were as balanced in every phase as in total. On this machine the kernel shares CPU per session (sched_autogroup_enabled = 1): while other sessions are busy a 2-thread process gets no more CPU than a 1-thread one (compare "cores obtained").',
  `Records: ${fmt(N, 0)}; entries per build: ${HASHES_ONLY ? fmt(N, 0) : fmt(RULES.reduce((s, r) => s + buildRuleKeys(store, r).count, 0), 0)}. Pool start-up (2 threads): ${fmt(startMs, 0)} ms, not included.`,
  `Bytes crossing threads per ${HASHES_ONLY ? '' : `3-rule build: ${bytes(traffic.bytes)} in ${traffic.messages} messages (${fmt(traffic.bytes / N, 3)} B/record; ${traffic.sharedHandles} shared handles, the store descriptor's chunk views dominate); per `}hashes→index build: ${bytes(hashTraffic.bytes)} in ${hashTraffic.messages} messages. Records, hashes and index arrays are shared, never copied.`,
  HASHES_ONLY ? '' : `Phases (means per 3-rule build): 1 thread keys ${fmt(seqPhases.keys / RUNS, 0)} ms + sort & CSR ${fmt(seqPhases.sortCsr / RUNS, 0)} ms; 2 threads keys ${fmt(parPhases.keys / RUNS, 0)} ms + scatter ${fmt(parPhases.scatter / RUNS, 0)} ms + sort ${fmt(parPhases.sort / RUNS, 0)} ms + CSR ${fmt(parPhases.csr / RUNS, 0)} ms.`,
  `2-thread indexes identical to 1-thread ones in every run: ${identical ? 'yes' : 'NO'}.`,
].join('\n');
console.log(`\n${body}`);
if (!identical) process.exitCode = 1;
if (WRITE) writeBenchmarkSection(`pool-index-${N}${HASHES_ONLY ? '-hashes' : ''}`, `Parallel index build, ${fmt(N, 0)} records (1 vs 2 threads)`, `${tsxCommand()} bench/pool/index-build.ts --records ${args['records'] ?? N} --runs ${RUNS}${HASHES_ONLY ? ' --hashes-only' : ''} --write`, body);
