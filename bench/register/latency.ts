/**
 * Register benchmark: build a register of N synthetic people, then measure what an
 * authentication service needs — single-claim latency percentiles, batch throughput, memory
 * per record, snapshot save and load time.
 *
 *   npx tsx bench/register/latency.ts [--records 1M] [--claims 200k] [--dir /tmp] [--write]
 *   npx tsx --expose-gc bench/register/latency.ts --records 10M        (opt-in)
 *
 * Data: a clean population from src/synth (generatePopulation, duplicateRate 0) streamed into
 * Register.build, and claims from generateClaims over the same population options (60 %
 * verified with benign noise, the rest wrong name / wrong date / unknown / invalid /
 * inconsistent IDs). Every claim's status is checked against the generator's expectation and
 * the agreement is printed (a benchmark that silently measured wrong answers would be useless).
 *
 * Latency: each `authenticate` call timed alone with process.hrtime.bigint (the timer costs
 * ~50–100 ns, included); percentiles over all claims, after a warm-up pass. Baseline in the
 * same run: the bare index probe (one XXH64 of the ID digits + BlockIndex.lookup), i.e. the
 * floor any verdict pays. Throughput: authenticateMany over the same claims (default batches),
 * claims/s, compared with a loop of single authenticate calls.
 * Did-you-mean work: the candidate search's counters over the latency pass — rows compared in
 * full, rows skipped by its bound, name outcomes reused — per NOT_FOUND / INVALID_ID claim, and
 * those claims' latency by the number of rows their search examined (what sets the tail).
 * Layout: the same rows built again with the store in input order (tuning.blockOrder false), the
 * same claims on both registers in alternating passes — what the did-you-mean block order of the
 * store (register/block-order.ts) does to the latency, in the same run.
 * The tail, and what sets it: the same claims timed in 3 more passes, each claim's median over
 * them (a stall of the machine hits different claims in different passes; the median keeps what
 * the claim itself costs), and a machine floor — a fixed compute loop, no memory and no
 * allocation, calibrated to the claims' median and timed between the claims of one more pass:
 * its p99 and its share of runs ≥ 5 µs over its median are what the machine does to any work of
 * that length in those minutes (on this shared VM a 7 µs loop measured p99 16–25 µs).
 * Memory: register.stats() bytes (store + indexes) per record, and the RSS delta of the build
 * (after GC when --expose-gc is given; includes garbage otherwise).
 * Target (architecture.md): p99 ≤ 20 µs per claim at 10M records, in process.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BATCH_SIZE, Register } from '../../src/register/register.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generateClaims, type Claim } from '../../src/synth/claims.js';
import { generatePopulation } from '../../src/synth/population.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { parseNationalId } from '../../src/text/national-id.js';
import { bytes as fmtBytes, fmt, machineLine, markdownTable, parseArgs, parseCount, quantile, tsxCommand, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Register: build, snapshot, memory and per-claim authentication latency.

  npx tsx [--expose-gc] bench/register/latency.ts [--records 1M] [--claims 200k] [--dir /tmp] [--write]

  --records N   register records (default 1M; 10M is opt-in, give --expose-gc to node)
  --claims N    claims authenticated (default 200k)
  --dir PATH    where the snapshot file is written (default the temporary directory)
  --write       write the table to BENCHMARKS.md (section "register-<records>")
  --help        this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', claims: 'value', dir: 'value', write: 'flag' }, USAGE);
const N = parseCount(args.records, 1_000_000, 'records');
const Q = parseCount(args.claims, 200_000, 'claims');
const DIR = typeof args.dir === 'string' ? args.dir : tmpdir();
const gc = (globalThis as { gc?: () => void }).gc;

function rss(): number {
  gc?.();
  return process.memoryUsage().rss;
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const pop = { size: N, seed: 42, duplicateRate: 0 };
const schema = vietnamesePersonSchema();

console.log(`register bench: ${fmt(N)} records, ${fmt(Q)} claims — ${machineLine()}`);
const rss0 = rss();
let t = process.hrtime.bigint();
const register = await Register.build(schema, generatePopulation(pop), { idField: 'recordId' });
const buildMs = ms(t);
const rss1 = rss();
const st = register.stats();
console.log(`build ${(buildMs / 1000).toFixed(1)} s (incl. generating the rows), ${fmt(st.records)} records, ${fmtBytes(st.bytes.total)} = ${st.bytesPerRecord.toFixed(1)} B/record`);

t = process.hrtime.bigint();
const claims: Claim[] = [...generateClaims({ register: pop, count: Q, seed: 9 })];
console.log(`claims generated in ${(ms(t) / 1000).toFixed(1)} s`);

// Warm-up (JIT) and correctness.
let agree = 0;
for (const c of claims) if (register.authenticate(c as unknown as Record<string, unknown>).status === c.expected) agree++;

// Single-claim latency (and the did-you-mean search's work over the same pass).
const dym = (register as unknown as { didYouMean: { compared: number; skipped: number; reused: number } }).didYouMean;
const dym0 = { compared: dym.compared, skipped: dym.skipped, reused: dym.reused };
const lat = new Float64Array(Q);
// Rows the search examined for each claim (compared + skipped; read outside the timed call).
const searchedRows = new Int32Array(Q);
for (let i = 0; i < Q; i++) {
  const c = claims[i] as unknown as Record<string, unknown>;
  const before = dym.compared + dym.skipped;
  const t0 = process.hrtime.bigint();
  register.authenticate(c);
  lat[i] = Number(process.hrtime.bigint() - t0) / 1000;
  searchedRows[i] = dym.compared + dym.skipped - before;
}
const searched = claims.filter((c) => c.expected === 'NOT_FOUND' || c.expected === 'INVALID_ID').length;
const perSearch = (x: number) => (searched === 0 ? '0' : (x / searched).toFixed(2));
const dymWork = `${perSearch(dym.compared - dym0.compared)} / ${perSearch(dym.skipped - dym0.skipped)} / ${perSearch(dym.reused - dym0.reused)}`;
const latencies = Array.from(lat);
/** Append `x` to the list of `key` in `m`. */
function add(m: Map<string, number[]>, key: string, x: number): void {
  const a = m.get(key);
  if (a) a.push(x);
  else m.set(key, [x]);
}
// Latency by expected status, and — NOT_FOUND / INVALID_ID — by the size of the block the search
// examined: what sets the tail (each row is compared in full: its cells and, above all, its name).
const byStatus = new Map<string, number[]>();
const byRows = new Map<string, number[]>();
for (let i = 0; i < Q; i++) {
  const e = claims[i]!.expected;
  add(byStatus, e, lat[i]!);
  if (e === 'NOT_FOUND' || e === 'INVALID_ID') add(byRows, searchedRows[i]! >= 5 ? '5+' : String(searchedRows[i]!), lat[i]!);
}

