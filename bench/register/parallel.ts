/**
 * Batch authentication, 1 vs 2 threads, same run: claims/s of authenticateMany in the calling
 * thread alone and with worker threads over the register's shared memory (medians of
 * alternating runs).
 *
 *   npx tsx bench/register/parallel.ts [--records 1M] [--claims 200k] [--runs 5] [--write]
 *
 * Configurations (each run alternates them, so a noisy moment hits all alike), for both batch
 * APIs — authenticateMany (an async iterable of Verdict objects, in order) and authenticateAll
 * (an array in, a VerdictTable of columns out):
 *   1 thread            the calling thread only
 *   threads: 2          the calling thread + 1 worker (what `threads: 2` creates; the pool is
 *                       made once here, so its start-up is not timed)
 *   calling + 2 workers a caller-supplied 2-thread pool: three busy threads on two cores
 *                       (authenticateMany only)
 *   threads: 2, tasksPerWorker: 1
 *                       the same as threads: 2 on a pool that hands its worker one task at a
 *                       time (pool.ts, "Hand-off"): the worker's next batch waits in the calling
 *                       thread until that thread's event loop sees the last result — the
 *                       hand-off before tasksPerWorker, measured in the same run
 * Each API's ratio is against its own 1-thread run; "vs authenticateMany, 1 thread" compares
 * the two APIs.
 * Ceiling: two PROCESSES, each its own register and one thread, running authenticateAll at the
 * same time (a child process started with --peer, released together): their summed
 * throughput over one process alone is what two cores of this machine give this workload with
 * no sharing, no messages and no coordination at all — the most any threading can reach (the
 * threads compete for the same caches and memory bandwidth as the processes do). One round of
 * it follows each run, so every 2-thread ratio has a ceiling measured in the same minute; the
 * machine's speed with both cores busy moves a lot (two processes got ×1.34 to ×2.81 of one in
 * the rounds of one day), and "ratio / ceiling" is the figure that noise moves least.
 * "cores" = CPU time of the process / wall time: a run that got less than ~1.8 cores shared the
 * machine with something else (it is shared), and its ratio says so. "CPU µs a claim" = CPU time
 * of the process (every thread: calling, workers, GC helpers) / claims: what the threads cost
 * together, which a busy machine disturbs far less than the wall time — 1 thread's figure × 2 /
 * this one is the most a 2-core ratio can reach.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateClaims, generatePopulation, KhopPool, Register, vietnamesePersonSchema } from '../../src/index.js';
import type { AuthenticateTaskPayload, PoolLike } from '../../src/register/parallel-authenticate.js';
import type { TableSide } from '../../src/register/verdict-table.js';
import { serialize } from 'node:v8';
import { childExecArgv } from '../lib/child.js';
import { trackChild } from '../lib/exit-cleanup.js';
import { fmt, markdownTable, median, medianIndex, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Register: batch authentication, 1 vs 2 threads, against the two-process ceiling.

  npx tsx bench/register/parallel.ts [--records 1M] [--claims 200k] [--runs 5] [--write]

  --records N   register records (default 1M)
  --claims N    claims per batch (default 200k)
  --runs N      runs, 1 and 2 threads alternating; medians reported (default 5)
  --write       write the table to BENCHMARKS.md (section "register-parallel")
  --help        this text
  (--peer is internal: the second process of the ceiling measurement.)`;

const args = parseArgs(process.argv.slice(2), { records: 'value', claims: 'value', runs: 'value', write: 'flag', peer: 'flag' }, USAGE);
const records = parseCount(args.records, 1_000_000, 'records');
const claimCount = parseCount(args.claims, 200_000, 'claims');
const runs = parseCount(args.runs, 5, 'runs');

interface Run {
  ms: number;
  cores: number;
  cpuUs: number;
}

/** Passes of authenticateAll (1 thread) in each process of the two-process ceiling. */
const PEER_PASSES = 5;

