/**
 * Scale benchmark: index N synthetic people under 4 blocking rules (ID + 3 name/date keys) and
 * measure what a national register needs.
 *
 *   npx tsx bench/scale/run.ts [--records 1M] [--queries 1M] [--dir /tmp] [--no-snapshot] [--no-map] [--write]
 *   npx tsx --expose-gc bench/scale/run.ts --records 100M      (opt-in: 10M, 100M; ~8 GiB peak at 100M)
 *
 * Per rule and phase: key generation (synthetic bytes, not khop's cost), XXH64 hashing
 * (KeyHasher.hashBatch), LSD radix sort, CSR + directory; then bytes per (key,row) entry, peak
 * RSS (VmHWM), single lookups/s (random keys, half present, half absent) vs batched
 * (lookupMany: sorted merge walk), snapshot save and load time, and — at N ≤ 16M, where a Map
 * can hold it — a JS Map<string, row> baseline for the ID rule, in the same run.
 * Output: a table on stdout and JSON in bench/out/scale-N.json (`--write` also records the table
 * in BENCHMARKS.md, section "scale-N").
 *
 * Population: row r's attributes come from a counter-based mix of (r, field) — a family name
 * (vendored shares), middle and given names, birth date 1930–2024, sex, birth province, and a
 * 12-digit CCCD (province + century/sex + yy + 6 random digits: a few collide, as re-issued
 * numbers do) — so every rule sees the same person without storing the population.
 * Targets (24 GiB, 2 cores): ≤ 16 B per entry; 100M indexed ≤ 120 s, peak RSS ≤ 12 GiB;
 * snapshot load ≤ 10 s; ~4M single lookups/s per core at 100M keys.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlockIndex, NO_BLOCK } from '../../src/block/block-index.js';
import { loadIndexSnapshot, saveIndexSnapshot } from '../../src/block/index-snapshot.js';
import { allocTriples, radixSort64 } from '../../src/block/radix-sort.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_GIVEN_NAME_SHARES, VN_MIDDLE_NAME_SHARES } from '../../src/data/vn-name-parts.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { Rng } from '../../src/util/rng.js';
import { bytes as fmtBytes, fmt, machineLine, markdownTable, parseArgs, parseCount, peakRssBytes, tsxCommand, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Scale: index build, lookups and snapshots at national scale.

  npx tsx [--expose-gc] bench/scale/run.ts [--records 1M] [--queries 1M] [--dir /tmp] [--no-snapshot] [--no-map] [--write]

  --records N     records in the index (default 1M; 10M and 100M are opt-in, ~8 GiB peak at 100M)
  --queries N     lookups (default 1M, at most max(records, 1000))
  --dir PATH      where the snapshot file is written (default the temporary directory)
  --no-snapshot   skip the snapshot write / load
  --no-map        skip the JS Map baseline (skipped anyway above 16M records)
  --write         write the table to BENCHMARKS.md (section "scale-<records>")
  --help          this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', queries: 'value', dir: 'value', 'no-snapshot': 'flag', 'no-map': 'flag', write: 'flag' }, USAGE);
const N = parseCount(args.records, 1_000_000, 'records');
const Q = Math.min(parseCount(args.queries, 1_000_000, 'queries'), Math.max(N, 1000));
const DIR = typeof args.dir === 'string' ? args.dir : tmpdir();
const gc = (globalThis as { gc?: () => void }).gc;

// ── synthetic population (setup: allocation here is not khop's) ────────────────────────────

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'd').toLowerCase();
}

/** Sampler over weighted ASCII name parts: 65,536-slot table, slot = top 16 bits of a u32. */
function sampler(table: ReadonlyArray<readonly [string, number]>): { parts: Uint8Array[]; slot: Uint16Array } {
  const kept = table.map(([s, w]) => [fold(s), w] as const).filter(([s]) => /^[a-z]+( [a-z]+)*$/.test(s));
  const total = kept.reduce((a, [, w]) => a + w, 0);
  const slot = new Uint16Array(65536);
  let acc = 0;
  let j = 0;
  for (let i = 0; i < kept.length; i++) {
    acc += kept[i]![1] / total;
    const upto = i === kept.length - 1 ? 65536 : Math.round(acc * 65536);
    for (; j < upto; j++) slot[j] = i;
  }
  return { parts: kept.map(([s]) => Uint8Array.from(s, (c) => c.charCodeAt(0))), slot };
}

const FAMILY = sampler(VN_FAMILY_NAME_SHARES);
const MIDDLE = sampler(VN_MIDDLE_NAME_SHARES);
const GIVEN = sampler(VN_GIVEN_NAME_SHARES);
const PROVINCES = VN_PROVINCES_63.map((p) => Uint8Array.from(p.cccdPrefix, (c) => c.charCodeAt(0)));