// Each claim's median over REPEAT_PASSES more passes: a stall of the machine (an interrupt, the
// hypervisor, a GC step) lands on different claims in different passes, so the median keeps what
// the claim itself costs — the code's own tail, beside the plain p99. Before the second register
// below is built, as the main pass.
/** Each claim's `authenticate` on `reg` timed alone (µs), in claim order. */
function timedPass(reg: Register, options?: { candidates: number }): Float64Array {
  const out = new Float64Array(Q);
  for (let i = 0; i < Q; i++) {
    const c = claims[i] as unknown as Record<string, unknown>;
    const t0 = process.hrtime.bigint();
    reg.authenticate(c, options);
    out[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return out;
}
const REPEAT_PASSES = 3;
const repeatPasses = Array.from({ length: REPEAT_PASSES }, () => timedPass(register));
const perClaimMedian = Array.from({ length: Q }, (_, i) => {
  const xs = repeatPasses.map((pass) => pass[i]!).sort((a, b) => a - b);
  return xs[xs.length >> 1]!;
});

// Machine floor, in the same minutes: a fixed compute loop (no memory, no allocation) calibrated
// to the claims' median, timed like a claim and interleaved with a pass of the claims. The share
// of its runs that take ≥ 5 µs more than its median is the machine's stall rate; its p99 is what
// this machine does to any work of that length.
/** A fixed chain of multiply-adds (a serial dependency: no memory, no allocation); its result is kept. */
function spin(iterations: number, seed: number): number {
  let x = seed;
  for (let k = 0; k < iterations; k++) x = (Math.imul(x, 31) + k) | 0;
  return x;
}
let spinKept = 0;
let spinIterations = 1000;
/** The claims (authenticate) and the loop, alternating, over every claim: per-call times of each. */
function interleavedPass(iterations: number): { claims: Float64Array; loop: Float64Array } {
  const a = new Float64Array(Q);
  const b = new Float64Array(Q);
  for (let i = 0; i < Q; i++) {
    let t0 = process.hrtime.bigint();
    register.authenticate(claims[i] as unknown as Record<string, unknown>);
    a[i] = Number(process.hrtime.bigint() - t0) / 1000;
    t0 = process.hrtime.bigint();
    spinKept ^= spin(iterations, i);
    b[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return { claims: a, loop: b };
}
// The loop's speed per iteration changes when V8 re-compiles it (up to ×4 here), at a moment
// that differs from run to run: it is scaled to the claims' median of the pass itself and the
// pass run again until the two medians are within 20 % (at most 4 passes; the table shows both).
let floor = interleavedPass(spinIterations);
for (let attempt = 0; attempt < 3; attempt++) {
  const ratio = quantile(Array.from(floor.claims), 0.5) / quantile(Array.from(floor.loop), 0.5);
  if (Math.abs(ratio - 1) <= 0.2) break;
  spinIterations = Math.max(1, Math.round(spinIterations * ratio));
  floor = interleavedPass(spinIterations);
}
const floorClaims = floor.claims;
const floorSpin = floor.loop;
if (spinKept === 0.5) console.log('unreachable: keeps the loop result alive');
const stallShare = (xs: Float64Array) => {
  const m = quantile(Array.from(xs), 0.5);
  let n = 0;
  for (const x of xs) if (x >= m + 5) n++;
  return `${((100 * n) / xs.length).toFixed(2)} %`;
};


// The same claims without "did you mean" (candidates: 0): what a service that does not
// search by name pays; the search is the tail of NOT_FOUND / INVALID_ID.
const noSearch = timedPass(register, { candidates: 0 });

// Baseline: the bare probe (hash + lookup) of every valid ID.
const hasher = new KeyHasher();
const out = new Uint32Array(2);
const digits = claims.map((c) => {
  const p = parseNationalId(c.id);
  return p.ok ? p.digits : '001090012345';
});
const probe = new Float64Array(Q);
const idIndex = (register as unknown as { s: { idIndex: { lookup(lo: number, hi: number): number } } }).s.idIndex;
for (let i = 0; i < Q; i++) {
  const t0 = process.hrtime.bigint();
  hasher.hashAscii(digits[i]!, out, 0);
  idIndex.lookup(out[0]!, out[1]!);
  probe[i] = Number(process.hrtime.bigint() - t0) / 1000;
}

// Throughput: one-by-one loop vs authenticateMany (which must give the same answers).
const singleStatus: string[] = new Array<string>(Q);
t = process.hrtime.bigint();
for (let i = 0; i < Q; i++) {
  const v = register.authenticate(claims[i] as unknown as Record<string, unknown>);
  singleStatus[i] = v.status + ':' + String(v.recordId);
}
const loopMs = ms(t);
t = process.hrtime.bigint();
let manyCount = 0;
let manySame = 0;
for await (const v of register.authenticateMany(claims)) {
  if (v.status + ':' + String(v.recordId) === singleStatus[manyCount]) manySame++;
  manyCount++;
}
const manyMs = ms(t);

// Layout, in the same run: the same rows built with the store in input order
// (tuning.blockOrder false) against the default did-you-mean block order (block-order.ts), the
// same claims on each in alternating passes; medians of the per-pass quantiles.
const inputOrder = await Register.build(schema, generatePopulation(pop), { idField: 'recordId' }, { blockOrder: false });
const LAYOUT_PASSES = 3;
const layoutP50: number[][] = [[], []];
const layoutP99: number[][] = [[], []];
const layoutDeep: number[][] = [[], []];
for (let p = 0; p < LAYOUT_PASSES; p++) {
  for (const which of p % 2 === 0 ? [0, 1] : [1, 0]) {
    const reg = which === 0 ? register : inputOrder;
    const one = timedPass(reg);
    const deep = Array.from(one).filter((_, i) => searchedRows[i]! >= 3);
    const all = Array.from(one);
    layoutP50[which]!.push(quantile(all, 0.5));
    layoutP99[which]!.push(quantile(all, 0.99));
    layoutDeep[which]!.push(quantile(deep, 0.5));
  }
}
const med = (xs: number[]) => quantile(xs, 0.5);
const layoutRow = (which: number) => `${med(layoutP50[which]!).toFixed(1)} / ${med(layoutP99[which]!).toFixed(1)} µs; blocks of 3+ rows p50 ${Number.isFinite(med(layoutDeep[which]!)) ? `${med(layoutDeep[which]!).toFixed(1)} µs` : '— (none in this register)'}`;

// Snapshot.
mkdirSync(DIR, { recursive: true });
const file = join(DIR, `khop-register-bench-${process.pid}.khop`);
t = process.hrtime.bigint();
await register.save(file);
const saveMs = ms(t);
const fileBytes = statSync(file).size;
t = process.hrtime.bigint();
const loaded = await Register.load(file);
const loadMs = ms(t);
let same = 0;
for (let i = 0; i < Math.min(Q, 10_000); i++) {
  const c = claims[i] as unknown as Record<string, unknown>;
  if (JSON.stringify(loaded.authenticate(c)) === JSON.stringify(register.authenticate(c))) same++;
}
rmSync(file, { force: true });

const q = (xs: readonly number[], p: number) => quantile(xs, p).toFixed(1);
const rows: string[][] = [
  ['records', fmt(st.records)],
  ['build (streaming synthetic rows)', `${(buildMs / 1000).toFixed(1)} s`],
  ['store + indexes', `${fmtBytes(st.bytes.total)} (${st.bytesPerRecord.toFixed(1)} B/record: store ${(st.bytes.store / st.records).toFixed(1)}, ID ${(st.bytes.idIndex / st.records).toFixed(1)}, earlier ${(st.bytes.earlierIdIndex / st.records).toFixed(1)}, did-you-mean ${(st.bytes.candidateIndex / st.records).toFixed(1)})`],
  ['RSS delta of the build', `${fmtBytes(rss1 - rss0)} (${((rss1 - rss0) / st.records).toFixed(1)} B/record${gc ? ', after GC' : ', no GC: run with --expose-gc'})`],
  ['claims agreeing with the generator', `${agree} / ${Q} (${((100 * agree) / Q).toFixed(2)} %)`],
  ['authenticate latency p50 / p90 / p99 / p99.9', `${q(latencies, 0.5)} / ${q(latencies, 0.9)} / ${q(latencies, 0.99)} / ${q(latencies, 0.999)} µs`],
  ...[...byStatus].map(([k, v]) => [`  ${k} (${v.length}) p50 / p99`, `${q(v, 0.5)} / ${q(v, 0.99)} µs`]),
  ['did-you-mean rows compared / skipped by the bound / names reused, per NOT_FOUND + INVALID_ID claim', dymWork],
  ...[...byRows]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([k, v]) => [`  NOT_FOUND + INVALID_ID, block of ${k} row(s) searched (${v.length}, ${((100 * v.length) / Q).toFixed(2)} % of claims) p50 / p99`, `${q(v, 0.5)} / ${q(v, 0.99)} µs`]),
  ['without did-you-mean (candidates: 0) p50 / p90 / p99 / p99.9', `${q(Array.from(noSearch), 0.5)} / ${q(Array.from(noSearch), 0.9)} / ${q(Array.from(noSearch), 0.99)} / ${q(Array.from(noSearch), 0.999)} µs`],
  [`layout: did-you-mean block order (default) p50 / p99, median of ${LAYOUT_PASSES} passes`, layoutRow(0)],
  [`layout: input order (same rows; tuning.blockOrder false) p50 / p99`, `${layoutRow(1)}; p99 ×${(med(layoutP99[1]!) / med(layoutP99[0]!)).toFixed(2)} of block order`],
  [`per-claim median of ${REPEAT_PASSES} more passes p50 / p99 / p99.9 (each pass's p99: ${repeatPasses.map((p) => q(Array.from(p), 0.99)).join(', ')})`, `${q(perClaimMedian, 0.5)} / ${q(perClaimMedian, 0.99)} / ${q(perClaimMedian, 0.999)} µs`],
  [
    `machine floor: fixed compute loop of the claims' median, interleaved with a pass of the claims — loop p50 / p99 / p99.9; runs ≥ 5 µs over its median`,
    `${q(Array.from(floorSpin), 0.5)} / ${q(Array.from(floorSpin), 0.99)} / ${q(Array.from(floorSpin), 0.999)} µs; ${stallShare(floorSpin)} (claims in that pass: ${q(Array.from(floorClaims), 0.5)} / ${q(Array.from(floorClaims), 0.99)} / ${q(Array.from(floorClaims), 0.999)} µs; ${stallShare(floorClaims)})`,
  ],
  ['baseline: hash + index probe p50 / p99', `${q(Array.from(probe), 0.5)} / ${q(Array.from(probe), 0.99)} µs`],
  ['one-by-one loop', `${fmt((Q / loopMs) * 1000)} claims/s`],
  [`authenticateMany (batch ${DEFAULT_BATCH_SIZE})`, `${fmt((manyCount / manyMs) * 1000)} claims/s (×${(loopMs / manyMs).toFixed(2)} vs loop; ${manySame} / ${manyCount} same status and record)`],
  ['save', `${(saveMs / 1000).toFixed(2)} s, ${fmtBytes(fileBytes)}`],
  ['load', `${(loadMs / 1000).toFixed(2)} s (${same} / ${Math.min(Q, 10_000)} verdicts identical after load)`],
];
const table = markdownTable(['measure', 'value'], rows);
console.log(table);
if (args.write === true) {
  writeBenchmarkSection(`register-${N}`, `Register: ${fmt(N)} records`, `${tsxCommand()} bench/register/latency.ts --records ${N} --claims ${Q} --write`, table);
}
