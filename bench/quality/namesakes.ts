/**
 * Match quality on Vietnamese records WITHOUT an ID column: the synthetic population's
 * duplicates (src/synth) against its namesakes — people given the whole name and the birth day
 * of another person of their year and sex, who live elsewhere (person-model.ts). Without an ID
 * only the places tell such namesakes apart, so this is where a model that takes them for
 * matches shows: pairwise precision.
 *
 *   npx tsx bench/quality/namesakes.ts [--size 100k] [--write]
 *
 * Dedupe with the defaults (no tuning) on a grid of populations — seeds, duplicate rates,
 * sizes — and schemas (the full no-ID schema and two with fewer fields); pairwise precision /
 * recall / F1 of the clusters against the generator's person ids.
 */
import { dedupe, defineSchema, generatePopulation, pairwiseMetrics } from '../../src/index.js';
import type { FieldSpec } from '../../src/index.js';
import { clusterLabels } from '../lib/labels.js';
import { markdownTable, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const HELP = `Match quality on Vietnamese records without their ID column (namesakes born the same day).

  npx tsx bench/quality/namesakes.ts [options]

  --size N   records of the base populations (default 100k; the grid adds 3 × N and 10 × N)
  --write    write the table to BENCHMARKS.md (section "quality-namesakes")
  --help     this text`;

const args = parseArgs(process.argv.slice(2), { size: 'value', write: 'flag' }, HELP);
const size = parseCount(args.size, 100_000, 'size', 100);

const FULL: Record<string, FieldSpec> = {
  fullName: { kind: 'personName' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
  province: { kind: 'category' },
  address: { kind: 'text' },
};
const pick = (names: readonly string[]): Record<string, FieldSpec> => Object.fromEntries(names.map((n) => [n, FULL[n]!]));

interface Case {
  readonly label: string;
  readonly size: number;
  readonly seed: number;
  readonly duplicateRate: number;
  readonly fields: readonly string[];
}
const ALL = Object.keys(FULL);
const cases: Case[] = [
  { label: 'all five fields', size, seed: 7, duplicateRate: 0.05, fields: ALL },
  { label: 'all five fields, another seed', size, seed: 8, duplicateRate: 0.05, fields: ALL },
  { label: 'all five fields, 1 % duplicates', size, seed: 7, duplicateRate: 0.01, fields: ALL },
  { label: 'all five fields, 20 % duplicates', size, seed: 7, duplicateRate: 0.2, fields: ALL },
  { label: `all five fields, ${3 * size} records`, size: 3 * size, seed: 7, duplicateRate: 0.05, fields: ALL },
  { label: `all five fields, ${10 * size} records`, size: 10 * size, seed: 7, duplicateRate: 0.05, fields: ALL },
  { label: 'no address', size, seed: 7, duplicateRate: 0.05, fields: ['fullName', 'dob', 'sex', 'province'] },
  { label: 'name, date, sex', size, seed: 7, duplicateRate: 0.05, fields: ['fullName', 'dob', 'sex'] },
];

const rows: string[][] = [];
for (const c of cases) {
  const records: Record<string, string>[] = [];
  const truth: number[] = [];
  for (const r of generatePopulation({ size: c.size, seed: c.seed, duplicateRate: c.duplicateRate })) {
    const row: Record<string, string> = { recordId: r.recordId };
    for (const f of c.fields) row[f] = (r as unknown as Record<string, string>)[f]!;
    records.push(row);
    truth.push(r.personId);
  }
  const t = performance.now();
  const result = await dedupe(records, { schema: defineSchema(pick(c.fields)), idField: 'recordId' });
  const seconds = (performance.now() - t) / 1000;
  const m = pairwiseMetrics({ predictedClusters: clusterLabels(result.clusters), truth });
  rows.push([c.label, String(c.size), String(c.seed), `${c.duplicateRate * 100} %`, m.precision.toFixed(4), m.recall.toFixed(4), m.f1.toFixed(4), seconds.toFixed(1)]);
  console.log(rows[rows.length - 1]!.join('  '));
}

const body = [
  markdownTable(['schema (no ID field)', 'records', 'seed', 'duplicates', 'precision', 'recall', 'F1', 'dedupe s'], rows),
  '',
  'Pairwise, clusters against the generator\'s person ids; dedupe with the defaults (no tuning). The generator gives 1 % of people the whole name and birth day of another person of their year and sex (person-model.ts): without an ID only the places tell them apart.',
].join('\n');
console.log('\n' + body);
if (args.write === true) {
  writeBenchmarkSection('quality-namesakes', 'Match quality without an ID field: namesakes born the same day', `npx tsx bench/quality/namesakes.ts${args.size === undefined ? '' : ` --size ${args.size}`} --write`, body);
}
