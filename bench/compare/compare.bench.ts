/**
 * Comparator throughput on seeded synthetic records.
 *
 *   npx tsx bench/compare/compare.bench.ts            (defaults: 20k records, 40k pairs, 1 s/task)
 *   KHOP_BENCH_N=100000 KHOP_BENCH_TIME=3000 npx tsx bench/compare/compare.bench.ts
 *
 * Tasks, each over the same pair list (half random pairs, half a record against a perturbed
 * copy of itself — diacritics dropped, a typo, day/month swapped, leading zero lost):
 *   - jw-span:      jaroWinklerSpans on folded given names read in place from a UTF-8 pool
 *   - jw-naive:     the baseline, a textbook allocating JW on JS strings (arrays, filters)
 *   - record:       comparePersonName (3 levels) + compareDates + compareNationalIds +
 *                   compareSex, written into Uint8Array level columns
 * Reported: pairs per second and the ratio span/naive. Phonetic keys are a stand-in (the
 * folded part itself) until src/keys lands, so the phonetic level costs one span comparison.
 */
import { Bench } from 'tinybench';
import type { CodeUnits, TextColumnReader } from '../../src/block/text-column.js';
import { jaroWinklerSpans } from '../../src/compare/jaro-winkler.js';
import { comparePersonName } from '../../src/compare/person-name.js';
import type { NameColumns } from '../../src/compare/person-name.js';
import { compareDates } from '../../src/compare/date-level.js';
import { compareNationalIds } from '../../src/compare/national-id-level.js';
import { compareSex } from '../../src/compare/sex-level.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_BOY_SYLLABLES, VN_GIRL_SYLLABLES } from '../../src/data/vn-name-parts.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { Rng } from '../../src/util/rng.js';

const N = Number(process.env.KHOP_BENCH_N ?? 20_000);
const TIME = Number(process.env.KHOP_BENCH_TIME ?? 1000);
const SEED = 42;

// ---- a UTF-8 column like the store's (one pool, offsets) -----------------------------------
class Utf8Column implements TextColumnReader {
  readonly pool: Uint8Array;
  readonly offsets: Uint32Array;
  constructor(values: readonly string[]) {
    const enc = new TextEncoder();
    const parts = values.map((v) => enc.encode(v));
    this.pool = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    this.offsets = new Uint32Array(values.length + 1);
    let at = 0;
    parts.forEach((p, i) => {
      this.offsets[i] = at;
      this.pool.set(p, at);
      at += p.length;
    });
    this.offsets[values.length] = at;
  }
  units(): CodeUnits {
    return this.pool;
  }
  start(r: number): number {
    return this.offsets[r]!;
  }
  end(r: number): number {
    return this.offsets[r + 1]!;
  }
  isNull(): boolean {
    return false;
  }
}

const fold = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'd').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
const normalize = (s: string): string => s.normalize('NFC').replace(/Ð/g, 'Đ').toLowerCase().replace(/\s+/g, ' ').trim();

// ---- seeded records: N originals followed by N perturbed copies ------------------------------
interface Rec { name: string; dob: number; id: string; sex: number }
const rng = new Rng(SEED);
const oneToken = (s: string): boolean => fold(s).split(' ').length === 1;
const families = VN_FAMILY_NAME_SHARES.map((f) => f[0]).filter(oneToken);
const syllables = [...VN_BOY_SYLLABLES, ...VN_GIRL_SYLLABLES].filter(oneToken);
const originals: Rec[] = [];
for (let i = 0; i < N; i++) {
  const parts = [rng.pick(families)];
  const nm = rng.int(3);
  for (let k = 0; k < nm; k++) parts.push(rng.pick(syllables));
  parts.push(rng.pick(syllables));
  const year = 1940 + rng.int(80);
  const month = 1 + rng.int(12);
  const day = 1 + rng.int(28);
  const sex = 1 + rng.int(2);
  let id = rng.pick(VN_PROVINCES_63).cccdPrefix + String(((year >= 2000 ? 2 : 0) + sex - 1)) + String(year % 100).padStart(2, '0');
  for (let k = 0; k < 6; k++) id += String(rng.int(10));
  originals.push({ name: parts.join(' '), dob: year * 10000 + month * 100 + day, id, sex });
}
function perturb(r: Rec): Rec {
  let { name, dob, id } = r;
  const roll = rng.int(4);
  if (roll === 0) name = fold(name);
  if (roll === 1 && name.length > 3) {
    const p = 1 + rng.int(name.length - 2);
    name = name.slice(0, p) + name.slice(p + 1);
  }
  if (roll === 2 && dob % 100 <= 12) dob = Math.floor(dob / 10000) * 10000 + (dob % 100) * 100 + (Math.floor(dob / 100) % 100);
  if (roll === 3 && id.startsWith('0')) id = id.slice(1);
  return { name, dob, id, sex: r.sex };
}
const recs = [...originals, ...originals.map(perturb)];

