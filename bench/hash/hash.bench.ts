/**
 * Benchmark: hashing blocking keys with XXH64.
 *
 *   npx tsx bench/hash/hash.bench.ts [--n 200k] [--time 300] [--write]
 *
 * Keys per second, same run, same seeded keys (folded "family middle given year" name keys
 * of ~15–25 chars, and 12-digit CCCD numbers), for:
 *   (a) KeyHasher.pushAscii + flush on the WebAssembly batch kernel (khop's path);
 *       and KeyHasher.hashBatch on pre-packed bytes (the kernel with a memcpy, no strings);
 *   (b) xxhash-wasm `h64(string)` — one call per key (TextEncoder inside), the baseline;
 *   (c) KeyHasher on the pure-JS kernel (`xxh64Parts`, the no-WebAssembly fallback);
 * plus the string → bytes step alone: pushAscii's charCodeAt copy loop with no hashing vs
 * `TextEncoder.encode` per string. Ratios are against (b). `--write` records the table in
 * BENCHMARKS.md (section "micro-hash"); without it the table is only printed.
 */
import { Bench } from 'tinybench';
import xxhash from 'xxhash-wasm';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { Rng } from '../../src/util/rng.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_GIVEN_NAME_SHARES, VN_MIDDLE_NAME_SHARES } from '../../src/data/vn-name-parts.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { fmt, machineLine, markdownTable, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `XXH64 key hashing: the WebAssembly batch kernel vs xxhash-wasm per call vs pure JS.

  npx tsx bench/hash/hash.bench.ts [--n 200k] [--time 300] [--write]

  --n N        keys hashed per task (default 200k)
  --time MS    tinybench time per task in milliseconds (default 300)
  --write      write the table to BENCHMARKS.md (section "micro-hash", as npm run bench does)
  --help       this text`;

const args = parseArgs(process.argv.slice(2), { n: 'value', time: 'value', write: 'flag' }, USAGE);
const N = parseCount(args.n, 200_000, 'n');
const TIME_MS = parseCount(args.time, 300, 'time');

/** Strip diacritics and đ (setup only; the real folding lives in src/text). */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐÐ]/g, 'd')
    .toLowerCase();
}

/** Folded parts that are plain a–z words (the vendored lists hold a few mis-encoded entries). */
function foldedParts(table: ReadonlyArray<readonly [string, number]>): string[] {
  return table.map(([s]) => fold(s)).filter((s) => /^[a-z]+( [a-z]+)*$/.test(s));
}

