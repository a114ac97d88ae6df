/**
 * Comparator throughput on seeded synthetic records.
 *
 *   npx tsx bench/compare/compare.bench.ts            (defaults: 20k + 100k records, 1 s/task, ~40 s)
 *   KHOP_BENCH_N=20000 KHOP_BENCH_ROWS=50000 KHOP_BENCH_TIME=300 npx tsx bench/compare/compare.bench.ts
 *   KHOP_BENCH_CLOCK=cpu …   time tasks by this process's CPU time (user + system) instead of
 *                            the wall clock: per-core figures on a shared, loaded machine
 *
 * Part 1 — Jaro–Winkler kernels, over one pair list of KHOP_BENCH_N hand-made records (half
 * random pairs, half a record against a perturbed copy — diacritics dropped, a typo):
 *   - jw-span:      jaroWinklerSpans on folded given names read in place from a UTF-8 pool
 *   - jw-naive:     the baseline, a textbook allocating JW on JS strings (arrays, filters)
 * Part 2 — the 5-field record comparison of the pipeline (ComparisonPlan.compute: national ID,
 * date of birth, sex, and the name as family, middle and given: 6 Uint8Array level columns),
 * and the full default Vietnamese schema (+ province category, + address token overlap: 8
 * columns), on the prepared store of generatePopulation (KHOP_BENCH_ROWS rows, seed 7, 10%
 * duplicates) with its real phonetic keys, over two pair mixes of the same size:
 *   - candidate pairs: every pair the default blocking rules emit (what a dedupe compares;
 *                      mostly same family, often same middle/given: equality levels dominate)
 *   - random pairs:    seeded uniform record pairs (the u sample; the worst case: nearly every
 *                      level is tested before "else")
 * each by the span path (before: name spans read from the store per pair, IDs through the
 * column, addresses tokenised per pair) and the indexed path (after: person-name-index.ts
 * interned ids, fixed-width ID copies, token-set-index.ts sorted token ids), each path in its own child process of the same run (`--path=span|indexed`: no JIT
 * feedback shared between them). Reported: median ns per pair of each task (tinybench latency
 * p50 / pairs), pairs/s per core (one thread), the index build per row, the same-run ratio
 * span/indexed, and whether the two paths' level checksums over both mixes are identical.
 * Random pairs are what the u sample compares: their cost is the pre-filters of the name
 * levels (person-name.ts: one-branch masks, a Jaro–Winkler match bound), the equal-length ID
 * pre-filter (national-id-level.ts) and cache misses, overlapped by the touch loops of
 * src/pipeline/comparisons.ts; the last line checks issue 5's target (≥ 2M pairs/s per core).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import type { CodeUnits, TextColumnReader } from '../../src/block/text-column.js';
import { jaroWinklerSpans } from '../../src/compare/jaro-winkler.js';
import { buildPersonNameIndex } from '../../src/compare/person-name-index.js';
import { generatePopulation } from '../../src/synth/population.js';
import { prepareRows } from '../../src/pipeline/prepare.js';
import { vietnamesePersonSchema, type Schema } from '../../src/schema.js';
import { bindSide, planComparisons, type BoundSide } from '../../src/pipeline/comparisons.js';
import { defaultBlockingRules } from '../../src/pipeline/default-rules.js';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import { candidatePairs } from '../../src/block/candidate-pairs.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_BOY_SYLLABLES, VN_GIRL_SYLLABLES } from '../../src/data/vn-name-parts.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { Rng } from '../../src/util/rng.js';
import { childExecArgv } from '../lib/child.js';
import { envCount, parseArgs, usageError } from '../lib/report.js';

const USAGE = `Comparators: span kernels vs naive allocating versions, on candidate and random pairs.

  [KHOP_BENCH_N=20000] [KHOP_BENCH_ROWS=100000] [KHOP_BENCH_TIME=1000] [KHOP_BENCH_CLOCK=cpu]
    npx tsx bench/compare/compare.bench.ts

  KHOP_BENCH_N       name pairs for the Jaro–Winkler tasks (default 20000)
  KHOP_BENCH_ROWS    records for the comparison paths (default 100000)
  KHOP_BENCH_TIME    tinybench time per task in milliseconds (default 1000)
  KHOP_BENCH_CLOCK   'cpu' times tasks by this process's CPU time instead of the wall clock
  --help             this text
  (--path=span|indexed is internal: the child process of one path.)
  The table is written to BENCHMARKS.md by npm run bench (section "micro-compare").`;

parseArgs(process.argv.slice(2), { path: 'value' }, USAGE);
const N = envCount('KHOP_BENCH_N', 20_000);
const ROWS = envCount('KHOP_BENCH_ROWS', 100_000);
const TIME = envCount('KHOP_BENCH_TIME', 1000);
const CLOCK_ENV = process.env.KHOP_BENCH_CLOCK ?? 'wall';
if (CLOCK_ENV !== 'cpu' && CLOCK_ENV !== 'wall') usageError(`KHOP_BENCH_CLOCK=${CLOCK_ENV}: 'cpu' or 'wall'`);
const CLOCK = CLOCK_ENV;
/** CPU time of this process in ms (µs resolution). */
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
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

