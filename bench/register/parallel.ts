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
 * Each API's ratio is against its own 1-thread run; "vs authenticateMany, 1 thread" compares
 * the two APIs.
 * "cores" = CPU time of the process / wall time: a run that got less than ~1.8 cores shared the
 * machine with something else (it is shared), and its ratio says so. "CPU µs a claim" = CPU time
 * of the process (every thread: calling, workers, GC helpers) / claims: what the threads cost
 * together, which a busy machine disturbs far less than the wall time — 1 thread's figure × 2 /
 * this one is the most a 2-core ratio can reach.
 */
import { availableParallelism } from 'node:os';
import { generateClaims, generatePopulation, KhopPool, Register, vietnamesePersonSchema } from '../../src/index.js';
import { fmt, markdownTable, median, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const args = parseArgs(process.argv.slice(2));
const records = parseCount(args.records, 1_000_000);
const claimCount = parseCount(args.claims, 200_000);
const runs = Number(args.runs ?? 5);

interface Run {
  ms: number;
  cores: number;
  cpuUs: number;
}

async function main(): Promise<void> {
  const population = { size: records, seed: 3, duplicateRate: 0 };
  const register = await Register.build(vietnamesePersonSchema(), generatePopulation(population), { idField: 'recordId' });
  const claims = [...generateClaims({ register: population, count: claimCount, seed: 4 })].map((c) => ({ id: c.id, fullName: c.fullName, dob: c.dob, sex: c.sex }));
  const oneWorker = KhopPool.create({ threads: 1, inCallingThread: false });
  const twoWorkers = KhopPool.create({ threads: 2 });
  const configs: Array<{ name: string; api: 'many' | 'all'; pool: KhopPool | undefined }> = [
    { name: 'authenticateMany, 1 thread', api: 'many', pool: undefined },
    { name: 'authenticateMany, threads: 2 (calling + 1 worker)', api: 'many', pool: oneWorker },
    { name: 'authenticateMany, calling + 2 workers', api: 'many', pool: twoWorkers },
    { name: 'authenticateAll, 1 thread', api: 'all', pool: undefined },
    { name: 'authenticateAll, threads: 2 (calling + 1 worker)', api: 'all', pool: oneWorker },
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
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < configs.length; i++) {
      const x = await time(configs[i]!);
      results[i]!.push(x);
      console.log(`run ${r + 1} ${configs[i]!.name}: ${x.ms.toFixed(0)} ms, ${x.cores.toFixed(2)} cores, ${x.cpuUs.toFixed(2)} CPU µs a claim`);
    }
  }
  await oneWorker.close();
  await twoWorkers.close();
  const msOf = (i: number): number => median(results[i]!.map((x) => x.ms));
  const rows = configs.map((c, i) => {
    const ms = msOf(i);
    const own = msOf(configs.findIndex((x) => x.api === c.api));
    const cores = median(results[i]!.map((x) => x.cores));
    const cpuUs = median(results[i]!.map((x) => x.cpuUs));
    // Per-run ratio against the same run's 1-thread figure of the same API: the noise of one moment cancels.
    const perRun = median(results[i]!.map((x, r) => results[configs.findIndex((y) => y.api === c.api)]!.at(r)!.ms / x.ms));
    return [c.name, `${fmt((claimCount / ms) * 1000)} claims/s`, `${(own / ms).toFixed(2)}× (runs ${perRun.toFixed(2)}×)`, `${(msOf(0) / ms).toFixed(2)}×`, cores.toFixed(2), cpuUs.toFixed(2)];
  });
  const table = markdownTable(
    [
      'batch authentication (median of ' + runs + ')',
      `${fmt(claimCount, 0)} claims, register of ${fmt(records, 0)}`,
      'vs the same API, 1 thread (median of per-run ratios)',
      'vs authenticateMany, 1 thread',
      'cores used',
      'CPU µs a claim',
    ],
    rows,
  );
  console.log(`${availableParallelism()} cores available`);
  console.log(table);
  if (args.write === true) {
    writeBenchmarkSection(
      'register-parallel',
      'Register: batch authentication, 1 vs 2 threads',
      `npx tsx bench/register/parallel.ts --records ${records} --claims ${claimCount} --runs ${runs} --write`,
      table,
    );
  }
}

void main();
