/**
 * End-to-end harness: generate → write files → run every stage khop has, and the DuckDB peer
 * and the naive JS baseline on the same files, each stage in its own child process (so peak
 * RSS is per stage) → print a table with wall time, peak RSS, bytes per record, throughput,
 * quality, and the khop / DuckDB and khop / JS Map time ratios → with --write, its BENCHMARKS.md section (a
 * --stages subset writes its own section, e2e-<records>-<stage+stage…>; a run whose peer is
 * missing is printed, never written).
 *
 *   npm run bench:e2e -- --records 1M [--claims N] [--threads 2] [--dir path] [--keep] [--reuse] [--write]
 *                        [--stages generate,duckdb-auth,khop-authenticate]
 *
 * --stages: run only these stages (names as in STAGES below; 'generate' is added when files are
 * needed and not reused). Without a dedupe stage the people file is not generated. For 100M:
 * the dedupe stages and the separate register build do not fit this 24 GiB machine / take an
 * hour more, so `--stages generate,duckdb-auth,khop-authenticate` measures authentication alone.
 *
 * --reuse: with --dir, skip generation: the register, people and claims files must be there
 * (from an earlier --keep run or `stage.ts generate` with the same --records / --claims:
 * generation is seeded, so the files are the same); the table says the files were reused. Files
 * missing, or sizes that differ (khop-e2e.json beside the files, else their row counts), or an
 * unreadable manifest exit 2.
 *
 * Sizes: 1M by default; 10M and 100M are opt-in. Stages khop does not have yet are shown as
 * "not yet implemented", never with invented figures.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript } from '../lib/child.js';
import { onExit } from '../lib/exit-cleanup.js';
import { bytes, fmt, markdownTable, parseArgs, parseCount, parseNameList, usageError, writeBenchmarkSection } from '../lib/report.js';
import type { StageResult } from './stage.js';
import { cleanUp, foreignFiles, MANIFEST, reuseMismatch, workDir, type Manifest } from './work-dir.js';

/** A stage's result as the harness sees it: 'failed' when a stage asked for did not finish. */
type RunResult = Omit<StageResult, 'status'> & { status: StageResult['status'] | 'failed'; missingPeer?: boolean };

const USAGE = `End to end: generate files, then each stage of khop, DuckDB and a JS Map baseline on them,
each in its own process; a table of wall time, peak RSS, throughput, quality and khop / DuckDB and khop / JS Map time ratios.

  npm run bench:e2e -- [--records 1M] [--claims N] [--threads 2] [--stages LIST] [--dir PATH] [--keep] [--reuse] [--write]

  --records N     register (and people) records (default 1M; 10M and 100M are opt-in)
  --claims N      claims to authenticate (default min(records, 1M))
  --threads N     threads for khop and DuckDB (default 2)
  --stages LIST   run only these stages (comma-separated): ${'${STAGE_NAMES}'}
                  ('generate' is added when files are needed and not reused); a subset is written
                  to its own section, e2e-<records>-<stage+stage…>
  --dir PATH      where the files go (default a fresh temporary directory per run); a directory that
                  existed is never removed, only the files this run generated
  --keep          keep the generated files
  --reuse         with --dir: use the files of an earlier --keep run there (their sizes are checked)
  --write         write the table to BENCHMARKS.md (section "e2e-<records>", or for a --stages
                  subset "e2e-<records>-<stage+stage…>"; not when a peer is missing)
  --no-write      accepted for compatibility: nothing is written without --write
  --help          this text`;

/** Stage names, for the usage text. */
const STAGE_NAMES = 'generate, duckdb-auth, js-map-auth, khop-register-build, khop-authenticate, duckdb-dedupe, khop-dedupe';
const args = parseArgs(
  process.argv.slice(2),
  { records: 'value', claims: 'value', threads: 'value', stages: 'value', dir: 'value', keep: 'flag', reuse: 'flag', write: 'flag', 'no-write': 'flag' },
  USAGE.replace('${STAGE_NAMES}', STAGE_NAMES),
);
const records = parseCount(args.records, 1_000_000, 'records');
const claims = parseCount(args.claims, Math.min(records, 1_000_000), 'claims');
const threads = parseCount(args.threads, 2, 'threads');
const here = fileURLToPath(new URL('.', import.meta.url));
const stageScript = join(here, 'stage.ts');

/**
 * Stages in run order; `peer` names the stage a khop stage is compared with, `baseline` the
 * naive JavaScript one (its own column).
 */
