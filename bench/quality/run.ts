/**
 * Match quality with the DEFAULTS (no per-dataset tuning): dedupe each labelled dataset and
 * report pairwise precision / recall / F1, cluster-level precision / recall, and the blocking
 * recall (share of true matching pairs that are candidate pairs at all) and the linkage
 * ceiling (the pair recall of clustering EVERY true matching candidate pair and nothing else —
 * perfect scoring of these candidates; clusters join records that are not candidates of each
 * other, so it is at least the blocking recall). A dataset whose F1 target lies above
 * 2c / (1 + c), c the linkage ceiling, cannot reach it by any scoring of its candidates: only
 * more candidate pairs could.
 *
 *   npx tsx bench/quality/run.ts [--synthetic 1M] [--only RLdata500,fake_1000] [--misses 10] [--write]
 *
 * link() is measured on the same datasets split in two (even rows left, odd rows right): the
 * links found, and the left–right pairs its clusters put together, against the true cross
 * pairs (a left and a right row of one entity).
 *
 * Datasets: the synthetic Vietnamese population (src/synth, always available), RLdata500 and
 * RLdata10000, Splink fake_1000 and fake_20000 (read from ../shared/data; skipped, saying so,
 * when absent).
 */
import { clusterMetrics, dedupe, generatePopulation, link, pairwiseMetrics, UnionFind } from '../../src/index.js';
import type { FieldSpec } from '../../src/index.js';
import { loadRLdata, loadSplinkFake, type LabelledDataset } from '../datasets/load.js';
import { fmt, markdownTable, parseArgs, parseCount, parseNameList, usageError, writeBenchmarkSection } from '../lib/report.js';
import { clusterLabels } from '../lib/labels.js';

const HELP = `Match quality with the default rules and training (no tuning).

  npx tsx bench/quality/run.ts [options]

  --synthetic N   size of the synthetic Vietnamese population (default 100k; e.g. 1M; at least 2)
  --only LIST     comma-separated dataset names: synthetic, RLdata500, RLdata10000, fake_1000, fake_20000
  --misses N      print up to N true pairs per dataset that are not candidate pairs (values shown:
                  benchmark data only, never a user's)
  --rules         print candidate and new pairs per blocking rule
  --write         write the tables to BENCHMARKS.md (sections "quality" and "quality-link"); only a
                  full run: refused with --only or when a labelled dataset is absent
  --help          this text`;

const DATASETS = ['synthetic', 'RLdata500', 'RLdata10000', 'fake_1000', 'fake_20000'] as const;
const args = parseArgs(process.argv.slice(2), { synthetic: 'value', only: 'value', misses: 'value', rules: 'flag', write: 'flag' }, HELP);
const syntheticSize = parseCount(args.synthetic, 100_000, 'synthetic', 2, 'dedupe needs two records, link one on each side');
const onlyNames = parseNameList(args.only, 'only', DATASETS);
const only = onlyNames === undefined ? undefined : new Set(onlyNames);
const misses = parseCount(args.misses, 0, 'misses', 0);
// A subset's tables must not replace the full sections.
if (args.write === true && only !== undefined && DATASETS.some((d) => !only.has(d))) {
  usageError('--write refused: --only runs a subset of the datasets, whose tables would replace the full sections');
}

function syntheticDataset(size: number): LabelledDataset {
  const rows: Record<string, string | null>[] = [];
  const truth: number[] = [];
  for (const r of generatePopulation({ size, seed: 2026 })) {
    rows.push({ recordId: r.recordId, id: r.id, fullName: r.fullName, dob: r.dob, sex: r.sex, province: r.province, address: r.address });
    truth.push(r.personId);
  }
  const schema: Record<string, FieldSpec> = {
    id: { kind: 'nationalId' },
    fullName: { kind: 'personName' },
    dob: { kind: 'date' },
    sex: { kind: 'sex' },
    province: { kind: 'category' },
    address: { kind: 'text' },
  };
  return { name: `synthetic VN ${fmt(size, 0)}`, rows, truth: Int32Array.from(truth), schema, idField: 'recordId' };
}

/**
 * Pair recall of the clusters made by linking every true matching candidate pair (and no
 * other): what perfect scoring of these candidates would reach (see the file header).
 */
function linkageCeiling(d: LabelledDataset, left: Uint32Array, right: Uint32Array, count: number): number {
  const uf = new UnionFind(d.truth.length);
  for (let p = 0; p < count; p++) if (d.truth[left[p]!] === d.truth[right[p]!]) uf.union(left[p]!, right[p]!);
  const clusters = Uint32Array.from({ length: d.truth.length }, (_, i) => uf.find(i));
  return pairwiseMetrics({ predictedClusters: clusters, truth: d.truth }).recall;
}

