/**
 * One stage of the end-to-end harness, run in its own child process so that its peak RSS
 * (VmHWM, from the OS) is its own. Prints one JSON line `{"stage":…, …}` on stdout.
 *
 *   tsx bench/e2e/stage.ts <stage> <dir> [--records N] [--claims N] [--seed S] [--threads T]
 */

import { join } from 'node:path';
import { parseArgsWithPositionals, parseCount, peakRssBytes } from '../lib/report.js';

const USAGE = `One stage of the end-to-end harness (bench/e2e/run.ts runs it in a child process).

  npx tsx bench/e2e/stage.ts <stage> <dir> [--records 1M] [--claims N] [--seed 42] [--threads 2] [--no-people]

  <stage>        generate, duckdb-auth, js-map-auth, duckdb-dedupe or a khop stage
  <dir>          the directory of register.csv, people.csv, claims.csv
  --records N    register (and people) records (default 1M)
  --claims N     claims (default min(records, 1M))
  --seed N       generation seed (default 42)
  --threads N    threads (default 2)
  --no-people    generate: no people file (no dedupe stage will run)
  --help         this text`;

const cli = parseArgsWithPositionals(process.argv.slice(2), { records: 'value', claims: 'value', seed: 'value', threads: 'value', 'no-people': 'flag' }, USAGE, 2);
const [stage, dir] = cli.positionals;
const args = cli.args;
const records = parseCount(args.records, 1_000_000, 'records');
const claimsCount = parseCount(args.claims, Math.min(records, 1_000_000), 'claims');
const seed = parseCount(args.seed, 42, 'seed', 0);
const threads = parseCount(args.threads, 2, 'threads');

export interface StageResult {
  stage: string;
  status: 'ok' | 'not-implemented' | 'skipped';
  note?: string;
  timeMs?: number;
  peakRss?: number;
  items?: number;
  unit?: string;
  /** Stage-specific quality figures. */
  quality?: Record<string, number>;
  extra?: Record<string, number | string>;
}

function emit(r: StageResult): void {
  r.peakRss = peakRssBytes();
  process.stdout.write(JSON.stringify(r) + '\n');
}

