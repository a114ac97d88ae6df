/**
 * Batch authentication, 1 vs 2 threads, same run: claims/s of authenticateMany in the calling
 * thread and on a worker pool over the register's shared memory (medians of alternating runs).
 *
 *   npx tsx bench/register/parallel.ts [--records 1M] [--claims 200k] [--runs 3] [--write]
 */
import { availableParallelism } from 'node:os';
import { generateClaims, generatePopulation, KhopPool, Register, vietnamesePersonSchema } from '../../src/index.js';
import { fmt, markdownTable, median, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const args = parseArgs(process.argv.slice(2));
const records = parseCount(args.records, 1_000_000);
const claimCount = parseCount(args.claims, 200_000);
const runs = Number(args.runs ?? 3);
const threads = Math.min(2, availableParallelism());

async function main(): Promise<void> {
  const population = { size: records, seed: 3, duplicateRate: 0 };
  const register = await Register.build(vietnamesePersonSchema(), generatePopulation(population), { idField: 'recordId' });
  const claims = [...generateClaims({ register: population, count: claimCount, seed: 4 })].map((c) => ({ id: c.id, fullName: c.fullName, dob: c.dob, sex: c.sex }));
  const pool = KhopPool.create({ threads });
  const time = async (parallel: boolean): Promise<number> => {
    const t0 = performance.now();
    let n = 0;
    for await (const _ of register.authenticateMany(claims, parallel ? { pool } : {})) n++;
    if (n !== claims.length) throw new Error('lost verdicts');
    return performance.now() - t0;
  };
  await time(true); // warm the workers (job rebuilt once per thread)
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < runs; r++) {
    one.push(await time(false));
    two.push(await time(true));
  }
  await pool.close();
  const r1 = (claimCount / median(one)) * 1000;
  const r2 = (claimCount / median(two)) * 1000;
  const table = markdownTable(
    ['measure (median)', '1 thread', `${threads} threads`, 'speed-up'],
    [[`authenticateMany, ${fmt(claimCount, 0)} claims, register of ${fmt(records, 0)}`, `${fmt(r1)} claims/s`, `${fmt(r2)} claims/s`, `${(r2 / r1).toFixed(2)}×`]],
  );
  console.log(table);
  if (args.write === true) {
    writeBenchmarkSection('register-parallel', 'Register: batch authentication, 1 vs 2 threads', `npx tsx bench/register/parallel.ts --records ${records} --claims ${claimCount} --runs ${runs} --write`, table);
  }
}

void main();
