/**
 * The two end-to-end runs on synthetic data that `khop demo` and `khop bench` share, timed per
 * step, with the ground truth the generator knows:
 *
 *   dedupe          generatePopulation (with duplicates and namesakes) → dedupe() →
 *                   pairwise precision / recall / F1 of the clusters against the true person ids
 *   authentication  generatePopulation (clean, duplicateRate 0) → Register.build →
 *                   generateClaims against it → authenticateMany → verdicts vs expected verdicts
 *
 * Trade-off: in process and in memory (rows are materialised once, so generation is timed apart
 * from matching); meant for sizes up to a few hundred thousand records. The repository's
 * end-to-end harness (bench/e2e/run.ts, `npm run bench:e2e`) is the real benchmark: files on
 * disk, one child process per stage, peak RSS, DuckDB as a peer — it is not in the package.
 */
import { generatePopulation } from '../synth/population.js';
import { generateClaims } from '../synth/claims.js';
import { pairwiseMetrics, type PairwiseMetrics } from '../eval/pairwise.js';
import { verdictConfusion, type VerdictConfusion } from '../eval/verdict-confusion.js';
import { vietnamesePersonSchema } from '../schema.js';
import { dedupe, type MatchOptions, type MatchStats } from '../pipeline/match.js';
import type { ProgressReporter } from '../io/progress.js';
import { matchProgress } from './match-progress.js';
import { Register } from './register-api.js';

/** Per-step wall times in milliseconds. */
export interface StepTime {
  readonly step: string;
  readonly ms: number;
  /** Items processed by the step (records, claims). */
  readonly items: number;
  readonly unit: string;
}

export interface SyntheticDedupeRun {
  readonly records: number;
  readonly people: number;
  readonly steps: readonly StepTime[];
  readonly metrics: PairwiseMetrics;
  readonly stats: MatchStats;
}

export interface SyntheticAuthRun {
  readonly registerRecords: number;
  readonly claims: number;
  readonly steps: readonly StepTime[];
  readonly confusion: VerdictConfusion;
  readonly bytesPerRecord: number;
  /** Single-claim latency percentiles (µs) over `latencySample` claims, when asked for. */
  readonly latency?: { readonly p50: number; readonly p99: number; readonly sample: number };
}

/** The synthetic population's schema (its column names are the generator's). */
function schema() {
  return vietnamesePersonSchema({ name: 'fullName' });
}

/** Generate `records` rows with duplicates and deduplicate them. */
export async function syntheticDedupe(records: number, seed: number, threads: number | undefined, progress: ProgressReporter): Promise<SyntheticDedupeRun> {
  let t = performance.now();
  const rows = [...generatePopulation({ size: records, seed })];
  const generateMs = performance.now() - t;
  const truth = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) truth[i] = rows[i]!.personId;
  const options: MatchOptions = { schema: schema(), seed, onProgress: matchProgress(progress) };
  if (threads !== undefined) options.threads = threads;
  t = performance.now();
  const result = await dedupe(rows, options);
  const dedupeMs = performance.now() - t;
  progress.end();
  // A rejected row (none expected from the generator) is its own cluster: label −(i+1).
  const predicted = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const c = result.clusters[i];
    predicted[i] = typeof c === 'number' ? c : -(i + 1);
  }
  const metrics = pairwiseMetrics({ truth, predictedClusters: predicted });
  return {
    records: rows.length,
    people: new Set(truth).size,
    steps: [
      { step: 'generate population', ms: generateMs, items: rows.length, unit: 'records' },
      { step: 'dedupe', ms: dedupeMs, items: rows.length, unit: 'records' },
    ],
    metrics,
    stats: result.stats,
  };
}

/** Build a clean register of `records` people, authenticate `claims` claims against it. */
export async function syntheticAuthentication(
  records: number,
  claims: number,
  seed: number,
  threads: number | undefined,
  progress: ProgressReporter,
  latencySample = 0,
): Promise<SyntheticAuthRun> {
  const population = { size: records, seed, duplicateRate: 0 };
  let t = performance.now();
  const registerRows = [...generatePopulation(population)];
  const claimList = [...generateClaims({ register: population, count: claims, seed })];
  const generateMs = performance.now() - t;

  t = performance.now();
  const buildOptions: Parameters<typeof Register.build>[2] = { idField: 'recordId', onProgress: progress };
  if (threads !== undefined) buildOptions.threads = threads;
  const register = await Register.build(schema(), registerRows, buildOptions);
  progress.end();
  const buildMs = performance.now() - t;

  t = performance.now();
  const actual: string[] = [];
  progress({ phase: 'authenticate', done: 0, total: claims, unit: 'claims' });
  for await (const v of register.authenticateMany(claimList)) {
    actual.push(v.status);
    if ((actual.length & 0xffff) === 0) progress({ phase: 'authenticate', done: actual.length, total: claims, unit: 'claims' });
  }
  progress({ phase: 'authenticate', done: actual.length, total: claims, unit: 'claims', final: true });
  progress.end();
  const authMs = performance.now() - t;

  let latency: SyntheticAuthRun['latency'];
  if (latencySample > 0 && claimList.length > 0) {
    const n = Math.min(latencySample, claimList.length);
    const us = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = claimList[i]! as unknown as Record<string, unknown>;
      const t0 = process.hrtime.bigint();
      register.authenticate(c);
      us[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    us.sort();
    latency = { p50: us[Math.floor(0.5 * (n - 1))]!, p99: us[Math.floor(0.99 * (n - 1))]!, sample: n };
  }
  const confusion = verdictConfusion(
    claimList.map((c) => c.expected),
    actual,
  );
  const run: SyntheticAuthRun = {
    registerRecords: registerRows.length,
    claims: claimList.length,
    steps: [
      { step: 'generate register + claims', ms: generateMs, items: registerRows.length + claimList.length, unit: 'rows' },
      { step: 'build register', ms: buildMs, items: registerRows.length, unit: 'records' },
      { step: 'authenticate (batched)', ms: authMs, items: claimList.length, unit: 'claims' },
    ],
    confusion,
    bytesPerRecord: register.stats().bytesPerRecord,
  };
  return latency === undefined ? run : { ...run, latency };
}