async function main(): Promise<void> {
  if (!stage || !dir) throw new Error('usage: stage.ts <stage> <dir>');
  const registerCsv = join(dir, 'register.csv');
  const peopleCsv = join(dir, 'people.csv');
  const claimsCsv = join(dir, 'claims.csv');
  switch (stage) {
    case 'generate': {
      const khop = await import('../../src/index.js');
      const t0 = performance.now();
      const reg = await khop.writeCsv(khop.generatePopulation({ size: records, seed, duplicateRate: 0, namesakeRate: 0.002 }), registerCsv);
      // --no-people: no dedupe stage will run (run.ts --stages).
      const ppl = args['no-people'] === true ? { rows: 0, bytes: 0 } : await khop.writeCsv(khop.generatePopulation({ size: records, seed: seed + 1 }), peopleCsv);
      const cl = await khop.writeCsv(
        khop.generateClaims({ register: { size: records, seed, duplicateRate: 0, namesakeRate: 0.002 }, count: claimsCount, seed: seed + 2 }),
        claimsCsv,
      );
      emit({
        stage,
        status: 'ok',
        timeMs: performance.now() - t0,
        items: reg.rows + ppl.rows + cl.rows,
        unit: 'rows',
        extra: { registerBytes: reg.bytes, peopleBytes: ppl.bytes, claimsBytes: cl.bytes },
      });
      return;
    }
    case 'duckdb-auth': {
      const { openDuck, duckdbAuthenticate } = await import('./duckdb-peer.js');
      const duck = await openDuck(threads);
      const r = await duckdbAuthenticate(duck.conn, registerCsv, claimsCsv);
      duck.close();
      const expected = await readExpected(claimsCsv);
      emit({ stage, status: 'ok', timeMs: r.timeMs, items: r.statuses.length, unit: 'claims', quality: { accuracy: accuracy(expected, r.statuses) } });
      return;
    }
    case 'duckdb-dedupe': {
      const { openDuck, duckdbDedupe } = await import('./duckdb-peer.js');
      const khop = await import('../../src/index.js');
      const duck = await openDuck(threads);
      const r = await duckdbDedupe(duck.conn, peopleCsv);
      duck.close();
      const m = khop.pairwiseMetrics({ predictedClusters: r.clusters, truth: r.truth });
      emit({ stage, status: 'ok', timeMs: r.timeMs, items: r.rows, unit: 'records', quality: { precision: m.precision, recall: m.recall, f1: m.f1 }, extra: { pairs: r.pairs } });
      return;
    }
    case 'js-map-auth': {
      // The naive JavaScript baseline: a Map keyed by the ID string (a Map holds at most 2^24 =
      // 16.7M entries, so this baseline cannot hold a 100M register).
      if (records > 16_000_000) {
        emit({ stage, status: 'skipped', note: 'a JS Map holds at most 2^24 entries' });
        return;
      }
      const khop = await import('../../src/index.js');
      const t0 = performance.now();
      const map = new Map<string, { name: string; dob: string; sex: string }>();
      for await (const r of readCsvObjects(registerCsv)) map.set(r.id!, { name: khop.foldToAscii(r.fullName!), dob: r.dob!, sex: r.sex! });
      const buildMs = performance.now() - t0;
      const t1 = performance.now();
      const statuses: string[] = [];
      for await (const c of readCsvObjects(claimsCsv)) {
        const id = (c.id ?? '').replace(/[\s.-]/g, '');
        const rec = map.get(id.length === 11 ? '0' + id : id);
        if (!/^\d{12}$|^\d{9}$/.test(id.length === 11 ? '0' + id : id)) statuses.push('INVALID_ID');
        else if (!rec) statuses.push('NOT_FOUND');
        else statuses.push(rec.name === khop.foldToAscii(c.fullName ?? '') && rec.dob === c.dob && rec.sex === c.sex ? 'VERIFIED' : 'MISMATCH');
      }
      const done = performance.now();
      const expected = await readExpected(claimsCsv);
      // The compared figure is the whole job, as khop's and DuckDB's are: read the register and
      // build the Map, then read the claims and look them up; the two parts are shown apart.
      emit({
        stage,
        status: 'ok',
        timeMs: done - t0,
        items: statuses.length,
        unit: 'claims',
        quality: { accuracy: accuracy(expected, statuses) },
        extra: { buildMs: Math.round(buildMs), lookupMs: Math.round(done - t1) },
      });
      return;
    }
    default: {
      const { runKhopStage } = await import('./khop-stages.js');
      const r = await runKhopStage(stage, { dir, registerCsv, peopleCsv, claimsCsv, records, threads, seed });
      emit(r);
    }
  }
}

export async function readExpected(claimsCsv: string): Promise<string[]> {
  const out: string[] = [];
  for await (const c of readCsvObjects(claimsCsv)) out.push(c.expected ?? '');
  return out;
}

export function accuracy(expected: readonly string[], actual: readonly string[]): number {
  if (expected.length !== actual.length) return Number.NaN;
  let ok = 0;
  for (let i = 0; i < expected.length; i++) if (expected[i] === actual[i]) ok++;
  return ok / expected.length;
}

/** Rows of a harness CSV as objects (through khop's own streaming reader). */
export async function* readCsvObjects(path: string): AsyncGenerator<Record<string, string | undefined>> {
  const khop = await import('../../src/index.js');
  for await (const item of await khop.openRecords(path)) {
    if (item.kind === 'row') yield item.values as Record<string, string | undefined>;
  }
}

main().catch((e: unknown) => {
  process.stdout.write(JSON.stringify({ stage, status: 'error', note: e instanceof Error ? e.message : String(e) }) + '\n');
  process.exitCode = 1;
});

