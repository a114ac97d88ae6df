/**
 * What the average-linkage guard costs (dedupe / link option `linkage`, cluster/clusters.ts):
 * dedupe of the same synthetic rows with `linkage: 'single'` and `'average'`, alternating in one
 * process — wall time, the cluster phase's time, the merges the guard refused, the pairs kept
 * for clustering, and pairwise F1 against the generator's person ids.
 *
 *   npx tsx bench/pipeline/linkage.ts [--records 1M] [--threads 2] [--runs 2] [--generic] [--write]
 *
 * Rows: generatePopulation (seed 2026; ID, name, date of birth, sex, province, address).
 * `--generic`: the names read with the GENERIC locale and no ID column — the worst case of
 * concentrated names for the generic blocking rules (their capped name-part rules above all:
 * default-rules.ts), where the candidate pairs per rule are printed too.
 */
import { dedupe, generatePopulation, pairwiseMetrics } from '../../src/index.js';
import type { DedupeResult, FieldSpec } from '../../src/index.js';
import { fmt, machineLine, markdownTable, median, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';
import { clusterLabels } from '../lib/labels.js';

const USAGE = `Single vs average linkage on a synthetic population: cost, refused merges, F1.

  npx tsx bench/pipeline/linkage.ts [--records 1M] [--threads 2] [--runs 2] [--generic] [--write]

  --records N   synthetic records (default 1M; at least 2)
  --threads N   dedupe threads (default 2)
  --runs N      runs per linkage, the median reported (default 2)
  --generic     names read with the GENERIC locale and no ID column (the worst case)
  --write       write the table to BENCHMARKS.md
  --help        this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', threads: 'value', runs: 'value', generic: 'flag', write: 'flag' }, USAGE);
const records = parseCount(args.records, 1_000_000, 'records', 2, 'dedupe needs two records');
const threads = parseCount(args.threads, 2, 'threads');
const runs = parseCount(args.runs, 2, 'runs');
const generic = args.generic === true;

const rows: Record<string, unknown>[] = [];
const truth: number[] = [];
for (const r of generatePopulation({ size: records, seed: 2026 })) {
  rows.push(generic
    ? { recordId: r.recordId, fullName: r.fullName, dob: r.dob, sex: r.sex, province: r.province }
    : { recordId: r.recordId, id: r.id, fullName: r.fullName, dob: r.dob, sex: r.sex, province: r.province, address: r.address });
  truth.push(r.personId);
}
const schema: Record<string, FieldSpec> = generic
  ? { fullName: { kind: 'personName', locale: 'generic' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' } }
  : { id: { kind: 'nationalId' }, fullName: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' }, address: { kind: 'text' } };

interface Run {
  ms: number;
  clusterMs: number;
  refused: number;
  f1: number;
  clusters: number;
}

/** The last run's result (its stats are printed): only one is held. */
let last: DedupeResult | undefined;

async function once(linkage: 'single' | 'average'): Promise<Run> {
  const t = performance.now();
  const result = await dedupe(rows, { schema, idField: 'recordId', threads, linkage });
  const ms = performance.now() - t;
  if (linkage === 'average') last = result;
  const predicted = clusterLabels(result.clusters);
  const cluster = result.stats.phases.find((p) => p.phase === 'cluster')!;
  return {
    ms,
    clusterMs: cluster.ms,
    refused: Number(cluster.averageLinkagePairs ?? 0),
    f1: pairwiseMetrics({ predictedClusters: predicted, truth: Int32Array.from(truth) }).f1,
    clusters: result.stats.clusters,
  };
}

const results: Record<'single' | 'average', Run[]> = { single: [], average: [] };
for (let i = 0; i < runs; i++) {
  for (const linkage of i % 2 === 0 ? (['single', 'average'] as const) : (['average', 'single'] as const)) {
    const r = await once(linkage);
    results[linkage].push(r);
    console.error(`${linkage}: ${(r.ms / 1000).toFixed(2)} s, cluster ${r.clusterMs.toFixed(0)} ms, refused ${r.refused}, F1 ${r.f1.toFixed(5)}`);
  }
}
const table = markdownTable(
  ['linkage', `dedupe, ${fmt(records, 0)} rows${generic ? ' (generic names, no ID)' : ''}, median of ${runs}`, 'cluster phase', 'merges refused', 'clusters', 'pairwise F1'],
  (['single', 'average'] as const).map((k) => {
    const rs = results[k];
    return [
      k,
      `${(median(rs.map((r) => r.ms)) / 1000).toFixed(2)} s (runs ${rs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')})`,
      `${median(rs.map((r) => r.clusterMs)).toFixed(0)} ms`,
      String(rs[0]!.refused),
      fmt(rs[0]!.clusters, 0),
      rs[0]!.f1.toFixed(5),
    ];
  }),
);
const rules = last!.stats.rules.map((s) => `${s.rule}: ${fmt(s.pairs, 0)} pairs (${fmt(s.newPairs, 0)} new), ${fmt(s.skippedPairs, 0)} skipped in ${fmt(s.skippedBlocks, 0)} blocks`);
console.log(table);
console.log(`\ncandidate pairs ${fmt(last!.stats.candidatePairs, 0)}, returned pairs ${fmt(last!.pairs.count, 0)} — ${machineLine()}`);
if (generic) console.log(rules.map((l) => `- ${l}`).join('\n'));
if (args.write === true) {
  writeBenchmarkSection(
    `linkage-${generic ? 'generic-' : ''}${records}`,
    `Clustering: single vs average linkage, ${fmt(records, 0)} rows${generic ? ' (generic names, no ID)' : ''}, ${threads} threads`,
    `npx tsx bench/pipeline/linkage.ts --records ${records} --threads ${threads} --runs ${runs}${generic ? ' --generic' : ''} --write`,
    `${table}\n\nThe two linkages alternate in one process on the same rows; the pairs scored are the same, only the clustering differs. Candidate pairs ${fmt(last!.stats.candidatePairs, 0)}.${generic ? `\n\nPer rule (average run):\n\n${rules.map((l) => `- ${l}`).join('\n')}` : ''}`,
  );
}
