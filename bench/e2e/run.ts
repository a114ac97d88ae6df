/**
 * End-to-end harness: generate → write files → run every stage khop has, and the DuckDB peer
 * and the naive JS baseline on the same files, each stage in its own child process (so peak
 * RSS is per stage) → print a table with wall time, peak RSS, bytes per record, throughput,
 * quality, and the khop / DuckDB time ratio → write the BENCHMARKS.md section.
 *
 *   npm run bench:e2e -- --records 1M [--claims N] [--threads 2] [--dir path] [--keep] [--reuse] [--no-write]
 *                        [--stages generate,duckdb-auth,khop-authenticate]
 *
 * --stages: run only these stages (names as in STAGES below; 'generate' is added when files are
 * needed and not reused). Without a dedupe stage the people file is not generated. For 100M:
 * the dedupe stages and the separate register build do not fit this 24 GiB machine / take an
 * hour more, so `--stages generate,duckdb-auth,khop-authenticate` measures authentication alone.
 *
 * --reuse: with --dir, skip generation when the register, people and claims files are already
 * there (from an earlier --keep run or `stage.ts generate` with the same --records / --claims:
 * generation is seeded, so the files are the same); the table says the files were reused.
 *
 * Sizes: 1M by default; 10M and 100M are opt-in. Stages khop does not have yet are shown as
 * "not yet implemented", never with invented figures.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytes, fmt, markdownTable, parseArgs, parseCount, usageError, writeBenchmarkSection } from '../lib/report.js';
import type { StageResult } from './stage.js';

const args = parseArgs(process.argv.slice(2));
const records = parseCount(args.records, 1_000_000);
const claims = parseCount(args.claims, Math.min(records, 1_000_000));
const threads = Number(args.threads ?? 2);
/** The files the generate stage writes into the directory (and the only ones a run removes). */
const MANIFEST = 'khop-e2e.json';
const GENERATED_FILES = ['register.csv', 'people.csv', 'claims.csv', MANIFEST] as const;

/** What the generate stage was asked for, written beside the files so --reuse can check them. */
interface Manifest {
  records: number;
  claims: number;
  people: boolean;
}
const here = fileURLToPath(new URL('.', import.meta.url));
const stageScript = join(here, 'stage.ts');
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Stages in run order; `peer` names the stage a khop stage is compared with. */
const STAGES: ReadonlyArray<{ stage: string; label: string; peer?: string }> = [
  { stage: 'generate', label: 'generate + write CSV (register, people, claims)' },
  { stage: 'duckdb-auth', label: 'DuckDB: authenticate claims (load register + join)' },
  { stage: 'js-map-auth', label: 'JS Map baseline: authenticate claims' },
  { stage: 'khop-register-build', label: 'khop: build register' },
  { stage: 'khop-authenticate', label: 'khop: authenticate claims (build + authenticateMany)', peer: 'duckdb-auth' },
  { stage: 'duckdb-dedupe', label: 'DuckDB: dedupe (blocked self-join + JW + union-find)' },
  { stage: 'khop-dedupe', label: 'khop: dedupe', peer: 'duckdb-dedupe' },
];

/** The stages asked for (all by default). */
const selected: ReadonlySet<string> = (() => {
  if (typeof args.stages !== 'string') return new Set(STAGES.map((s) => s.stage));
  const names = args.stages.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const unknown = names.filter((n) => !STAGES.some((s) => s.stage === n));
  if (unknown.length > 0) throw new Error(`--stages: unknown stage(s) ${unknown.join(', ')}; known: ${STAGES.map((s) => s.stage).join(', ')}`);
  return new Set(['generate', ...names]);
})();
/** People (the dedupe input) are generated only for a dedupe stage. */
const needPeople = [...selected].some((s) => s.includes('dedupe'));

