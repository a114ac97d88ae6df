/**
 * Name preparation throughput: normalizeText + foldToAscii (+ vietnamesePhoneticKey) per
 * full name, against the naive one-liner most code uses, measured in the same run.
 *
 *   npx tsx bench/text/text.bench.ts
 *   KHOP_BENCH_N=50000 KHOP_BENCH_TIME=2000 npx tsx bench/text/text.bench.ts
 *
 * Data: KHOP_N seeded full names (family · middle · given) drawn from the vendored lists
 * (src/data/vn-family-names.ts, vn-name-parts.ts), written the ways registers write them:
 * 55% NFC as listed, 15% NFD, 15% without diacritics, 5% upper case, 5% new-style tones
 * (hoà / thuỷ), 5% with stray spaces / Ð look-alike. Each task processes the whole list once
 * per iteration; the table reports names/s from the median iteration time.
 *
 * Baseline: s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').toLowerCase()
 * (it handles neither Đ in upper case, Ð, spaces, nor tone placement — it is the floor to beat
 * on speed, not on output).
 */
import { Bench } from 'tinybench';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_GIVEN_NAME_SHARES, VN_MIDDLE_NAME_SHARES } from '../../src/data/vn-name-parts.js';
import { vietnamesePhoneticKey } from '../../src/keys/vietnamese-phonetic.js';
import { foldToAscii } from '../../src/text/fold.js';
import { normalizeText } from '../../src/text/normalize.js';
import { isVietnameseSyllable } from '../../src/text/syllable.js';
import { Rng } from '../../src/util/rng.js';
import { envCount, parseArgs } from '../lib/report.js';

const USAGE = `Text: normalise + fold + phonetic key vs a naive NFD+regex baseline.

  [KHOP_BENCH_N=20000] [KHOP_BENCH_TIME=1000] npx tsx bench/text/text.bench.ts

  KHOP_BENCH_N      names per task (default 20000; KHOP_N is still read)
  KHOP_BENCH_TIME   tinybench time per task in milliseconds (default 1000; KHOP_TIME is still read)
  --help            this text
  The table is written to BENCHMARKS.md by npm run bench (section "micro-text").`;

parseArgs(process.argv.slice(2), {}, USAGE);
const N = envCount('KHOP_BENCH_N', 20000, ['KHOP_N']);
const TIME = envCount('KHOP_BENCH_TIME', 1000, ['KHOP_TIME']);
const SEED = 20250701;

/** Weighted pick from (value, share) pairs through a cumulative table. */
function sampler(items: ReadonlyArray<readonly [string, number]>): (rng: Rng) => string {
  const values: string[] = [];
  const cum: number[] = [];
  let total = 0;
  for (const [v, w] of items) {
    values.push(v);
    total += w;
    cum.push(total);
  }
  return (rng) => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return values[lo]!;
  };
}

function makeNames(n: number): string[] {
  const rng = new Rng(SEED);
  // Only well-formed family names (the sample holds mojibake; see name-frequencies.ts).
  const family = sampler(VN_FAMILY_NAME_SHARES.filter(([f]) => isVietnameseSyllable(normalizeText(f))));
  const middle = sampler(VN_MIDDLE_NAME_SHARES.filter(([m]) => m !== ''));
  const given = sampler(VN_GIVEN_NAME_SHARES.filter(([g]) => !g.includes(' ')));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${family(rng)} ${middle(rng)} ${given(rng)}`;
    const r = rng.next();
    if (r < 0.55) out.push(name);
    else if (r < 0.7) out.push(name.normalize('NFD'));
    else if (r < 0.85) out.push(name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/Đ/g, 'D').replace(/đ/g, 'd'));
    else if (r < 0.9) out.push(name.toUpperCase());
    else if (r < 0.95) out.push(name.replace(/òa/g, 'oà').replace(/óa/g, 'oá').replace(/ủy/g, 'uỷ').replace(/ụy/g, 'uỵ'));
    else out.push(`  ${name.replace(/Đ/g, 'Ð')}  `.replace(' ', '   '));
  }
  return out;
}

const names = makeNames(N);
let sink = 0;

const bench = new Bench({ time: TIME, warmupTime: Math.min(300, TIME) });
bench
  .add('khop normalizeText + foldToAscii + vietnamesePhoneticKey', () => {
    let s = 0;
    for (let i = 0; i < names.length; i++) {
      const folded = foldToAscii(normalizeText(names[i]!));
      s += vietnamesePhoneticKey(folded).length;
    }
    sink += s;
  })
  .add('khop normalizeText + foldToAscii', () => {
    let s = 0;
    for (let i = 0; i < names.length; i++) s += foldToAscii(normalizeText(names[i]!)).length;
    sink += s;
  })
  .add('khop normalizeText', () => {
    let s = 0;
    for (let i = 0; i < names.length; i++) s += normalizeText(names[i]!).length;
    sink += s;
  })
  .add('khop foldToAscii (raw input)', () => {
    let s = 0;
    for (let i = 0; i < names.length; i++) s += foldToAscii(names[i]!).length;
    sink += s;
  })
  .add('baseline NFD + regex + toLowerCase', () => {
    let s = 0;
    for (let i = 0; i < names.length; i++) {
      s += names[i]!.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').toLowerCase().length;
    }
    sink += s;
  });

await bench.run();

const BASELINE = 'baseline NFD + regex + toLowerCase';
const perSecond = new Map<string, number>();
for (const t of bench.tasks) {
  const r = t.result;
  // throughput.p50 = median iterations per second; one iteration = the whole list.
  perSecond.set(t.name, r.state === 'completed' ? r.throughput.p50 * names.length : Number.NaN);
}
const base = perSecond.get(BASELINE)!;
const rows = bench.tasks.map((t) => {
  const ps = perSecond.get(t.name)!;
  return { task: t.name, 'names/s (median)': Math.round(ps), 'ns/name': +(1e9 / ps).toFixed(0), 'vs baseline': `${(ps / base).toFixed(2)}×` };
});
console.log(`text bench: N=${N} names, time=${TIME} ms/task, seed=${SEED}, node ${process.version} (sink ${sink % 10})`);
console.table(rows);