function nameColumns(rs: readonly Rec[]): NameColumns {
  const norm: string[] = [];
  const f: string[] = [];
  const fam: string[] = [];
  const mid: string[] = [];
  const giv: string[] = [];
  for (const r of rs) {
    norm.push(normalize(r.name));
    const t = fold(r.name).split(' ');
    f.push(t.join(' '));
    fam.push(t[0]!);
    mid.push(t.slice(1, -1).join(' '));
    giv.push(t.length > 1 ? t[t.length - 1]! : '');
  }
  const family = new Utf8Column(fam);
  const middle = new Utf8Column(mid);
  const given = new Utf8Column(giv);
  return {
    norm: new Utf8Column(norm), fold: new Utf8Column(f), family, middle, given,
    familyKey: family, middleKey: middle, givenKey: given, // stand-in keys (see header)
  };
}
const names = nameColumns(recs);
const ids = new Utf8Column(recs.map((r) => r.id));
const dobs = Int32Array.from(recs, (r) => r.dob);
const sexes = Uint8Array.from(recs, (r) => r.sex);
const givenStrings = recs.map((r) => { const t = fold(r.name).split(' '); return t[t.length - 1]!; });

const P = 2 * N;
const left = new Uint32Array(P);
const right = new Uint32Array(P);
for (let p = 0; p < P; p++) {
  const i = rng.int(N);
  left[p] = i;
  right[p] = p % 2 === 0 ? N + i : rng.int(2 * N);
}

// ---- baseline: allocating textbook JW ------------------------------------------------------
function naiveJaroWinkler(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const ma = new Array<boolean>(a.length).fill(false);
  const mb = new Array<boolean>(b.length).fill(false);
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (!mb[j] && a[i] === b[j]) { ma[i] = true; mb[j] = true; break; }
    }
  }
  const sa = [...a].filter((_, i) => ma[i]);
  const sb = [...b].filter((_, j) => mb[j]);
  const m = sa.length;
  if (m === 0) return 0;
  const t = Math.floor(sa.filter((c, i) => c !== sb[i]).length / 2);
  const jaro = (m / a.length + m / b.length + (m - t) / m) / 3;
  if (jaro <= 0.7) return jaro;
  let l = 0;
  while (l < 4 && l < a.length && l < b.length && a[l] === b[l]) l++;
  return jaro + l * 0.1 * (1 - jaro);
}

// ---- tasks ----------------------------------------------------------------------------------
let sink = 0;
const levels = new Uint8Array(P * 6); // per pair: family, middle, given, date, id, sex
const g = names.given;

const bench = new Bench({ time: TIME, warmupTime: Math.min(200, TIME) });
bench
  .add('jw-span (given names, UTF-8 in place)', () => {
    let s = 0;
    for (let p = 0; p < P; p++) {
      const a = left[p]!, b = right[p]!;
      s += jaroWinklerSpans(g.units(a), g.start(a), g.end(a), g.units(b), g.start(b), g.end(b));
    }
    sink += s;
  })
  .add('jw-naive (given names, allocating)', () => {
    let s = 0;
    for (let p = 0; p < P; p++) s += naiveJaroWinkler(givenStrings[left[p]!]!, givenStrings[right[p]!]!);
    sink += s;
  })
  .add('record (name 3 levels + date + id + sex)', () => {
    for (let p = 0; p < P; p++) {
      const a = left[p]!, b = right[p]!, o = p * 6;
      comparePersonName(names, a, names, b, levels, o);
      levels[o + 3] = compareDates(dobs[a]!, dobs[b]!);
      levels[o + 4] = compareNationalIds(ids.pool, ids.start(a), ids.end(a), ids.pool, ids.start(b), ids.end(b));
      levels[o + 5] = compareSex(sexes[a]!, sexes[b]!);
    }
  });

await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result;
  const period = r.state === 'completed' ? r.period : Number.NaN;
  return { task: t.name, 'pairs/s': Math.round(P / (period / 1000)), 'ns/pair': +((period * 1e6) / P).toFixed(1) };
});
console.log(`compare bench: N=${N} records ×2, P=${P} pairs per run, time=${TIME} ms/task, node ${process.version}`);
console.table(rows);
const span = rows[0]!['pairs/s'];
const naive = rows[1]!['pairs/s'];
console.log(`jw span / naive = ${(span / naive).toFixed(2)}×`);
// Sanity: true-match pairs must mostly agree on the given name.
let agree = 0;
for (let p = 0; p < P; p += 2) if (levels[p * 6 + 2]! <= 4 && levels[p * 6 + 2]! >= 1) agree++;
console.log(`true-match pairs with given-name level exact..close: ${((100 * agree) / (P / 2)).toFixed(1)}% (sink ${sink > 0 ? 'ok' : 'zero'})`);
