/**
 * Benchmark: synthetic population generation (rows per second).
 *
 *   npx tsx bench/synth/generate.bench.ts [--n 1M] [--iterations 3] [--write]
 *
 * Same run, same seed, N rows per iteration:
 *   (a) generatePopulation, default options (10 % duplicates with the corruption model);
 *   (b) generatePopulation, base people only (duplicateRate 0): the PersonModel alone;
 *   (c) generatePopulation + claims: generateClaims of N/10 claims against a register of N;
 *   (d) baseline: a naive generator of the same row shape — uniform picks from the same name
 *       lists, random ID digits made unique with a Set (O(N) memory, no province/age shape, no
 *       ground-truth duplicates). The ratio shows what streaming, exact quotas and the
 *       corruption model cost.
 * Peak RSS is printed: the streamed rows are only counted, never held. `--write` records the
 * table in BENCHMARKS.md (section "micro-synth"); without it the table is only printed.
 */
import { Bench } from 'tinybench';
import { generateClaims } from '../../src/synth/claims.js';
import { generatePopulation } from '../../src/synth/population.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_BOY_NAMES } from '../../src/data/vn-name-parts.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { Rng } from '../../src/util/rng.js';
import { bytes, fmt, machineLine, markdownTable, parseArgs, parseCount, peakRssBytes, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Synthetic population generation vs a naive generator.

  npx tsx bench/synth/generate.bench.ts [--n 1M] [--iterations 3] [--write]

  --n N            people generated per iteration (default 1M)
  --iterations N   iterations per task (default 3)
  --write          write the table to BENCHMARKS.md (section "micro-synth", as npm run bench does)
  --help           this text`;

const args = parseArgs(process.argv.slice(2), { n: 'value', iterations: 'value', write: 'flag' }, USAGE);
const N = parseCount(args.n, 1_000_000, 'n');
const ITERATIONS = parseCount(args.iterations, 3, 'iterations');
const SEED = 7;

let sink = 0;

function countRows(rows: Iterable<{ id: string }>): number {
  let n = 0;
  for (const r of rows) {
    sink += r.id.length;
    n++;
  }
  return n;
}

/** The naive baseline (d): no demography, no streaming, no truth. */
function naive(n: number): number {
  const rng = new Rng(SEED);
  const families = VN_FAMILY_NAME_SHARES.map(([s]) => s);
  const used = new Set<string>();
  let count = 0;
  for (let i = 0; i < n; i++) {
    const prov = rng.pick(VN_PROVINCES_63);
    const year = 1926 + rng.int(100);
    const sex = rng.int(2);
    let id: string;
    do {
      id = prov.cccdPrefix + ((year >= 2000 ? 2 : 0) + sex) + String(year % 100).padStart(2, '0') + String(rng.int(1_000_000)).padStart(6, '0');
    } while (used.has(id));
    used.add(id);
    const row = {
      recordId: String(i),
      personId: i,
      id,
      fullName: `${rng.pick(families)} ${rng.pick(VN_BOY_NAMES)}`,
      dob: `${String(1 + rng.int(28)).padStart(2, '0')}/${String(1 + rng.int(12)).padStart(2, '0')}/${year}`,
      sex: sex === 0 ? 'Nam' : 'Nữ',
      province: prov.shortName,
      address: `số ${1 + rng.int(99)}, ${prov.name}`,
    };
    sink += row.id.length;
    count++;
  }
  return count;
}

// Correctness guard before timing.
if (countRows(generatePopulation({ size: 1000, seed: SEED })) !== 1000) throw new Error('generatePopulation row count');

const bench = new Bench({ iterations: ITERATIONS, time: 0, warmupIterations: 1, warmupTime: 0 });
bench.add('generatePopulation (10 % duplicates, corrupted)', () => {
  if (countRows(generatePopulation({ size: N, seed: SEED })) !== N) throw new Error('count');
});
bench.add('generatePopulation (base people only)', () => {
  if (countRows(generatePopulation({ size: N, seed: SEED, duplicateRate: 0 })) !== N) throw new Error('count');
});
const claimCount = Math.max(1, Math.floor(N / 10));
bench.add(`generateClaims (${fmt(claimCount)} claims, register of ${fmt(N)})`, () => {
  if (countRows(generateClaims({ register: { size: N, seed: SEED, duplicateRate: 0 }, count: claimCount, seed: SEED })) !== claimCount) throw new Error('count');
});
bench.add('baseline: naive generator with a Set of IDs', () => {
  if (naive(N) !== N) throw new Error('count');
});

await bench.run();

const rate = new Map<string, number>();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
  const items = task.name.startsWith('generateClaims') ? claimCount : N;
  rate.set(task.name, items / (r.latency.mean / 1000));
}
const base = rate.get('baseline: naive generator with a Set of IDs') ?? Number.NaN;
const rows = [...rate].map(([name, perSec]) => [name, `${fmt(perSec)}/s`, `${(perSec / base).toFixed(2)}×`]);
const table = markdownTable(['task', 'rows/s', 'vs naive baseline'], rows);
process.stdout.write(
  `${machineLine()}\nN = ${fmt(N)} rows per iteration, ${ITERATIONS} iterations; peak RSS ${bytes(peakRssBytes())}\n\n${table}\n`,
);
if (sink === 42) process.stdout.write(' ');
if (args.write === true) {
  writeBenchmarkSection('micro-synth', 'Synthetic population generation', `npx tsx bench/synth/generate.bench.ts --n ${N} --iterations ${ITERATIONS} --write`, table);
}
