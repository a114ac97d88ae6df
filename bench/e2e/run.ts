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
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytes, fmt, markdownTable, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';
import type { StageResult } from './stage.js';

const args = parseArgs(process.argv.slice(2));
const records = parseCount(args.records, 1_000_000);
const claims = parseCount(args.claims, Math.min(records, 1_000_000));
const threads = Number(args.threads ?? 2);
const dir = typeof args.dir === 'string' ? args.dir : join(tmpdir(), `khop-e2e-${records}`);
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

function runStage(stage: string): StageResult {
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

function main(): void {
  mkdirSync(dir, { recursive: true });
  console.error(`khop e2e: ${fmt(records, 0)} records, ${fmt(claims, 0)} claims, ${threads} threads, files in ${dir}`);
  const results = new Map<string, StageResult>();
  const reuse = args.reuse === true && ['register.csv', ...(needPeople ? ['people.csv'] : []), 'claims.csv'].every((f) => existsSync(join(dir, f)));
  const stages = STAGES.filter((s) => selected.has(s.stage));
  for (const s of stages) {
    console.error(`… ${s.label}`);
    if (s.stage === 'generate' && reuse) {
      results.set(s.stage, { stage: s.stage, status: 'skipped', note: `files reused from ${dir}` });
      continue;
    }
    const r = runStage(s.stage);
    results.set(s.stage, r);
    if (s.stage === 'generate' && r.status !== 'ok') {
      console.error(`generation failed: ${r.note}`);
      process.exitCode = 1;
      return;
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
  if (args.keep !== true) rmSync(dir, { recursive: true, force: true });
}

main();
