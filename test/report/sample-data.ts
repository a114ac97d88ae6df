/**
 * Realistic, seeded ReportData for the report tests: a dedupe of 1.2M Vietnamese person
 * records with five comparisons, a bimodal weight histogram (non-matches around −12 bits,
 * matches around +18), a geometric cluster-size distribution, four blocking rules and six
 * sample pairs whose waterfalls add up exactly (prior + Σ level weights + tf = total).
 * No personal data: pairs are labelled by row number only.
 */
import { Rng } from '../../src/util/rng.js';
import type { ReportData } from '../../src/report/report-data.js';

interface LevelDef {
  label: string;
  m: number;
  u: number;
}

const COMPARISONS: Array<{ name: string; levels: LevelDef[] }> = [
  {
    name: 'national id',
    levels: [
      { label: 'exact', m: 0.86, u: 0.000002 },
      { label: 'leading zero restored / 9-digit match', m: 0.06, u: 0.00001 },
      { label: 'one transposition', m: 0.03, u: 0.0004 },
      { label: 'else', m: 0.05, u: 0.999588 },
    ],
  },
  {
    name: 'full name',
    levels: [
      { label: 'exact', m: 0.71, u: 0.0009 },
      { label: 'exact without diacritics', m: 0.14, u: 0.0011 },
      { label: 'vietnamese phonetic key', m: 0.07, u: 0.004 },
      { label: 'jaro-winkler ≥ 0.92', m: 0.05, u: 0.02 },
      { label: 'else', m: 0.03, u: 0.9740 },
    ],
  },
  {
    name: 'date of birth',
    levels: [
      { label: 'exact', m: 0.88, u: 0.00004 },
      { label: 'day/month swapped', m: 0.04, u: 0.00001 },
      { label: 'year only agrees', m: 0.05, u: 0.012 },
      { label: 'else', m: 0.03, u: 0.98795 },
    ],
  },
  {
    name: 'sex',
    levels: [
      { label: 'exact', m: 0.985, u: 0.5 },
      { label: 'else', m: 0.015, u: 0.5 },
    ],
  },
  {
    name: 'province',
    levels: [
      { label: 'exact', m: 0.9, u: 0.03 },
      { label: 'else', m: 0.1, u: 0.97 },
    ],
  },
];

const LAMBDA = 1.6e-6;

function weightOf(m: number, u: number): number {
  return Math.log2(m / u);
}

/** Standard normal draw (Box–Muller, one of the pair). */
function normal(rng: Rng): number {
  const u1 = 1 - rng.next(); // (0, 1]: log stays finite
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The sample ReportData (same seed → same data). */
export function sampleReportData(seed = 20250611): ReportData {
  const rng = new Rng(seed);
  const comparisons = COMPARISONS.map((c) => ({
    name: c.name,
    levels: c.levels.map((l) => ({ label: l.label, m: l.m, u: l.u, weight: weightOf(l.m, l.u), count: 0 })),
  }));
  const priorWeight = Math.log2(LAMBDA / (1 - LAMBDA));
  const thresholdProbability = 0.9;
  const thresholdWeight = Math.log2(thresholdProbability / (1 - thresholdProbability));

  // Histogram: 60k non-match pairs ~ N(−12, 4.5), 4k match pairs ~ N(18, 5), bins of 1 bit.
  const binStart = -40;
  const binWidth = 1;
  const counts = new Array<number>(90).fill(0);
  const add = (w: number): void => {
    const i = Math.floor((w - binStart) / binWidth);
    if (i >= 0 && i < counts.length) counts[i]++;
  };
  for (let i = 0; i < 60000; i++) add(-12 + 4.5 * normal(rng));
  for (let i = 0; i < 4000; i++) add(18 + 5 * normal(rng));
  for (const c of comparisons) for (const l of c.levels) l.count = rng.int(40000);

  // Cluster sizes: geometric decay plus a thin tail.
  const clusterSizes: Array<{ size: number; count: number }> = [{ size: 1, count: 1_187_412 }];
  let c = 5200;
  for (let s = 2; s <= 8; s++) {
    clusterSizes.push({ size: s, count: c });
    c = Math.floor(c / 4);
  }
  clusterSizes.push({ size: 12, count: 2 }, { size: 31, count: 1 });

  // Waterfalls: six pairs near the threshold, built from the model so they add up.
  const waterfalls: ReportData['waterfalls'] = [];
  const picks: number[][] = [
    [3, 0, 0, 0, 0],
    [3, 1, 0, 0, 0],
    [3, 0, 1, 0, 0],
    [3, 2, 0, 0, 0],
    [2, 3, 0, 0, 1],
    [1, 4, 1, 1, 0],
  ];
  for (let p = 0; p < picks.length; p++) {
    let total = priorWeight;
    const steps = comparisons.map((cmp, k) => {
      const l = cmp.levels[picks[p][k]];
      const tf = k === 1 && picks[p][k] === 0 ? -1.25 : 0; // a common name: exact agreement counts less
      total += l.weight + tf;
      return { field: cmp.name, level: l.label, weight: l.weight, tfAdjustment: tf };
    });
    waterfalls.push({
      left: `row ${1000 + 17 * p}`,
      right: `row ${900000 + 311 * p}`,
      prior: priorWeight,
      steps,
      total,
      probability: 1 / (1 + 2 ** -total),
    });
  }

  return {
    title: 'khop dedupe — people.csv',
    generatedAt: '2025-06-11T09:30:00.000Z',
    summary: [
      { label: 'rows read', value: '1,204,332' },
      { label: 'rows accepted', value: '1,203,918' },
      { label: 'rows rejected', value: '414' },
      { label: 'candidate pairs scored', value: '64,000' },
      { label: 'pairs above threshold', value: '4,112' },
      { label: 'clusters', value: '1,194,035' },
      { label: 'time', value: '38.2 s' },
    ],
    threshold: { weight: thresholdWeight, probability: thresholdProbability },
    weightHistogram: { binStart, binWidth, counts },
    comparisons,
    prior: { lambda: LAMBDA, weight: priorWeight },
    clusterSizes,
    blocking: [
      { rule: 'national_id = national_id', pairs: 21408, newPairs: 21408, skippedPairs: 0, skippedBlocks: 0 },
      { rule: 'phonetic(family) & phonetic(given) & year(dob)', pairs: 30512, newPairs: 24870, skippedPairs: 1830, skippedBlocks: 3 },
      { rule: 'dob & sex & province', pairs: 15876, newPairs: 12104, skippedPairs: 88412, skippedBlocks: 41 },
      { rule: 'fold(name)[0..3] & dob', pairs: 9021, newPairs: 5618, skippedPairs: 0, skippedBlocks: 0 },
    ],
    waterfalls,
  };
}