const STAGES: ReadonlyArray<{ stage: string; label: string; peer?: string; baseline?: string }> = [
  { stage: 'generate', label: 'generate + write CSV (register, people, claims)' },
  { stage: 'duckdb-auth', label: 'DuckDB: authenticate claims (read both CSV files + join)' },
  { stage: 'js-map-auth', label: 'JS Map baseline: authenticate claims (read register CSV + build Map + read claims CSV + lookups)' },
  { stage: 'khop-register-build', label: 'khop: build register' },
  { stage: 'khop-authenticate', label: 'khop: authenticate claims (read register CSV + build + read claims CSV + authenticateAll)', peer: 'duckdb-auth', baseline: 'js-map-auth' },
  { stage: 'duckdb-dedupe', label: 'DuckDB: dedupe (blocked self-join + JW + union-find)' },
  { stage: 'khop-dedupe', label: 'khop: dedupe', peer: 'duckdb-dedupe' },
];

/** The stages asked for (all by default). */
const selected: ReadonlySet<string> = (() => {
  const names = parseNameList(args.stages, 'stages', STAGES.map((s) => s.stage));
  return names === undefined ? new Set(STAGES.map((s) => s.stage)) : new Set(['generate', ...names]);
})();
/**
 * The stages asked for, when a subset (null: all). A subset writes its OWN section,
 * e2e-<records>-<stage+stage…>, never the full table's e2e-<records> (it would replace it with
 * fewer rows): the 100M run measures authentication alone and is reproduced by its command.
 */
const subset: readonly string[] | null = selected.size < STAGES.length ? STAGES.map((s) => s.stage).filter((s) => s !== 'generate' && selected.has(s)) : null;
// `--stages generate` alone makes files to --keep; it measures nothing to record.
if (subset !== null && subset.length === 0 && args.write === true) usageError('--write refused: --stages generate alone measures nothing');
const sectionName = subset === null ? `e2e-${records}` : `e2e-${records}-${subset.join('+')}`;
/** People (the dedupe input) are generated only for a dedupe stage. */
const needPeople = [...selected].some((s) => s.includes('dedupe'));

/**
 * One stage in its own child process, spawned asynchronously (bench/lib/child.ts): Ctrl-C or
 * SIGTERM reaches the stage and this process's handler, which removes what the run generated.
 */