/** Counter-based mix of (row, field) → u32 (murmur3 finaliser). */
function mix(r: number, field: number): number {
  let z = (Math.imul(r, 0x9e3779b1) ^ Math.imul(field + 1, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function putPart(buf: Uint8Array, p: number, part: Uint8Array): number {
  for (let i = 0; i < part.length; i++) buf[p + i] = part[i]!;
  return p + part.length;
}

function putDigits(buf: Uint8Array, p: number, v: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) {
    buf[p + i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return p + width;
}

/** Birth date of row r packed yyyymmdd, 1930-01-01 … 2024-12-28. */
function dob(r: number): number {
  const m = mix(r, 4);
  return (1930 + (m % 95)) * 10000 + (1 + ((m >>> 8) % 12)) * 100 + 1 + ((m >>> 16) % 28);
}

type KeyWriter = (r: number, buf: Uint8Array, p: number) => number;

const RULES: { name: string; describe: string; write: KeyWriter }[] = [
  {
    name: 'id',
    describe: 'id (12-digit CCCD)',
    write: (r, buf, p) => {
      const d = dob(r);
      const year = Math.floor(d / 10000);
      const sex = mix(r, 5) & 1;
      p = putPart(buf, p, PROVINCES[mix(r, 6) % PROVINCES.length]!);
      buf[p++] = 48 + (year >= 2000 ? 2 : 0) + sex; // century & sex digit
      p = putDigits(buf, p, year % 100, 2);
      return putDigits(buf, p, mix(r, 7) % 1_000_000, 6);
    },
  },
  {
    name: 'name-year',
    describe: 'family middle given & year(dob)',
    write: (r, buf, p) => {
      p = putPart(buf, p, FAMILY.parts[FAMILY.slot[mix(r, 1) >>> 16]!]!);
      buf[p++] = 32;
      p = putPart(buf, p, MIDDLE.parts[MIDDLE.slot[mix(r, 2) >>> 16]!]!);
      buf[p++] = 32;
      p = putPart(buf, p, GIVEN.parts[GIVEN.slot[mix(r, 3) >>> 16]!]!);
      buf[p++] = 0x1f;
      return putDigits(buf, p, Math.floor(dob(r) / 10000), 4);
    },
  },
  {
    name: 'given-dob',
    describe: 'given & dob',
    write: (r, buf, p) => {
      p = putPart(buf, p, GIVEN.parts[GIVEN.slot[mix(r, 3) >>> 16]!]!);
      buf[p++] = 0x1f;
      return putDigits(buf, p, dob(r), 8);
    },
  },
  {
    name: 'family-given-province',
    describe: 'family & given & province',
    write: (r, buf, p) => {
      p = putPart(buf, p, FAMILY.parts[FAMILY.slot[mix(r, 1) >>> 16]!]!);
      buf[p++] = 0x1f;
      p = putPart(buf, p, GIVEN.parts[GIVEN.slot[mix(r, 3) >>> 16]!]!);
      buf[p++] = 0x1f;
      return putPart(buf, p, PROVINCES[mix(r, 6) % PROVINCES.length]!);
    },
  },
];

// ── measurement helpers ────────────────────────────────────────────────────────────────────

const now = (): number => performance.now();
const sec = (ms: number): string => (ms / 1000).toFixed(2) + ' s';

/** Runs fn repeatedly for at least minMs; returns operations per second (ops = calls × per). */
function rate(per: number, minMs: number, fn: () => void): number {
  fn(); // warm-up
  let calls = 0;
  const t0 = now();
  let t = t0;
  do {
    fn();
    calls++;
    t = now();
  } while (t - t0 < minMs);
  return (calls * per) / ((t - t0) / 1000);
}

interface RuleResult {
  rule: string;
  entries: number;
  blocks: number;
  largestBlock: number;
  indexBytes: number;
  bytesPerEntry: number;
  genMs: number;
  hashMs: number;
  sortMs: number;
  csrMs: number;
  lookupsPerSec: number;
  batchedLookupsPerSec: number;
}

// ── build ──────────────────────────────────────────────────────────────────────────────────

const BATCH_KEYS = 1 << 16;
const batchBytes = new Uint8Array(BATCH_KEYS * 64);
const batchOffsets = new Uint32Array(BATCH_KEYS + 1);
const hasher = new KeyHasher({ seed: 0n });
const indexes: BlockIndex[] = [];
const results: RuleResult[] = [];
const tBuild = now();
let sink = 0;

for (const rule of RULES) {
  const lo = new Uint32Array(new SharedArrayBuffer(4 * N));
  const hi = new Uint32Array(new SharedArrayBuffer(4 * N));
  const ids = new Uint32Array(new SharedArrayBuffer(4 * N));
  let genMs = 0;
  let hashMs = 0;
  for (let base = 0; base < N; base += BATCH_KEYS) {
    const count = Math.min(BATCH_KEYS, N - base);
    let t = now();
    let p = 0;
    for (let i = 0; i < count; i++) {
      p = rule.write(base + i, batchBytes, p);
      batchOffsets[i + 1] = p;
      ids[base + i] = base + i;
    }
    genMs += now() - t;
    t = now();
    hasher.hashBatch(batchBytes, batchOffsets, count, lo.subarray(base, base + count), hi.subarray(base, base + count));
    hashMs += now() - t;
  }
  let t = now();
  const sorted = radixSort64({ hi, lo, ids }, allocTriples(N, true), N);
  const sortMs = now() - t;
  t = now();
  const ix = BlockIndex.fromSorted(sorted, N, N, { rule: { name: rule.name, parts: [] }, seed: 0n });
  const csrMs = now() - t;
  indexes.push(ix);
  gc?.();
  results.push({
    rule: rule.name,
    entries: ix.entryCount,
    blocks: ix.blockCount,
    largestBlock: ix.largestBlocks(1)[0]?.size ?? 0,
    indexBytes: ix.byteLength,
    bytesPerEntry: ix.byteLength / ix.entryCount,
    genMs,
    hashMs,
    sortMs,
    csrMs,
    lookupsPerSec: 0,
    batchedLookupsPerSec: 0,
  });
  process.stdout.write(`built ${rule.name}: ${fmt(ix.blockCount)} blocks, hash ${sec(hashMs)}, sort ${sec(sortMs)}, csr ${sec(csrMs)}\n`);
}
const buildMs = now() - tBuild;
const khopBuildMs = results.reduce((a, r) => a + r.hashMs + r.sortMs + r.csrMs, 0);
const rssAfterBuild = peakRssBytes();

// ── lookups ────────────────────────────────────────────────────────────────────────────────

const qLo = new Uint32Array(Q);
const qHi = new Uint32Array(Q);
const qOut = new Uint32Array(Q);
indexes.forEach((ix, k) => {
  const rng = new Rng(1000 + k);
  for (let i = 0; i < Q; i++) {
    if (i & 1) {
      const b = rng.int(ix.blockCount);
      qHi[i] = ix.blockHi(b);
      qLo[i] = ix.blockLo(b);
    } else {
      qHi[i] = rng.nextU32();
      qLo[i] = rng.nextU32();
    }
  }
  results[k]!.lookupsPerSec = rate(Q, 1000, () => {
    let s = 0;
    for (let i = 0; i < Q; i++) s += ix.lookup(qLo[i]!, qHi[i]!);
    sink += s;
  });
  results[k]!.batchedLookupsPerSec = rate(Q, 1000, () => {
    ix.lookupMany(qLo, qHi, qOut, Q);
    sink += qOut[0] === NO_BLOCK ? 1 : 0;
  });
});

// ── Map baseline (ID rule, strings → first row), only where a Map can hold it ──────────────

let map: { buildMs: number; lookupsPerSec: number; bytesPerEntry: number; khopHashLookupsPerSec: number } | null = null;
if (args['no-map'] !== true && N <= 16_000_000) {
  const keyBuf = new Uint8Array(64);
  const idString = (r: number): string => {
    const len = RULES[0]!.write(r, keyBuf, 0);
    return String.fromCharCode.apply(null, keyBuf.subarray(0, len) as unknown as number[]);
  };
  const keys: string[] = new Array<string>(N);
  for (let r = 0; r < N; r++) keys[r] = idString(r);
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let t = now();
  const m = new Map<string, number>();
  for (let r = 0; r < N; r++) if (!m.has(keys[r]!)) m.set(keys[r]!, r);
  const mapBuildMs = now() - t;
  gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  const rng = new Rng(77);
  const queries: string[] = new Array<string>(Q);
  for (let i = 0; i < Q; i++) queries[i] = i & 1 ? keys[rng.int(N)]! : idString(N + rng.int(N)); // half present, half (mostly) absent
  const lookups = rate(Q, 1000, () => {
    let s = 0;
    for (let i = 0; i < Q; i++) s += m.get(queries[i]!) ?? -1;
    sink += s;
  });
  // khop answering the same string queries: hash the string, then look the hash up.
  const h = new Uint32Array(2);
  const ix = indexes[0]!;
  const khopLookups = rate(Q, 1000, () => {
    let s = 0;
    for (let i = 0; i < Q; i++) {
      hasher.hashAscii(queries[i]!, h, 0);
      s += ix.lookup(h[0]!, h[1]!);
    }
    sink += s;
  });
  map = { buildMs: mapBuildMs, lookupsPerSec: lookups, bytesPerEntry: (heap1 - heap0) / m.size, khopHashLookupsPerSec: khopLookups };
}

// ── snapshot ───────────────────────────────────────────────────────────────────────────────

let snapshot: { saveMs: number; loadMs: number; fileBytes: number } | null = null;
if (args['no-snapshot'] !== true) {
  const path = join(DIR, `khop-scale-${N}-${process.pid}.khop`);
  let t = now();
  await saveIndexSnapshot(path, null, indexes, { records: N });
  const saveMs = now() - t;
  const fileBytes = statSync(path).size;
  // Release the built indexes first, so the peak reflects one copy (a server loads, it doesn't build).
  const probe = { lo: indexes[0]!.blockLo(0), hi: indexes[0]!.blockHi(0) };
  indexes.length = 0;
  gc?.();
  t = now();
  const loaded = await loadIndexSnapshot(path);
  const loadMs = now() - t;
  if (loaded.indexes[0]!.lookup(probe.lo, probe.hi) !== 0) throw new Error('loaded index disagrees');
  rmSync(path);
  snapshot = { saveMs, loadMs, fileBytes };
}

// ── report ─────────────────────────────────────────────────────────────────────────────────

const totalIndexBytes = results.reduce((a, r) => a + r.indexBytes, 0);
const totalEntries = results.reduce((a, r) => a + r.entries, 0);
const peak = peakRssBytes();
const rows = results.map((r) => [
  r.rule,
  fmt(r.entries),
  fmt(r.blocks),
  String(r.largestBlock),
  r.bytesPerEntry.toFixed(2),
  sec(r.genMs),
  sec(r.hashMs),
  sec(r.sortMs),
  sec(r.csrMs),
  `${fmt(r.lookupsPerSec)}/s`,
  `${fmt(r.batchedLookupsPerSec)}/s`,
]);
let table = markdownTable(['rule', 'entries', 'blocks', 'largest', 'B/entry', 'keygen*', 'hash', 'sort', 'csr+dir', 'lookups', 'batched'], rows);
table += `\n\n* keygen = synthetic key bytes, not a khop cost.\n`;
table += `\nN = ${fmt(N)} records × ${RULES.length} rules: khop build (hash + sort + csr) ${sec(khopBuildMs)} (wall incl. keygen ${sec(buildMs)}); `;
table += `index ${fmtBytes(totalIndexBytes)} = ${(totalIndexBytes / totalEntries).toFixed(2)} B per (key,row) entry; peak RSS ${fmtBytes(peak)} (after build ${fmtBytes(rssAfterBuild)}).\n`;
if (snapshot !== null) table += `Snapshot: ${fmtBytes(snapshot.fileBytes)}, save ${sec(snapshot.saveMs)}, load (verified) ${sec(snapshot.loadMs)}.\n`;
if (map !== null) {
  table += `Map<string,row> baseline (id rule): build ${sec(map.buildMs)} vs khop ${sec(results[0]!.hashMs + results[0]!.sortMs + results[0]!.csrMs)}; `;
  table += `${map.bytesPerEntry.toFixed(0)} B/entry (heap, keys excluded) vs ${results[0]!.bytesPerEntry.toFixed(2)}; `;
  table += `string lookups ${fmt(map.lookupsPerSec)}/s vs khop hash+lookup ${fmt(map.khopHashLookupsPerSec)}/s (${(map.khopHashLookupsPerSec / map.lookupsPerSec).toFixed(2)}×).\n`;
}
process.stdout.write(`\n${machineLine()}\n\n${table}`);
const outDir = fileURLToPath(new URL('../out/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const json = { records: N, queries: Q, machine: machineLine(), results, khopBuildMs, buildMs, totalIndexBytes, bytesPerEntry: totalIndexBytes / totalEntries, peakRssBytes: peak, snapshot, map };
writeFileSync(join(outDir, `scale-${N}.json`), JSON.stringify(json, null, 2));
if (args.write === true) {
  // Every option that changes the table, as given (the command must reproduce the section).
  const given = [args.queries !== undefined ? ` --queries ${Q}` : '', args['no-map'] === true ? ' --no-map' : '', args['no-snapshot'] === true ? ' --no-snapshot' : ''].join('');
  writeBenchmarkSection(`scale-${N}`, `Scale: ${fmt(N)} records`, `${tsxCommand()} bench/scale/run.ts --records ${N}${given} --write`, table);
}
if (sink === 0.5) process.stdout.write(' ');