function runStage(dir: string, stage: string): StageResult {
  const extra = stage === 'generate' && !needPeople ? ['--no-people'] : [];
  const r = spawnSync(tsx, [stageScript, stage, dir, '--records', String(records), '--claims', String(claims), '--threads', String(threads), ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=16384`.trim() },
  });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) return { stage, status: 'skipped', note: `no result (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  const parsed = JSON.parse(line) as StageResult & { status: string };
  if ((parsed.status as string) === 'error') return { stage, status: 'skipped', note: `error: ${parsed.note}` };
  return parsed;
}

/**
 * The working directory: --dir as given (created when absent), or a fresh one per run under the
 * temporary directory, so concurrent runs never share files. `created` says whether this run made it.
 */
function workDir(): { dir: string; created: boolean } {
  if (typeof args.dir === 'string') {
    if (existsSync(args.dir)) return { dir: args.dir, created: false };
    mkdirSync(args.dir, { recursive: true });
    return { dir: args.dir, created: true };
  }
  return { dir: mkdtempSync(join(tmpdir(), `khop-e2e-${records}-`)), created: true };
}

/**
 * Remove what this run generated: the files the generate stage wrote (never reused ones, never
 * anything else), and the directory only when this run created it and it is then empty.
 */
function cleanUp(dir: string, created: boolean, generated: boolean): void {
  if (generated) for (const f of GENERATED_FILES) rmSync(join(dir, f), { force: true });
  if (created) {
    try {
      rmdirSync(dir);
    } catch {
      console.error(`left ${dir} in place: it holds files this run did not write`);
    }
  }
}

/** Data rows of a CSV file with a header line (newlines counted in 1 MiB chunks). */
function csvRows(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let last = 10;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
      last = buf[n - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return Math.max(0, lines + (last === 10 ? 0 : 1) - 1);
}

/**
 * Why the files in `dir` cannot be reused for this run, or null when they can: the manifest an
 * earlier run wrote must name the same sizes; without one (files from an older harness), the
 * register and claims row counts must match.
 */
function reuseMismatch(dir: string, want: Manifest): string | null {
  const path = join(dir, MANIFEST);
  if (existsSync(path)) {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    if (m.records !== want.records || m.claims !== want.claims) return `the files in ${dir} hold ${m.records} records and ${m.claims} claims, not ${want.records} and ${want.claims}`;
    if (want.people && m.people !== true) return `the files in ${dir} have no people file (generated without a dedupe stage)`;
    return null;
  }
  const reg = csvRows(join(dir, 'register.csv'));
  const cl = csvRows(join(dir, 'claims.csv'));
  if (reg !== want.records || cl !== want.claims) return `the files in ${dir} hold ${reg} register rows and ${cl} claims, not ${want.records} and ${want.claims}`;
  return null;
}

function main(): void {
  if (args.reuse === true && typeof args.dir !== 'string') usageError('--reuse needs --dir (the directory of an earlier --keep run)');
  const want: Manifest = { records, claims, people: needPeople };
  const needed = ['register.csv', ...(needPeople ? ['people.csv'] : []), 'claims.csv'];
  const dirGiven = typeof args.dir === 'string' && existsSync(args.dir);
  const reuse = args.reuse === true && dirGiven && needed.every((f) => existsSync(join(args.dir as string, f)));
  if (reuse) {
    const why = reuseMismatch(args.dir as string, want);
    if (why !== null) usageError(`--reuse: ${why}`);
  } else if (dirGiven && !existsSync(join(args.dir as string, MANIFEST))) {
    // Generation would overwrite files this harness did not write.
    const theirs = GENERATED_FILES.filter((f) => existsSync(join(args.dir as string, f)));
    if (theirs.length > 0) usageError(`--dir ${args.dir} already holds ${theirs.join(', ')}, not written by this harness; give another --dir`);
  }
  const { dir, created } = workDir();
  let generated = false;
  try {
    generated = runAll(dir, reuse, want);
  } finally {
    if (args.keep !== true) cleanUp(dir, created, generated);
  }
}

/** Run the selected stages and print (and write) the table; true when the files were generated here. */
function runAll(dir: string, reuse: boolean, want: Manifest): boolean {
  console.error(`khop e2e: ${fmt(records, 0)} records, ${fmt(claims, 0)} claims, ${threads} threads, files in ${dir}`);
  const results = new Map<string, StageResult>();
  let generated = false;
  const stages = STAGES.filter((s) => selected.has(s.stage));
  for (const s of stages) {
    console.error(`… ${s.label}`);
    if (s.stage === 'generate' && reuse) {
      results.set(s.stage, { stage: s.stage, status: 'skipped', note: `files reused from ${dir}` });
      continue;
    }
    if (s.stage === 'generate') generated = true;
    const r = runStage(dir, s.stage);
    results.set(s.stage, r);
    if (s.stage === 'generate') {
      if (r.status !== 'ok') {
        console.error(`generation failed: ${r.note}`);
        process.exitCode = 1;
        return generated;
      }
      writeFileSync(join(dir, MANIFEST), JSON.stringify(want) + '\n');
    }
  }
  const rows = stages.map((s) => {
    const r = results.get(s.stage)!;
    if (r.status !== 'ok') return [s.label, r.status === 'not-implemented' ? 'not yet implemented' : `skipped: ${r.note ?? ''}`, '', '', '', '', ''];
    const peer = s.peer ? results.get(s.peer) : undefined;
    const ratio = peer?.status === 'ok' && peer.timeMs && r.timeMs ? `${(r.timeMs / peer.timeMs).toFixed(2)}×` : '';
    const quality = r.quality
      ? Object.entries(r.quality)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(', ')
      : '';
    const rate = r.items && r.timeMs ? `${fmt((r.items / r.timeMs) * 1000)} ${r.unit ?? 'items'}/s` : '';
    return [
      s.label,
      `${((r.timeMs ?? 0) / 1000).toFixed(2)} s`,
      bytes(r.peakRss ?? Number.NaN),
      r.peakRss ? `${fmt(r.peakRss / records, 0)} B` : '',
      rate,
      quality,
      ratio,
    ];
  });
  const table = markdownTable(['stage', 'wall time', 'peak RSS', 'RSS / record', 'throughput', 'quality', 'khop / DuckDB time'], rows);
  // Each stage's own split (build vs authentication time, candidate pairs…), under the table.
  const details = stages.flatMap((s) => {
    const e = results.get(s.stage)?.extra;
    return e === undefined ? [] : [`- ${s.label}: ${Object.entries(e).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v, 0) : v}`).join(', ')}`];
  }).join('\n');
  console.log(table);
  if (details !== '') console.log(details);
  if (args['no-write'] !== true) {
    writeBenchmarkSection(
      `e2e-${records}`,
      `End to end, ${fmt(records, 0)} records, ${fmt(claims, 0)} claims, ${threads} threads`,
      `npm run bench:e2e -- --records ${records} --claims ${claims} --threads ${threads}${typeof args.stages === 'string' ? ` --stages ${args.stages}` : ''}`,
      details === '' ? table : `${table}\n\n${details}`,
    );
  }
  return generated;
}

main();