const givenPool = new Utf8Column(recs.map((r) => { const t = fold(r.name).split(' '); return t[t.length - 1]!; }));
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

// ---- part 2: the pipeline's record comparison on a prepared synthetic population ------------
// Each path runs in its own child process (`--path=span|indexed`), so that neither path's JIT
// feedback (a second shape of name columns through the same loops) slows the other; the
// children report medians and a checksum of every level column, which must agree.
interface PathResult {
  rows: number; pairs: number; comparisons: string[]; fullComparisons: string[];
  candMs: number; randMs: number; candFullMs: number; randFullMs: number; checksum: number; buildNsPerRow: number;
  /** Bytes per row of the per-side structures (name index + its values, token sets, ID copy). */
  bytesPerRow: number;
}

async function runPath(path: 'span' | 'indexed'): Promise<PathResult> {
  // The default Vietnamese person schema; the 5-field record is its ID, name, date and sex.
  const schema = vietnamesePersonSchema();
  const prepared = await prepareRows([[...generatePopulation({ size: ROWS, seed: 7 })]], schema);
  const store = prepared.store;
  const five = { ...schema, fields: schema.fields.filter((f) => ['id', 'name', 'dob', 'sex'].includes(f.name)) } as Schema;
  const plan = planComparisons(five, prepared.nameGroups, { dictionaries: prepared.dictionaries });
  const fullPlan = planComparisons(schema, prepared.nameGroups, { dictionaries: prepared.dictionaries });
  const indexed = bindSide(store);
  // The span path: the same side with the name index removed (comparePersonName falls back).
  const side: BoundSide = path === 'indexed' ? indexed : { ...indexed, names: (prefix) => ({ ...indexed.names(prefix), index: undefined }) };
  const CL: number[] = [];
  const CR: number[] = [];
  for (const chunk of candidatePairs(buildBlockIndexes(store, defaultBlockingRules(schema, prepared.nameGroups)), { reuseChunk: true })) {
    for (let i = 0; i < chunk.length; i++) {
      CL.push(chunk.left[i]!);
      CR.push(chunk.right[i]!);
    }
  }
  const Q = CL.length;
  const candLeft = Uint32Array.from(CL);
  const candRight = Uint32Array.from(CR);
  const pairRng = new Rng(SEED + 1);
  const randLeft = new Uint32Array(Q);
  const randRight = new Uint32Array(Q);
  for (let p = 0; p < Q; p++) {
    randLeft[p] = pairRng.int(store.rowCount);
    randRight[p] = pairRng.int(store.rowCount);
  }
  const levels = fullPlan.specs.map(() => new Uint8Array(Q));
  // Checksum (FNV-1a) of every level of both mixes, all comparisons: equal checksums = the paths agree.
  let checksum = 0x811c9dc5 | 0;
  for (const [L, R] of [[candLeft, candRight], [randLeft, randRight]] as const) {
    fullPlan.compute(side, side, L, R, 0, Q, levels);
    for (const col of levels) for (let p = 0; p < Q; p++) checksum = Math.imul(checksum ^ col[p]!, 16777619);
  }
  // Index build cost per row (once per dataset; timed apart from the pair tasks).
  const nameCols = { ...indexed.names(prepared.nameGroups[0]!.prefix), index: undefined };
  const t0 = performance.now();
  const BUILDS = 3;
  for (let i = 0; i < BUILDS; i++) buildPersonNameIndex(nameCols, store.rowCount);
  const buildNsPerRow = ((performance.now() - t0) * 1e6) / (BUILDS * store.rowCount);

  const nx = indexed.names('name').index!;
  const tx = indexed.tokenSets('address.fold');
  const bytesPerRow = (nx.rows.byteLength + nx.units.byteLength + nx.offsets.byteLength + nx.sig.byteLength + nx.flags.byteLength +
    tx.ids.byteLength + tx.starts.byteLength + indexed.fixedText('id.id').byteLength) / store.rowCount;

  const bench = new Bench({ time: TIME, warmupTime: Math.min(200, TIME), ...(CLOCK === 'cpu' ? { now: cpuNow } : {}) });
  bench
    .add('candidate', () => plan.compute(side, side, candLeft, candRight, 0, Q, levels))
    .add('random', () => plan.compute(side, side, randLeft, randRight, 0, Q, levels))
    .add('candidate-full', () => fullPlan.compute(side, side, candLeft, candRight, 0, Q, levels))
    .add('random-full', () => fullPlan.compute(side, side, randLeft, randRight, 0, Q, levels));
  await bench.run();
  const median = (i: number) => {
    const r = bench.tasks[i]!.result;
    return r.state === 'completed' ? r.latency.p50 : Number.NaN;
  };
  return {
    rows: store.rowCount, pairs: Q, comparisons: plan.specs.map((c) => c.name), fullComparisons: fullPlan.specs.map((c) => c.name),
    candMs: median(0), randMs: median(1), candFullMs: median(2), randFullMs: median(3), checksum: checksum >>> 0, buildNsPerRow,
    bytesPerRow,
  };
}