async function setup(): Promise<{ register: Register; claims: Array<Record<string, unknown>> }> {
  const population = { size: records, seed: 3, duplicateRate: 0 };
  const register = await Register.build(vietnamesePersonSchema(), generatePopulation(population), { idField: 'recordId' });
  const claims = [...generateClaims({ register: population, count: claimCount, seed: 4 })].map((c) => ({ id: c.id, fullName: c.fullName, dob: c.dob, sex: c.sex }));
  return { register, claims };
}

/** PEER_PASSES passes of authenticateAll on the calling thread: claims/s. */
async function passes(register: Register, claims: Array<Record<string, unknown>>): Promise<number> {
  const t0 = performance.now();
  for (let p = 0; p < PEER_PASSES; p++) await register.authenticateAll(claims, { threads: 1 });
  return (PEER_PASSES * claims.length * 1000) / (performance.now() - t0);
}

/** The child of the ceiling: build, say "ready", then for each "go" run the passes and print claims/s. */
async function peerMain(): Promise<void> {
  const { register, claims } = await setup();
  await register.authenticateAll(claims, { threads: 1 }); // warm-up
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'go') process.stdout.write(`rate ${await passes(register, claims)}\n`);
  }
}

/** The peer process of the ceiling, started once; `round()` measures one round of it. */
interface Peer {
  /** This process alone, then it and the peer at once: [alone, this one, the peer] in claims/s. */
  round(): Promise<[number, number, number]>;
  close(): void;
}

/**
 * The ceiling's peer: a child process with its own register. Each round measures this process
 * alone and then together with the peer, back to back — and one round follows each run of the
 * configurations, so the ceiling and the threads are measured in the same moments of a shared
 * machine whose speed moves from minute to minute.
 */