/** True matching pairs and how many of them are candidate pairs (pairFloor 0 returns every candidate). */
function blockingRecall(d: LabelledDataset, left: Uint32Array, right: Uint32Array, count: number): { truePairs: number; candidates: number; missed: Array<[number, number]> } {
  const byEntity = new Map<number, number[]>();
  d.truth.forEach((e, i) => {
    const list = byEntity.get(e);
    if (list) list.push(i);
    else byEntity.set(e, [i]);
  });
  const n = d.truth.length;
  const candidate = new Set<number>();
  for (let p = 0; p < count; p++) {
    const a = Math.min(left[p]!, right[p]!);
    const b = Math.max(left[p]!, right[p]!);
    if (d.truth[a] === d.truth[b]) candidate.add(a * n + b);
  }
  let truePairs = 0;
  const missed: Array<[number, number]> = [];
  for (const list of byEntity.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        truePairs++;
        if (!candidate.has(list[i]! * n + list[j]!) && missed.length < misses) missed.push([list[i]!, list[j]!]);
      }
    }
  }
  return { truePairs, candidates: candidate.size, missed };
}

/**
 * link() on the dataset split in two — even rows left, odd rows right — with the defaults.
 * Link precision / recall: the links (probability ≥ the threshold) against the true cross pairs
 * (a left row and a right row of one entity); cluster cross-pair metrics: the left–right pairs
 * that link's clusters put together (links joined transitively) against the same pairs.
 */
async function linkRow(d: LabelledDataset): Promise<string[]> {
  const left: Array<Record<string, unknown>> = [];
  const right: Array<Record<string, unknown>> = [];
  const truthLeft: number[] = [];
  const truthRight: number[] = [];
  d.rows.forEach((row, i) => {
    (i % 2 === 0 ? left : right).push(row);
    (i % 2 === 0 ? truthLeft : truthRight).push(d.truth[i]!);
  });
  const perEntity = new Map<number, number>();
  for (const e of truthRight) perEntity.set(e, (perEntity.get(e) ?? 0) + 1);
  let truePairs = 0;
  for (const e of truthLeft) truePairs += perEntity.get(e) ?? 0;
  const t0 = performance.now();
  const r = await link(left, right, { schema: d.schema, idField: d.idField, threads: 1 });
  const ms = performance.now() - t0;
  let found = 0;
  for (let p = 0; p < r.links.count; p++) if (truthLeft[r.links.left[p]!] === truthRight[r.links.right[p]!]) found++;
  const precision = found / Math.max(1, r.links.count);
  const recall = found / Math.max(1, truePairs);
  // Cross pairs in one cluster: Σ over clusters of left × right members, and of those the
  // pairs of one entity.
  const byCluster = new Map<unknown, { left: Map<number, number>; right: Map<number, number> }>();
  const side = (c: unknown) => {
    let x = byCluster.get(c);
    if (x === undefined) byCluster.set(c, (x = { left: new Map(), right: new Map() }));
    return x;
  };
  r.clusters.left.forEach((c, i) => {
    if (c === null) return;
    const m = side(c).left;
    m.set(truthLeft[i]!, (m.get(truthLeft[i]!) ?? 0) + 1);
  });
  r.clusters.right.forEach((c, i) => {
    if (c === null) return;
    const m = side(c).right;
    m.set(truthRight[i]!, (m.get(truthRight[i]!) ?? 0) + 1);
  });
  let clusterPairs = 0;
  let clusterTrue = 0;
  for (const { left: l, right: rt } of byCluster.values()) {
    let nl = 0;
    let nr = 0;
    for (const c of l.values()) nl += c;
    for (const [e, c] of rt) {
      nr += c;
      clusterTrue += c * (l.get(e) ?? 0);
    }
    clusterPairs += nl * nr;
  }
  const cp = clusterTrue / Math.max(1, clusterPairs);
  const cr = clusterTrue / Math.max(1, truePairs);
  const f1 = (p: number, q: number) => ((2 * p * q) / Math.max(1e-12, p + q)).toFixed(4);
  console.error(`${d.name} (link): links F1 ${f1(precision, recall)}, clusters F1 ${f1(cp, cr)} (${(ms / 1000).toFixed(1)} s)`);
  return [
    d.name,
    `${left.length} + ${right.length}`,
    fmt(truePairs, 0),
    precision.toFixed(4),
    recall.toFixed(4),
    f1(precision, recall),
    cp.toFixed(4),
    cr.toFixed(4),
    f1(cp, cr),
    `${(ms / 1000).toFixed(2)} s, ${fmt(r.stats.candidatePairs, 0)} candidate pairs`,
  ];
}

