/**
 * Dedupe three ways on the same rows: training on held candidates (every pair's columns kept
 * until scoring), training on the streamed candidates (read three times, never held), and with
 * a given model (the stream scored window by window): wall time and peak RSS of each, and
 * whether the clusters are identical.
 *
 *   npx tsx bench/pipeline/score-stream.ts [--records 1M] [--threads 2] [--write]
 *
 * Each run is its own child process (peak RSS — VmHWM — is per process): `held` (the model
 * trained on held candidates, saved to a temp file), `streamed` (trained on the streamed
 * candidates), then `given` (dedupe with the saved model). Rows are the end-to-end harness's people file (bench/e2e: generatePopulation with its
 * default duplicates, seed 2; schema ID, name, date of birth, sex, province, address) generated
 * as a stream, not held in an array, so the peak is the engine's, not the input's. Pairwise F1
 * against the generator's person ids is printed for both, and a hash of the clusters must agree.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dedupe, FellegiSunterModel, generatePopulation, pairwiseMetrics } from '../../src/index.js';
import { runScript } from '../lib/child.js';
import { tempDir } from '../lib/exit-cleanup.js';
import { bytes, fmt, markdownTable, parseArgs, parseCount, peakRssBytes, usageError, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Dedupe on streamed candidates: training on held vs streamed candidates vs a given model.

  npx tsx bench/pipeline/score-stream.ts [--records 1M] [--threads 2] [--write]

  --records N   synthetic records (default 1M)
  --threads N   dedupe threads (default 2)
  --write       write the table to BENCHMARKS.md
  --help        this text
  (--child MODE --model PATH are internal: one run in its own process.)`;

const args = parseArgs(process.argv.slice(2), { records: 'value', threads: 'value', write: 'flag', child: 'value', model: 'value' }, USAGE);
const records = parseCount(args.records, 1_000_000, 'records');
const threads = parseCount(args.threads, 2, 'threads');
if (args.child !== undefined && args.child !== 'held' && args.child !== 'streamed' && args.child !== 'given') usageError(`--child ${args.child}: held, streamed or given`);

/** The end-to-end harness's people schema (bench/e2e/khop-stages.ts). */
const PEOPLE_SCHEMA = {
  id: { kind: 'nationalId' as const, column: 'id' },
  name: { kind: 'personName' as const, column: 'fullName' },
  dob: { kind: 'date' as const, column: 'dob' },
  sex: { kind: 'sex' as const, column: 'sex' },
  province: { kind: 'category' as const, column: 'province' },
  address: { kind: 'text' as const, column: 'address' },
};

interface ChildResult {
  ms: number;
  peak: number;
  f1: number;
  candidatePairs: number;
  keptPairs: number;
  clustersHash: string;
  phases: string;
}

type Mode = 'held' | 'streamed' | 'given';

async function child(mode: Mode, modelPath: string): Promise<ChildResult> {
  const truth: number[] = [];
  async function* rows(): AsyncGenerator<Record<string, unknown>> {
    for (const r of generatePopulation({ size: records, seed: 2 })) {
      truth.push(r.personId);
      yield r as unknown as Record<string, unknown>;
    }
  }
  const model = mode === 'given' ? FellegiSunterModel.fromJSON(JSON.parse(readFileSync(modelPath, 'utf8'))) : undefined;
  const t0 = performance.now();
  const r = await dedupe(rows(), { schema: PEOPLE_SCHEMA, idField: 'recordId', threads, ...(model !== undefined ? { model } : {}) }, mode === 'given' ? {} : { trainInWindows: mode === 'streamed' });
  const ms = performance.now() - t0;
  if (mode === 'held') writeFileSync(modelPath, JSON.stringify(r.model.toJSON()));
  const ids = r.clusters.map((c) => String(c));
  const number = new Map<string, number>();
  const predicted = ids.map((c) => number.get(c) ?? (number.set(c, number.size), number.size - 1));
  const f1 = pairwiseMetrics({ truth, predictedClusters: predicted }).f1;
  const hash = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
  const phases = r.stats.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(', ');
  return { ms, peak: peakRssBytes(), f1, candidatePairs: r.stats.candidatePairs, keptPairs: r.pairs.count, clustersHash: hash, phases };
}

async function main(): Promise<void> {
  if (args.child === 'held' || args.child === 'streamed' || args.child === 'given') {
    process.stdout.write(JSON.stringify(await child(args.child, String(args.model))) + '\n');
    return;
  }
  // The model file's directory: removed at the end, and on Ctrl-C / SIGTERM (bench/lib/exit-cleanup.ts).
  const dir = tempDir('khop-stream-');
  const modelPath = join(dir.path, 'model.json');
  const self = fileURLToPath(import.meta.url);
  // Each run a child with this process's loader (process.execArgv, from any working directory),
  // spawned asynchronously so that a signal reaches it and the clean-up.
  const run = async (mode: string): Promise<ChildResult> => {
    const p = await runScript(self, ['--child', mode, '--model', modelPath, '--records', String(records), '--threads', String(threads)], { stderr: 'inherit' });
    if (p.status !== 0) throw new Error(`${mode} run failed (${p.signal ?? `exit ${p.status}`})`);
    return JSON.parse(p.stdout.trim().split('\n').at(-1)!) as ChildResult;
  };
  try {
    const line = (label: string, x: ChildResult): void =>
      console.error(`${label}: ${(x.ms / 1000).toFixed(1)} s, peak RSS ${bytes(x.peak)}, ${fmt(x.candidatePairs)} candidate pairs, ${fmt(x.keptPairs)} kept, F1 ${x.f1.toFixed(4)}, clusters ${x.clustersHash}`);
    const train = await run('held');
    line('trained on held candidates', train);
    const streamed = await run('streamed');
    line('trained on streamed candidates', streamed);
    const given = await run('given');
    line('given model', given);
    const row = (name: string, x: ChildResult): string[] => [name, `${(x.ms / 1000).toFixed(1)} s`, bytes(x.peak), fmt(x.candidatePairs), fmt(x.keptPairs), x.f1.toFixed(4), x.phases];
    const table = markdownTable(
      ['dedupe, ' + fmt(records) + ' synthetic rows, threads ' + threads, 'wall time', 'peak RSS', 'candidate pairs', 'pairs kept', 'pairwise F1', 'phases'],
      [row('trained on held candidates', train), row('trained on streamed candidates (read 3 times)', streamed), row('given model (scored window by window)', given)],
    );
    const same = train.clustersHash === given.clustersHash && train.clustersHash === streamed.clustersHash;
    const text = `${table}\n\nSame clusters in all three: ${same ? 'yes' : 'NO'} (sha256 of the cluster ids). Against training on held candidates — streamed training: peak RSS ${(streamed.peak / train.peak).toFixed(2)}×, time ${(streamed.ms / train.ms).toFixed(2)}×; given model: peak ${(given.peak / train.peak).toFixed(2)}×, time ${(given.ms / train.ms).toFixed(2)}×. Rows streamed from the generator (not held); each run a separate process.`;
    console.log(text);
    if (!same) process.exitCode = 1;
    if (args.write === true) {
      writeBenchmarkSection(`score-stream-${records}`, `Dedupe on streamed candidates: ${fmt(records)} records`, `npx tsx bench/pipeline/score-stream.ts --records ${records} --threads ${threads} --write`, text);
    }
  } finally {
    dir.remove();
  }
}

void main();
