/**
 * Register at national scale: build a register of N synthetic people (default 100M, the size
 * of Vietnam's population register) streamed from the generator, then measure batch
 * throughput, single-claim latency and memory — what fits on this 24 GiB machine.
 *
 *   npx tsx --expose-gc bench/register/scale.ts --records 100M [--claims 1M] [--no-candidates] [--write]
 *
 * `--no-candidates` builds without the "did you mean" index (candidateSearch: false): at 100M
 * the build's peak (store + key collectors + indexes + the index build's scratch) with that
 * index does not fit in 24 GiB beside anything else; the verdicts of claims with a valid, known
 * ID do not depend on it, and NOT_FOUND / INVALID_ID then come back without candidates.
 *
 * Reported: build time (incl. generating the rows; the build's onProgress every 10M rows),
 * bytes per record (register.stats()), RSS after the build and the peak (VmHWM), batch
 * throughput of authenticateMany on 1 thread and with `threads: 2` (the calling thread + one
 * worker over the shared register) — medians of alternating runs, with the cores the process
 * obtained (CPU time / wall) — single-claim latency percentiles, and the verdicts' agreement
 * with the generator's expected statuses (a benchmark of wrong answers would be useless).
 */
import { readFileSync } from 'node:fs';
import { KhopPool } from '../../src/pool/pool.js';
import { Register } from '../../src/register/register.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generateClaims } from '../../src/synth/claims.js';
import { generatePopulation } from '../../src/synth/population.js';
import { bytes as fmtBytes, fmt, machineLine, markdownTable, median, parseArgs, parseCount, quantile, seconds, tsxCommand, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `A register at national scale: build, memory and authentication latency.

  npx tsx --expose-gc bench/register/scale.ts [--records 100M] [--claims 1M] [--runs 3] [--no-candidates] [--write]

  --records N       register records (default 100M: about an hour and most of a 24 GiB machine)
  --claims N        claims authenticated (default 1M)
  --runs N          authentication runs, the median reported (default 3)
  --no-candidates   build without the "did you mean" index (candidateSearch: false)
  --write           write the table to BENCHMARKS.md (section "register-scale-<records>")
  --help            this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', claims: 'value', runs: 'value', 'no-candidates': 'flag', write: 'flag' }, USAGE);
const N = parseCount(args.records, 100_000_000, 'records');
const Q = parseCount(args.claims, 1_000_000, 'claims');
const RUNS = parseCount(args.runs, 3, 'runs');
const withCandidates = args['no-candidates'] !== true;
const gc = (globalThis as { gc?: () => void }).gc;

/** A line of /proc/self/status in bytes (VmRSS, VmHWM). */
function procStatus(key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

const pop = { size: N, seed: 42, duplicateRate: 0 };
console.log(`register scale bench: ${fmt(N)} records, ${fmt(Q)} claims, did-you-mean ${withCandidates ? 'on' : 'off'} — ${machineLine()}`);
gc?.();
const rss0 = procStatus('VmRSS');
const t0 = performance.now();
let lastReport = 0;
const register = await Register.build(vietnamesePersonSchema(), generatePopulation(pop), {
  idField: 'recordId',
  candidateSearch: withCandidates,
  onProgress: (p: { phase: string; done: number; total?: number }) => {
    if (p.phase === 'read' && p.done - lastReport >= 10_000_000) {
      lastReport = p.done;
      console.log(`  ${fmt(p.done)} rows, ${seconds(performance.now() - t0)}, RSS ${fmtBytes(procStatus('VmRSS'))}`);
    }
  },
});
const buildMs = performance.now() - t0;
gc?.();
const rss1 = procStatus('VmRSS');
const hwm = procStatus('VmHWM');
const st = register.stats();
console.log(`build ${seconds(buildMs)}, ${fmtBytes(st.bytes.total)} = ${st.bytesPerRecord.toFixed(1)} B/record, RSS ${fmtBytes(rss1)}, peak ${fmtBytes(hwm)}`);

const claims = [...generateClaims({ register: pop, count: Q, seed: 9 })];
const claimObjects = claims.map((c) => ({ id: c.id, fullName: c.fullName, dob: c.dob, sex: c.sex }));

// Agreement with the generator (and JIT warm-up), one by one.
let agree = 0;
for (let i = 0; i < Q; i++) if (register.authenticate(claimObjects[i]!).status === claims[i]!.expected) agree++;

// Single-claim latency on the first 200k claims.
const L = Math.min(Q, 200_000);
const lat: number[] = new Array<number>(L);
for (let i = 0; i < L; i++) {
  const s = process.hrtime.bigint();
  register.authenticate(claimObjects[i]!);
  lat[i] = Number(process.hrtime.bigint() - s) / 1000;
}

// Batch throughput: 1 thread vs threads: 2 (a 1-worker pool made once: start-up not timed).
const pool = KhopPool.create({ threads: 1, inCallingThread: false });
interface Run {
  ms: number;
  cores: number;
  same: number;
}
const expected = claims.map((c) => c.expected);
async function time(p: KhopPool | undefined): Promise<Run> {
  const c0 = process.cpuUsage();
  const s = performance.now();
  let n = 0;
  let same = 0;
  for await (const v of register.authenticateMany(claimObjects, p !== undefined ? { pool: p } : { threads: 1 })) {
    if (v.status === expected[n]) same++;
    n++;
  }
  const ms = performance.now() - s;
  const c = process.cpuUsage(c0);
  if (n !== Q) throw new Error('lost verdicts');
  return { ms, cores: (c.user + c.system) / 1000 / ms, same };
}
await time(pool); // the worker builds its view of the register once
const one: Run[] = [];
const two: Run[] = [];
for (let r = 0; r < RUNS; r++) {
  one.push(await time(undefined));
  two.push(await time(pool));
  console.log(`run ${r + 1}: 1 thread ${one[r]!.ms.toFixed(0)} ms, threads: 2 ${two[r]!.ms.toFixed(0)} ms (${two[r]!.cores.toFixed(2)} cores)`);
}
await pool.close();
const oneMs = median(one.map((r) => r.ms));
const twoMs = median(two.map((r) => r.ms));

const q = (p: number) => quantile(lat, p).toFixed(1);
const rows: string[][] = [
  ['records', fmt(st.records)],
  ['did-you-mean index', withCandidates ? 'built' : 'not built (candidateSearch: false)'],
  ['build (streaming synthetic rows)', seconds(buildMs)],
  ['store + indexes', `${fmtBytes(st.bytes.total)} (${st.bytesPerRecord.toFixed(1)} B/record: store ${(st.bytes.store / st.records).toFixed(1)}, ID ${(st.bytes.idIndex / st.records).toFixed(1)}, earlier ${(st.bytes.earlierIdIndex / st.records).toFixed(1)}, did-you-mean ${(st.bytes.candidateIndex / st.records).toFixed(1)})`],
  ['RSS after the build / peak (VmHWM)', `${fmtBytes(rss1)} (${((rss1 - rss0) / st.records).toFixed(1)} B/record over the start) / ${fmtBytes(hwm)}`],
  ['claims agreeing with the generator', `${agree} / ${Q} (${((100 * agree) / Q).toFixed(2)} %)`],
  ['authenticate latency p50 / p90 / p99 / p99.9', `${q(0.5)} / ${q(0.9)} / ${q(0.99)} / ${q(0.999)} µs (${fmt(L)} claims)`],
  [`authenticateMany, 1 thread (median of ${RUNS})`, `${fmt((Q / oneMs) * 1000)} claims/s`],
  [`authenticateMany, threads: 2 (median of ${RUNS})`, `${fmt((Q / twoMs) * 1000)} claims/s (×${(oneMs / twoMs).toFixed(2)}; ${median(two.map((r) => r.cores)).toFixed(2)} cores obtained)`],
  ['batch verdicts agreeing with the generator', `${two[0]!.same} / ${Q}`],
];
const table = markdownTable(['measure', 'value'], rows);
console.log(table);
if (args.write === true) {
  writeBenchmarkSection(
    `register-scale-${N}`,
    `Register at scale: ${fmt(N)} records`,
    `${tsxCommand()} bench/register/scale.ts --records ${N} --claims ${Q} --runs ${RUNS}${withCandidates ? '' : ' --no-candidates'} --write`,
    table,
  );
}