function nameKeys(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const fam = foldedParts(VN_FAMILY_NAME_SHARES);
  const mid = foldedParts(VN_MIDDLE_NAME_SHARES);
  const giv = foldedParts(VN_GIVEN_NAME_SHARES);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${rng.pick(fam)} ${rng.pick(mid)} ${rng.pick(giv)} ${1940 + rng.int(70)}`);
  return out;
}

function idKeys(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = rng.pick(VN_PROVINCES_63).cccdPrefix;
    const yy = rng.int(100);
    out.push(`${p}${rng.int(4)}${yy < 10 ? '0' : ''}${yy}${String(rng.int(1_000_000)).padStart(6, '0')}`);
  }
  return out;
}

function packAscii(keys: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i] + keys[i].length;
  const bytes = new Uint8Array(offsets[keys.length]);
  for (let i = 0; i < keys.length; i++) for (let j = 0; j < keys[i].length; j++) bytes[offsets[i] + j] = keys[i].charCodeAt(j);
  return { bytes, offsets };
}

const { h64 } = await xxhash();
/**
 * Flat (sequential) strings, as read from a file or produced by a folding function:
 * template literals build cons-strings (ropes), whose charCodeAt is slower and would bias
 * the string paths.
 */
const flat = (keys: string[]): string[] => JSON.parse(JSON.stringify(keys)) as string[];
const sets = [
  { label: 'names', keys: flat(nameKeys(N, 1)) },
  { label: 'ids', keys: flat(idKeys(N, 2)) },
];
const lo = new Uint32Array(N);
const hi = new Uint32Array(N);
const big = new BigUint64Array(N);
const wasmHasher = new KeyHasher({ kernel: 'wasm' });
const jsHasher = new KeyHasher({ kernel: 'js' });
wasmHasher.setOutput(lo, hi);
jsHasher.setOutput(lo, hi);
const copyBuf = new Uint8Array(1 << 20);
const copyOff = new Uint32Array(N + 1);
const encoder = new TextEncoder();
let sink = 0;

// Correctness guard before timing: the paths must agree.
for (const { keys } of sets) {
  for (let i = 0; i < 1000; i++) wasmHasher.pushAscii(keys[i], i);
  wasmHasher.flush();
  for (let i = 0; i < 1000; i++) {
    if (((BigInt(hi[i]) << 32n) | BigInt(lo[i])) !== h64(keys[i])) throw new Error('kernel disagrees with xxhash-wasm');
  }
}

const bench = new Bench({ time: TIME_MS, iterations: 5, warmupTime: Math.min(100, TIME_MS), warmupIterations: 2 });
for (const { label, keys } of sets) {
  const packed = packAscii(keys);
  bench.add(`${label}: KeyHasher.pushAscii (wasm batch)`, () => {
    for (let i = 0; i < N; i++) wasmHasher.pushAscii(keys[i], i);
    wasmHasher.flush();
  });
  bench.add(`${label}: KeyHasher.hashBatch (wasm, pre-packed bytes)`, () => {
    wasmHasher.hashBatch(packed.bytes, packed.offsets, N, lo, hi);
  });
  bench.add(`${label}: xxhash-wasm h64 per string`, () => {
    for (let i = 0; i < N; i++) big[i] = h64(keys[i]);
  });
  bench.add(`${label}: KeyHasher.pushAscii (pure-JS xxh64Parts)`, () => {
    for (let i = 0; i < N; i++) jsHasher.pushAscii(keys[i], i);
    jsHasher.flush();
  });
  bench.add(`${label}: string→bytes, charCodeAt copy (no hash)`, () => {
    // pushAscii's write loop alone: char codes into a reused buffer + offsets.
    let p = 0;
    let k = 0;
    for (let i = 0; i < N; i++) {
      const s = keys[i];
      const len = s.length;
      if (p + len > copyBuf.length) p = 0;
      let any = 0;
      for (let j = 0; j < len; j++) {
        const c = s.charCodeAt(j);
        any |= c;
        copyBuf[p + j] = c;
      }
      p += len;
      copyOff[++k] = p;
      sink |= any;
    }
  });
  bench.add(`${label}: string→bytes, TextEncoder.encode per string`, () => {
    for (let i = 0; i < N; i++) sink += encoder.encode(keys[i]).length;
  });
}

await bench.run();

const rows: string[][] = [];
const rate = new Map<string, number>();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
  rate.set(task.name, N / (r.latency.mean / 1000));
}
for (const { label, keys } of sets) {
  const base = rate.get(`${label}: xxhash-wasm h64 per string`) ?? Number.NaN;
  const avg = keys.reduce((a, k) => a + k.length, 0) / keys.length;
  for (const [name, keysPerSec] of rate) {
    if (!name.startsWith(`${label}:`)) continue;
    rows.push([name, `${avg.toFixed(1)}`, `${fmt(keysPerSec)}/s`, `${(keysPerSec / base).toFixed(2)}×`]);
  }
}
const table = markdownTable(['task', 'avg key chars', 'keys/s', 'vs h64 per string'], rows);
process.stdout.write(`${machineLine()}\nN = ${N} keys per iteration, time ${TIME_MS} ms per task\n\n${table}\n`);
if (sink === 42) process.stdout.write(' '); // keep the copy loops observable
if (args.write === true) {
  writeBenchmarkSection('micro-hash', 'Hashing: batch WASM XXH64 vs xxhash-wasm per call vs pure JS', `npx tsx bench/hash/hash.bench.ts --n ${N} --time ${TIME_MS} --write`, table);
}