async function runStage(dir: string, stage: string): Promise<RunResult> {
  const extra = stage === 'generate' && !needPeople ? ['--no-people'] : [];
  const r = await runScript(stageScript, [stage, dir, '--records', String(records), '--claims', String(claims), '--threads', String(threads), ...extra], {
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=16384`.trim() },
  });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) return { stage, status: 'failed', note: `no result (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  const parsed = JSON.parse(line) as Omit<StageResult, 'status'> & { status: StageResult['status'] | 'error' };
  if (parsed.status === 'error') {
    // An optional peer that is not installed stays a skip, said in a few words (no paths).
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(parsed.note ?? '');
    if (missing) return { stage, status: 'skipped', note: `${missing[1]} is not installed`, missingPeer: true };
    return { stage, status: 'failed', note: `error: ${(parsed.note ?? '').split('\n')[0]}` };
  }
  return parsed as StageResult;
}

/** A stage's extra figure with its unit: bytes as KiB/MiB, milliseconds and rates labelled. */
function detailValue(key: string, v: number | string): string {
  if (typeof v !== 'number') return v;
  if (/bytes$/i.test(key)) return bytes(v);
  if (/^bytesPer/i.test(key)) return `${bytes(v)} / ${key.slice('bytesPer'.length).toLowerCase()}`;
  if (/ms$/i.test(key)) return `${fmt(v, 0)} ms`;
  if (/persecond$/i.test(key)) return `${fmt(v)}/s`;
  return fmt(v, 0);
}

async function main(): Promise<void> {
  if (typeof args.dir === 'string' && args.dir.trim() === '') usageError('--dir needs a path');
  if (args.reuse === true && typeof args.dir !== 'string') usageError('--reuse needs --dir (the directory of an earlier --keep run)');
  const want: Manifest = { records, claims, people: needPeople };
  const needed = ['register.csv', ...(needPeople ? ['people.csv'] : []), 'claims.csv'];
  const dirGiven = typeof args.dir === 'string' && existsSync(args.dir);
  // --reuse asks for files an earlier run left: when they are not there, say so (regenerating
  // instead would spend the time --reuse was given to save, without a word).
  if (args.reuse === true) {
    const missing = dirGiven ? needed.filter((f) => !existsSync(join(args.dir as string, f))) : needed;
    if (missing.length > 0) usageError(`--reuse: ${args.dir} holds no ${missing.join(', ')} (keep the files of a run with --keep, or drop --reuse)`);
  }
  const reuse = args.reuse === true;
  if (reuse) {
    const why = reuseMismatch(args.dir as string, want);
    if (why !== null) usageError(`--reuse: ${why}`);
  } else if (dirGiven) {
    const theirs = foreignFiles(args.dir as string);
    if (theirs.length > 0) usageError(`--dir ${args.dir} already holds ${theirs.join(', ')}, not written by this harness; give another --dir`);
  }
  const { dir, created } = workDir(typeof args.dir === 'string' ? args.dir : undefined, records);
  const state = { generated: false };
  // Removed at the end, and also on Ctrl-C / SIGTERM or a crash (bench/lib/exit-cleanup.ts).
  const release = onExit(() => {
    if (args.keep !== true) cleanUp(dir, created, state.generated);
  });
  try {
    await runAll(dir, reuse, want, state);
  } finally {
    release();
  }
}

/** Run the selected stages and print (and write) the table; `state.generated` once this run writes the files. */
async function runAll(dir: string, reuse: boolean, want: Manifest, state: { generated: boolean }): Promise<void> {
  console.error(`khop e2e: ${fmt(records, 0)} records, ${fmt(claims, 0)} claims, ${threads} threads, files in ${dir}`);
  const results = new Map<string, RunResult>();
  const stages = STAGES.filter((s) => selected.has(s.stage));
  for (const s of stages) {
    console.error(`… ${s.label}`);
    if (s.stage === 'generate' && reuse) {
      results.set(s.stage, { stage: s.stage, status: 'skipped', note: 'files reused (--reuse)' });
      continue;
    }
    if (s.stage === 'generate') {
      state.generated = true;
      // The manifest vouches for the files: gone before they are rewritten, written back only
      // once the generation succeeded — an interrupted or failed one leaves files --reuse refuses.
      rmSync(join(dir, MANIFEST), { force: true });
    }
    const r = await runStage(dir, s.stage);
    results.set(s.stage, r);
    if (s.stage === 'generate') {
      if (r.status !== 'ok') {
        console.error(`generation failed: ${r.note}`);
        process.exitCode = 1;
        return;
      }
      writeFileSync(join(dir, MANIFEST), JSON.stringify(want) + '\n');
    }
  }
  const rows = stages.map((s) => {
    const r = results.get(s.stage)!;
    if (r.status !== 'ok') {
      const what = r.status === 'not-implemented' ? 'not yet implemented' : r.status === 'failed' ? `FAILED: ${r.note ?? ''}` : `skipped: ${r.note ?? ''}`;
      return [s.label, what, '', '', '', '', '', ''];
    }
    const ratioTo = (other: string | undefined): string => {
      const o = other ? results.get(other) : undefined;
      return o?.status === 'ok' && o.timeMs && r.timeMs ? `${(r.timeMs / o.timeMs).toFixed(2)}×` : '';
    };
    const quality = r.quality
      ? Object.entries(r.quality)
          // A figure with nothing to measure (precision with no pair found: 0 / 0) came through
          // JSON as null: said so, not a TypeError that loses the whole table.
          .map(([k, v]) => `${k} ${typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : 'n/a'}`)
          .join(', ')
      : '';
    const rate = r.items && r.timeMs ? `${fmt((r.items / r.timeMs) * 1000)} ${r.unit ?? 'items'}/s` : '';
    return [
      s.label,
      `${((r.timeMs ?? 0) / 1000).toFixed(2)} s`,
      bytes(r.peakRss ?? Number.NaN),
      r.peakRss ? bytes(r.peakRss / records) : '',
      rate,
      quality,
      ratioTo(s.peer),
      ratioTo(s.baseline),
    ];
  });
  const table = markdownTable(['stage', 'wall time', 'peak RSS', 'RSS / record', 'throughput', 'quality', 'khop / DuckDB time', 'khop / JS Map time'], rows);
  // Each stage's own split (build vs authentication time, candidate pairs…), under the table.
  const details = stages.flatMap((s) => {
    const e = results.get(s.stage)?.extra;
    return e === undefined ? [] : [`- ${s.label}: ${Object.entries(e).map(([k, v]) => `${k} ${detailValue(k, v)}`).join(', ')}`];
  }).join('\n');
  console.log(table);
  if (details !== '') console.log(details);
  const failed = stages.filter((s) => results.get(s.stage)!.status === 'failed');
  const missing = stages.filter((s) => results.get(s.stage)!.missingPeer === true);
  if (failed.length > 0) {
    console.error(`failed: ${failed.map((s) => s.stage).join(', ')}${args.write === true ? ' (nothing written)' : ''}`);
    process.exitCode = 1;
    return;
  }
  if (args.write === true) {
    if (missing.length > 0) {
      // A table with a peer skipped must not replace a full one.
      console.error(`--write refused: ${missing.map((s) => `${s.stage} (${results.get(s.stage)!.note})`).join(', ')} skipped; install the peer to record this table`);
      process.exitCode = 2;
      return;
    }
    writeBenchmarkSection(
      sectionName,
      `End to end, ${fmt(records, 0)} records, ${fmt(claims, 0)} claims, ${threads} threads${subset === null ? '' : ` (${subset.join(', ')})`}`,
      `npm run bench:e2e -- --records ${records} --claims ${claims} --threads ${threads}${subset === null ? '' : ` --stages ${subset.join(',')}`} --write`,
      details === '' ? table : `${table}\n\n${details}`,
    );
  }
}

await main();
