/**
 * Throughput of the phonetic encoders on seeded synthetic Vietnamese full names.
 *
 *   npx tsx bench/keys/phonetic-keys.bench.ts                      (10k names, 500 ms/task)
 *   KHOP_BENCH_N=100000 KHOP_BENCH_TIME=3000 npx tsx bench/keys/phonetic-keys.bench.ts
 *
 * Tasks, each over the same name list (one task iteration = the whole list):
 *   - fold (baseline):   foldToAscii alone — every string encoder pays it first
 *   - vi-key:            vietnamesePhoneticKey (fold + key + one string per name)
 *   - vi-span:           writeVietnameseSyllableKey over pre-folded bytes in one pool (the key
 *                        builders' path: no fold, no string)
 *   - soundex, nysiis, double-metaphone: the generic encoders (fold included)
 * Reported: names per second and the ratio to the fold baseline.
 */
import { Bench } from 'tinybench';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_GIVEN_NAME_SHARES, VN_MIDDLE_NAME_SHARES } from '../../src/data/vn-name-parts.js';
import { doubleMetaphone } from '../../src/keys/double-metaphone.js';
import { nysiis } from '../../src/keys/nysiis.js';
import { soundex } from '../../src/keys/soundex.js';
import { vietnamesePhoneticKey, writeVietnameseSyllableKey } from '../../src/keys/vietnamese-phonetic.js';
import { foldToAscii } from '../../src/text/fold.js';
import { Rng } from '../../src/util/rng.js';
import { envCount, parseArgs } from '../lib/report.js';

const USAGE = `Phonetic keys: the Vietnamese syllable key and the generic encoders vs folding alone.

  [KHOP_BENCH_N=10000] [KHOP_BENCH_TIME=500] npx tsx bench/keys/phonetic-keys.bench.ts

  KHOP_BENCH_N      names per task (default 10000)
  KHOP_BENCH_TIME   tinybench time per task in milliseconds (default 500)
  --help            this text
  The table is written to BENCHMARKS.md by npm run bench (section "micro-keys").`;

parseArgs(process.argv.slice(2), {}, USAGE);
const N = envCount('KHOP_BENCH_N', 10_000);
const TIME = envCount('KHOP_BENCH_TIME', 500);
const SEED = 42;

function pickWeighted(rng: Rng, items: ReadonlyArray<readonly [string, number]>): string {
  let total = 0;
  for (const [, w] of items) total += w;
  let r = rng.next() * total;
  for (const [s, w] of items) {
    r -= w;
    if (r < 0) return s;
  }
  return items[items.length - 1]![0];
}

const rng = new Rng(SEED);
const names: string[] = [];
for (let i = 0; i < N; i++) {
  const parts = [pickWeighted(rng, VN_FAMILY_NAME_SHARES), pickWeighted(rng, VN_MIDDLE_NAME_SHARES), pickWeighted(rng, VN_GIVEN_NAME_SHARES)];
  let name = parts.filter((p) => p !== '').join(' ');
  if (rng.chance(0.3)) name = foldToAscii(name); // some records without diacritics
  names.push(name);
}

// Pre-folded pool of syllables for the span kernel: [start, end) pairs.
const folded = names.map(foldToAscii);
const poolText = folded.join(' ');
const pool = Uint8Array.from(poolText, (c) => c.charCodeAt(0));
const spans: number[] = [];
for (let i = 0; i < pool.length; ) {
  let j = i;
  while (j < pool.length && pool[j] !== 0x20) j++;
  spans.push(i, j);
  i = j + 1;
}
const spanArray = Int32Array.from(spans);
const out = new Uint8Array(64);

let sink = 0;
const bench = new Bench({ time: TIME, warmupTime: Math.min(200, TIME) });
bench
  .add('fold (baseline)', () => {
    for (const n of names) sink += foldToAscii(n).length;
  })
  .add('vi-key', () => {
    for (const n of names) sink += vietnamesePhoneticKey(n).length;
  })
  .add('vi-span', () => {
    for (let i = 0; i < spanArray.length; i += 2) sink += writeVietnameseSyllableKey(pool, spanArray[i]!, spanArray[i + 1]!, out, 0);
  })
  .add('soundex', () => {
    for (const n of names) sink += soundex(n).length;
  })
  .add('nysiis', () => {
    for (const n of names) sink += nysiis(n).length;
  })
  .add('double-metaphone', () => {
    for (const n of names) sink += doubleMetaphone(n).primary.length;
  });

await bench.run();

const namesPerSecond = (task: string): number => {
  const t = bench.tasks.find((x) => x.name === task)!;
  const r = t.result as unknown as { latency?: { mean: number }; period?: number };
  const ms = r.latency?.mean ?? r.period ?? Number.NaN;
  return (N * 1000) / ms;
};
const base = namesPerSecond('fold (baseline)');
console.log(`phonetic keys: ${N} names (${spanArray.length / 2} syllables), ${TIME} ms per task, Node ${process.version}`);
console.log('task                 names/s      × fold');
for (const t of bench.tasks) {
  const v = namesPerSecond(t.name);
  console.log(`${t.name.padEnd(18)} ${Math.round(v).toLocaleString('en-US').padStart(12)}  ${(v / base).toFixed(2).padStart(8)}`);
}
if (sink === -1) console.log(sink);