async function main(): Promise<void> {
  const want = (name: string) => only === undefined || only.has(name);
  const datasets: Array<LabelledDataset | string> = want('synthetic') ? [syntheticDataset(syntheticSize)] : [];
  for (const [name, load] of [
    ['RLdata500', () => loadRLdata(500)],
    ['RLdata10000', () => loadRLdata(10000)],
    ['fake_1000', () => loadSplinkFake(1000)],
    ['fake_20000', () => loadSplinkFake(20000)],
  ] as const) {
    if (!want(name)) continue;
    const d = await load();
    datasets.push(d ?? `${name}: skipped (../shared/data is absent)`);
  }
  const absent = datasets.filter((d): d is string => typeof d === 'string');
  if (args.write === true && absent.length > 0) {
    usageError(`--write refused: ${absent.map((d) => d.split(':')[0]).join(', ')} absent (../shared/data), the tables would replace full ones`);
  }
  const rows: string[][] = [];
  const linkRows: string[][] = [];
  for (const d of datasets) {
    if (typeof d === 'string') {
      console.error(d);
      rows.push([d.split(':')[0]!, '—', '—', '—', '—', '—', '—', '—', '—', 'skipped: ../shared/data absent']);
      linkRows.push([d.split(':')[0]!, '—', '—', '—', '—', '—', '—', '—', '—', 'skipped: ../shared/data absent']);
      continue;
    }
    linkRows.push(await linkRow(d));
    const t0 = performance.now();
    // pairFloor 0: every candidate pair is returned (for the blocking recall); clusters depend
    // on the threshold only.
    const r = await dedupe(d.rows, { schema: d.schema, idField: d.idField, threads: 1, pairFloor: 0 });
    const ms = performance.now() - t0;
    const predicted = clusterLabels(r.clusters);
    const pw = pairwiseMetrics({ predictedClusters: predicted, truth: d.truth });
    const cm = clusterMetrics({ predictedClusters: predicted, truth: d.truth });
    const br = blockingRecall(d, r.pairs.left, r.pairs.right, r.pairs.count);
    const ceiling = linkageCeiling(d, r.pairs.left, r.pairs.right, r.pairs.count);
    rows.push([
      d.name,
      String(d.rows.length),
      pw.precision.toFixed(4),
      pw.recall.toFixed(4),
      pw.f1.toFixed(4),
      cm.precision.toFixed(4),
      cm.recall.toFixed(4),
      (br.candidates / Math.max(1, br.truePairs)).toFixed(4),
      `${ceiling.toFixed(4)} (F1 ≤ ${((2 * ceiling) / (1 + ceiling)).toFixed(4)})`,
      `${(ms / 1000).toFixed(2)} s, ${fmt(r.stats.candidatePairs, 0)} candidate pairs (${fmt(r.stats.skippedPairs, 0)} skipped)`,
    ]);
    console.error(`${d.name}: F1 ${pw.f1.toFixed(4)}, blocking recall ${(br.candidates / Math.max(1, br.truePairs)).toFixed(4)}, linkage ceiling ${ceiling.toFixed(4)} (${(ms / 1000).toFixed(1)} s)`);
    if (args.rules === true) {
      for (const s of r.stats.rules) console.error(`  ${s.rule}: ${s.pairs} pairs, ${s.newPairs} new, ${s.skippedPairs} skipped in ${s.skippedBlocks} blocks`);
    }
    for (const [a, b] of br.missed) console.error(`  missed: ${JSON.stringify(d.rows[a])}  ~  ${JSON.stringify(d.rows[b])}`);
  }
  const table = markdownTable(['dataset', 'records', 'pair precision', 'pair recall', 'pair F1', 'cluster precision', 'cluster recall', 'blocking recall', 'linkage ceiling (pair recall)', 'time'], rows);
  console.log(table);
  const linkTable = markdownTable(['dataset (link: even rows ⋈ odd rows)', 'records', 'true cross pairs', 'link precision', 'link recall', 'link F1', 'cluster cross-pair precision', 'cluster cross-pair recall', 'cluster cross-pair F1', 'time'], linkRows);
  console.log(`\n${linkTable}`);
  if (args.write === true) {
    writeBenchmarkSection(
      'quality-link',
      'Match quality with the defaults (link, no tuning)',
      `npx tsx bench/quality/run.ts --synthetic ${syntheticSize} --write`,
      `${linkTable}\n\nEach dataset split in two — even rows on the left, odd rows on the right — and linked with the defaults. Link precision / recall: the links (match probability ≥ 0.5) against the true cross pairs (a left and a right row of one entity); cluster cross-pair metrics: the left–right pairs that link's clusters put together (links joined transitively, and kept apart where two clusters hold different well-formed national IDs, as dedupe's clusters are) against the same true cross pairs.`,
    );
    writeBenchmarkSection(
      'quality',
      'Match quality with the defaults (dedupe, no tuning)',
      `npx tsx bench/quality/run.ts --synthetic ${syntheticSize} --write`,
      `${table}\n\nPairwise metrics count record pairs in the same predicted / true cluster; cluster precision (recall) is the share of predicted (true) clusters reproduced exactly; blocking recall is the share of true matching pairs that are candidate pairs; the linkage ceiling is the pair recall of linking every true matching candidate pair and nothing else (perfect scoring of these candidates: clusters also join true pairs that are not candidates, so it is at least the blocking recall), with the F1 it would give at precision 1.`,
    );
  }
}

void main();
