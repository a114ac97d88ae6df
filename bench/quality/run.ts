/**
 * Match quality with the DEFAULTS (no per-dataset tuning): dedupe each labelled dataset and
 * report pairwise precision / recall / F1 and cluster-level precision / recall.
 *
 *   npx tsx bench/quality/run.ts [--synthetic 1M] [--write]
 *
 * Datasets: the synthetic Vietnamese population (src/synth, always available), RLdata500 and
 * RLdata10000, Splink fake_1000 and fake_20000 (read from ../shared/data; skipped, saying so,
 * when absent).
 */
import { clusterMetrics, dedupe, generatePopulation, pairwiseMetrics } from '../../src/index.js';
import type { FieldSpec } from '../../src/index.js';
import { loadRLdata, loadSplinkFake, type LabelledDataset } from '../datasets/load.js';
import { fmt, markdownTable, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const args = parseArgs(process.argv.slice(2));
const syntheticSize = parseCount(args.synthetic, 100_000);

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

async function main(): Promise<void> {
  const datasets: Array<LabelledDataset | string> = [syntheticDataset(syntheticSize)];
  for (const [name, load] of [
    ['RLdata500', () => loadRLdata(500)],
    ['RLdata10000', () => loadRLdata(10000)],
    ['fake_1000', () => loadSplinkFake(1000)],
    ['fake_20000', () => loadSplinkFake(20000)],
  ] as const) {
    const d = await load();
    datasets.push(d ?? `${name}: skipped (../shared/data is absent)`);
  }
  const rows: string[][] = [];
  for (const d of datasets) {
    if (typeof d === 'string') {
      console.error(d);
      rows.push([d.split(':')[0]!, '—', '—', '—', '—', '—', '—', 'skipped: ../shared/data absent']);
      continue;
    }
    const t0 = performance.now();
    const r = await dedupe(d.rows, { schema: d.schema, idField: d.idField, threads: 1 });
    const ms = performance.now() - t0;
    const ids = new Map<unknown, number>();
    const predicted = Uint32Array.from(r.clusters.map((c) => {
      if (!ids.has(c)) ids.set(c, ids.size);
      return ids.get(c)!;
    }));
    const pw = pairwiseMetrics({ predictedClusters: predicted, truth: d.truth });
    const cm = clusterMetrics({ predictedClusters: predicted, truth: d.truth });
    rows.push([
      d.name,
      String(d.rows.length),
      pw.precision.toFixed(4),
      pw.recall.toFixed(4),
      pw.f1.toFixed(4),
      cm.precision.toFixed(4),
      cm.recall.toFixed(4),
      `${(ms / 1000).toFixed(2)} s, ${fmt(r.stats.candidatePairs, 0)} candidate pairs`,
    ]);
    console.error(`${d.name}: F1 ${pw.f1.toFixed(4)} (${(ms / 1000).toFixed(1)} s)`);
  }
  const table = markdownTable(['dataset', 'records', 'pair precision', 'pair recall', 'pair F1', 'cluster precision', 'cluster recall', 'time'], rows);
  console.log(table);
  if (args.write === true) {
    writeBenchmarkSection(
      'quality',
      'Match quality with the defaults (dedupe, no tuning)',
      `npx tsx bench/quality/run.ts --synthetic ${syntheticSize} --write`,
      `${table}\n\nPairwise metrics count record pairs in the same predicted / true cluster; cluster precision (recall) is the share of predicted (true) clusters reproduced exactly.`,
    );
  }
}

void main();