const CHILD = process.argv.find((a) => a.startsWith('--path='))?.slice('--path='.length);
if (CHILD === 'span' || CHILD === 'indexed') {
  console.log(JSON.stringify(await runPath(CHILD)));
} else {
  // ---- part 1 tasks (this process) ----------------------------------------------------------
  let sink = 0;
  const g = givenPool;
  const bench = new Bench({ time: TIME, warmupTime: Math.min(200, TIME), ...(CLOCK === 'cpu' ? { now: cpuNow } : {}) });
  bench
    .add('jw-span (given names, UTF-8 in place)', () => {
      let s = 0;
      for (let p = 0; p < P; p++) {
        const a = left[p]!, b = right[p]!;
        s += jaroWinklerSpans(g.units(), g.start(a), g.end(a), g.units(), g.start(b), g.end(b));
      }
      sink += s;
    })
    .add('jw-naive (given names, allocating)', () => {
      let s = 0;
      for (let p = 0; p < P; p++) s += naiveJaroWinkler(givenStrings[left[p]!]!, givenStrings[right[p]!]!);
      sink += s;
    });
  await bench.run();
  const jwNs = bench.tasks.map((t) => (t.result.state === 'completed' ? (t.result.latency.p50 * 1e6) / P : Number.NaN));

  // ---- part 2: one child process per path ----------------------------------------------------
  const child = (path: string): PathResult => {
    const r = spawnSync(process.execPath, [...childExecArgv(), fileURLToPath(import.meta.url), `--path=${path}`], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`compare bench: the ${path} child failed: ${r.stderr}`);
    return JSON.parse(line) as PathResult;
  };
  const span = child('span');
  const fast = child('indexed');
  const perPair = (ms: number, pairs: number) => (ms * 1e6) / pairs;
  const row = (task: string, ns: number) => ({ task, 'pairs/s per core': Math.round(1e9 / ns), 'ns/pair (median)': +ns.toFixed(1) });
  const rows = [
    row('jw-span (given names, UTF-8 in place)', jwNs[0]!),
    row('jw-naive (given names, allocating)', jwNs[1]!),
    row('record, candidate pairs, span path (before)', perPair(span.candMs, span.pairs)),
    row('record, candidate pairs, indexed (after)', perPair(fast.candMs, fast.pairs)),
    row('record, random pairs, span path (before)', perPair(span.randMs, span.pairs)),
    row('record, random pairs, indexed (after)', perPair(fast.randMs, fast.pairs)),
    row('full schema, candidate pairs, span path (before)', perPair(span.candFullMs, span.pairs)),
    row('full schema, candidate pairs, indexed (after)', perPair(fast.candFullMs, fast.pairs)),
    row('full schema, random pairs, span path (before)', perPair(span.randFullMs, span.pairs)),
    row('full schema, random pairs, indexed (after)', perPair(fast.randFullMs, fast.pairs)),
  ];
  console.log(`compare bench: part 1 N=${N} records ×2, P=${P} pairs; part 2 ${fast.rows} synthetic rows (seed 7), ${fast.pairs} candidate pairs (default blocking rules) and ${fast.pairs} random pairs; ` +
    `record = ${fast.comparisons.length} comparisons (${fast.comparisons.join(', ')}), full schema = ${fast.fullComparisons.length} (+ ${fast.fullComparisons.filter((c) => !fast.comparisons.includes(c)).join(', ')}); ` +
    `time=${TIME} ms/task, ${CLOCK} clock, one thread, node ${process.version}`);
  console.table(rows);
  const ns = (i: number) => rows[i]!['ns/pair (median)'];
  console.log(`jw span / naive = ${(ns(1) / ns(0)).toFixed(2)}×`);
  console.log(`span / indexed (same run, separate processes): record ${(ns(2) / ns(3)).toFixed(2)}× on candidate pairs, ${(ns(4) / ns(5)).toFixed(2)}× on random pairs; ` +
    `full schema ${(ns(6) / ns(7)).toFixed(2)}× / ${(ns(8) / ns(9)).toFixed(2)}×`);
  // Issue 5: ≥ 2M scored pairs/s per core for the 5-field record on random pairs (the worst case).
  console.log(`issue 5 (≥ 2M pairs/s per core, 5-field record): random pairs ${(1e3 / ns(5)).toFixed(2)}M/s, candidate pairs ${(1e3 / ns(3)).toFixed(2)}M/s per core`);
  console.log(`name index build: ${fast.buildNsPerRow.toFixed(0)} ns/row (once per dataset); per-side structures of the full schema: ${fast.bytesPerRow.toFixed(0)} B/row; level checksums span ${span.checksum.toString(16)} / indexed ${fast.checksum.toString(16)}: ${span.checksum === fast.checksum ? 'identical' : 'DIFFERENT'} (sink ${sink > 0 ? 'ok' : 'zero'})`);
}