async function startPeer(register: Register, claims: Array<Record<string, unknown>>): Promise<Peer> {
  // This process's loader (process.execArgv: tsx by absolute path), so it runs from any working directory.
  const child = spawn(process.execPath, [...childExecArgv(), fileURLToPath(import.meta.url), '--peer', '--records', String(records), '--claims', String(claimCount)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  trackChild(child);
  const out = createInterface({ input: child.stdout! });
  const it = out[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await it.next();
    if (r.done === true) throw new Error('the peer process ended early');
    return r.value;
  };
  if ((await next()) !== 'ready') throw new Error('the peer process did not start');
  return {
    async round(): Promise<[number, number, number]> {
      const alone = await passes(register, claims);
      child.stdin!.write('go\n');
      const mine = await passes(register, claims);
      const theirs = Number((await next()).split(' ')[1]);
      return [alone, mine, theirs];
    },
    close(): void {
      child.stdin!.end();
      out.close();
    },
  };
}

/** A string's bytes as structured clone copies it: 1 a unit when every unit is < 256, else 2. */
function stringBytes(x: string): number {
  for (let i = 0; i < x.length; i++) if (x.charCodeAt(i) > 0xff) return 2 * x.length;
  return x.length;
}

/**
 * Bytes crossing threads per claim sent to a worker, one authenticateAll on `pool`: the packed
 * claims out (texts, kinds, lengths, numbers) and what comes back — the encoded verdicts
 * without a record (bytes, numbers, text, lengths) and their offsets; a verdict about a record
 * is written by the worker into the table's shared columns and does not cross. Also counted:
 * the tasks that carried the register job whole (its metadata, serialised, and one handle per
 * shared buffer) and those that carried it by id.
 */
async function crossingBytes(
  register: Register,
  claims: Array<Record<string, unknown>>,
  pool: KhopPool,
): Promise<{ out: number; back: number; sent: number; wholeJobs: number; jobsById: number; metaBytes: number }> {
  const c = { out: 0, back: 0, sent: 0, wholeJobs: 0, jobsById: 0, metaBytes: 0 };
  const counting: PoolLike = {
    threads: pool.threads,
    close: () => pool.close(),
    run: async <T>(task: string, payload: unknown): Promise<T> => {
      const p = payload as AuthenticateTaskPayload;
      if ('meta' in p.job) {
        c.wholeJobs++;
        c.metaBytes = serialize(p.job.meta).length;
      } else c.jobsById++;
      const r = (await pool.run(task, payload)) as TableSide | { missingJob: true };
      if ('missingJob' in r) return r as T;
      c.sent += p.count;
      c.out += p.claims.texts.reduce((a, t) => a + stringBytes(t), 0) + p.claims.kinds.byteLength + p.claims.lengths.byteLength + p.claims.nums.byteLength;
      const v = r.verdicts;
      c.back += r.at.byteLength + v.bytes.byteLength + v.nums.byteLength + stringBytes(v.text) + v.lengths.byteLength;
      return r as T;
    },
  };
  await register.authenticateAll(claims, { pool: counting });
  return c;
}

async function main(): Promise<void> {
  if (args.peer === true) return peerMain();
  const { register, claims } = await setup();
  const oneWorker = KhopPool.create({ threads: 1, inCallingThread: false });
  const twoWorkers = KhopPool.create({ threads: 2 });
  // The hand-off before tasksPerWorker (pool.ts): the worker's next task waits in the calling thread.
  const oneWorkerOneTask = KhopPool.create({ threads: 1, inCallingThread: false, tasksPerWorker: 1 });
  const configs: Array<{ name: string; api: 'many' | 'all'; pool: KhopPool | undefined }> = [
    { name: 'authenticateMany, 1 thread', api: 'many', pool: undefined },
    { name: 'authenticateMany, threads: 2 (calling + 1 worker)', api: 'many', pool: oneWorker },
    { name: 'authenticateMany, threads: 2, tasksPerWorker: 1', api: 'many', pool: oneWorkerOneTask },
    { name: 'authenticateMany, calling + 2 workers', api: 'many', pool: twoWorkers },
    { name: 'authenticateAll, 1 thread', api: 'all', pool: undefined },
    { name: 'authenticateAll, threads: 2 (calling + 1 worker)', api: 'all', pool: oneWorker },
    { name: 'authenticateAll, threads: 2, tasksPerWorker: 1', api: 'all', pool: oneWorkerOneTask },
  ];
  const time = async ({ api, pool }: { api: 'many' | 'all'; pool: KhopPool | undefined }): Promise<Run> => {
    const options = pool !== undefined ? { pool } : { threads: 1 };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    if (api === 'all') n = (await register.authenticateAll(claims, options)).size;
    else for await (const _ of register.authenticateMany(claims, options)) n++;
    if (n !== claims.length) throw new Error('lost verdicts');
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { ms, cores: (c.user + c.system) / 1000 / ms, cpuUs: (c.user + c.system) / claims.length };
  };
  for (const c of configs) await time(c); // warm up (the workers build their register once)
  // The table gives the verdicts of one-by-one authenticate (checked on a sample).
  const check = await register.authenticateAll(claims, { pool: oneWorker });
  for (let i = 0; i < claims.length; i += 97) {
    if (JSON.stringify(check.verdict(i)) !== JSON.stringify(register.authenticate(claims[i]!))) throw new Error(`authenticateAll differs at claim ${i}`);
  }
  const results = configs.map(() => [] as Run[]);
  const peer = await startPeer(register, claims);
  const rounds: Array<[number, number, number]> = [];
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < configs.length; i++) {
      const x = await time(configs[i]!);
      results[i]!.push(x);
      console.log(`run ${r + 1} ${configs[i]!.name}: ${x.ms.toFixed(0)} ms, ${x.cores.toFixed(2)} cores, ${x.cpuUs.toFixed(2)} CPU µs a claim`);
    }
    const round = await peer.round();
    rounds.push(round);
    console.log(`run ${r + 1} ceiling: ${fmt(round[0])} claims/s alone, ${fmt(round[1])} + ${fmt(round[2])} together (×${((round[1] + round[2]) / round[0]).toFixed(2)})`);
  }
  peer.close();
  const ratios = rounds.map(([alone, mine, theirs]) => (mine + theirs) / alone);
  const crossing = await crossingBytes(register, claims, oneWorker);
  await oneWorker.close();
  await oneWorkerOneTask.close();
  await twoWorkers.close();
  const msOf = (i: number): number => median(results[i]!.map((x) => x.ms));
  const rows = configs.map((c, i) => {
    const ms = msOf(i);
    const own = msOf(configs.findIndex((x) => x.api === c.api));
    const cores = median(results[i]!.map((x) => x.cores));
    const cpuUs = median(results[i]!.map((x) => x.cpuUs));
    // Per-run ratio against the same run's 1-thread figure of the same API: the noise of one moment cancels.
    const perRunRatios = results[i]!.map((x, r) => results[configs.findIndex((y) => y.api === c.api)]!.at(r)!.ms / x.ms);
    const perRun = median(perRunRatios);
    // Against the ceiling of the same run: the share of what two independent processes got then.
    const ofCeiling = c.pool === undefined ? '' : `${median(perRunRatios.map((x, r) => x / ratios[r]!)).toFixed(2)}`;
    return [c.name, `${fmt((claimCount / ms) * 1000)} claims/s`, `${(own / ms).toFixed(2)}× (runs ${perRun.toFixed(2)}×)`, ofCeiling, `${(msOf(0) / ms).toFixed(2)}×`, cores.toFixed(2), cpuUs.toFixed(2)];
  });
  const table = markdownTable(
    [
      'batch authentication (median of ' + runs + ')',
      `${fmt(claimCount, 0)} claims, register of ${fmt(records, 0)}`,
      'vs the same API, 1 thread (median of per-run ratios)',
      'that ratio / the same run\'s ceiling (median)',
      'vs authenticateMany, 1 thread',
      'cores used',
      'CPU µs a claim',
    ],
    rows,
  );
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = rounds[medianIndex(ratios)]!;
  const ceilingText =
    `Ceiling — two processes at once, each its own register and one thread (authenticateAll, ${PEER_PASSES} passes each; one round of alone-then-together after each run): ` +
    `median ×${median(ratios).toFixed(2)}, rounds ×${sorted[0]!.toFixed(2)}–×${sorted[sorted.length - 1]!.toFixed(2)} (median round: ${fmt(mid[0])} claims/s alone, ${fmt(mid[1])} + ${fmt(mid[2])} together) — ` +
    `what 2 cores give this workload with no sharing, messages or coordination at all; the threads compete for the same caches and memory. ` +
    `"ratio / ceiling" divides each run's 2-thread ratio by the ceiling round that followed it: 1.00 is all that two independent processes got at that moment.`;
  const per = (x: number): string => (x / Math.max(1, crossing.sent)).toFixed(1);
  const crossingText = `Bytes crossing threads per claim a worker authenticates (authenticateAll, threads: 2; ${fmt(crossing.sent)} of ${fmt(claims.length)} claims went to the worker): ${per(crossing.out)} B out (the claim's 4 values: one text per column, a kind byte and a length each) + ${per(crossing.back)} B back (only for a verdict without a record: its status, outcome rows, reason and candidates, and its offset — a verdict about a record is written by the worker into the table's shared columns). The register itself never crosses: it is on SharedArrayBuffer; its job (metadata ${fmt(crossing.metaBytes)} B serialised, plus a handle per shared buffer) went whole with ${crossing.wholeJobs} task(s) and by id with ${crossing.jobsById}.`;
  console.log(`${availableParallelism()} cores available`);
  console.log(table);
  console.log(ceilingText);
  console.log(crossingText);
  if (args.write === true) {
    writeBenchmarkSection(
      'register-parallel',
      'Register: batch authentication, 1 vs 2 threads',
      `npx tsx bench/register/parallel.ts --records ${records} --claims ${claimCount} --runs ${runs} --write`,
      `${table}\n\n${ceilingText}\n\n${crossingText}`,
    );
  }
}

void main();
