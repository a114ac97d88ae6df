/**
 * khop's own stages of the end-to-end harness, reading the same files as the DuckDB peer
 * through khop's streaming reader. A stage whose API does not exist yet reports
 * `not-implemented` — the table says so instead of inventing figures.
 */
import { dedupe, openRecords, pairwiseMetrics, Register } from '../../src/index.js';
import type { StageResult } from './stage.js';
import { clusterLabels } from '../lib/labels.js';

export interface StageContext {
  dir: string;
  registerCsv: string;
  peopleCsv: string;
  claimsCsv: string;
  records: number;
  threads: number;
  seed: number;
}

export const REGISTER_SCHEMA = {
  id: { kind: 'nationalId' as const, column: 'id' },
  name: { kind: 'personName' as const, column: 'fullName' },
  dob: { kind: 'date' as const, column: 'dob' },
  sex: { kind: 'sex' as const, column: 'sex' },
};

const PEOPLE_SCHEMA = {
  ...REGISTER_SCHEMA,
  province: { kind: 'category' as const, column: 'province' },
  address: { kind: 'text' as const, column: 'address' },
};

async function* rowsOf(path: string): AsyncGenerator<Record<string, unknown>> {
  for await (const item of await openRecords(path)) if (item.kind === 'row') yield item.values as Record<string, unknown>;
}

export async function runKhopStage(stage: string, ctx: StageContext): Promise<StageResult> {
  switch (stage) {
    case 'khop-register-build': {
      // The reader's source itself: with threads > 1 the CSV file is cut into pieces parsed
      // where they are ingested (src/register/csv-ingest.ts).
      const t0 = performance.now();
      const register = await Register.build(REGISTER_SCHEMA, await openRecords(ctx.registerCsv), { idField: 'recordId', threads: ctx.threads });
      const ms = performance.now() - t0;
      const s = register.stats();
      return { stage, status: 'ok', timeMs: ms, items: s.records, unit: 'records', extra: { bytesPerRecord: Math.round(s.bytesPerRecord) } };
    }
    case 'khop-authenticate': {
      const t0 = performance.now();
      const register = await Register.build(REGISTER_SCHEMA, await openRecords(ctx.registerCsv), { idField: 'recordId', threads: ctx.threads });
      const built = performance.now();
      const expected: string[] = [];
      const claims: Record<string, unknown>[] = [];
      for await (const c of rowsOf(ctx.claimsCsv)) {
        claims.push({ id: c.id, fullName: c.fullName, dob: c.dob, sex: c.sex });
        expected.push(String(c.expected));
      }
      const read = performance.now();
      // The claims are in memory: the batch API for an array (a table of columns, no Verdict
      // object a claim), on as many threads as the build and DuckDB get.
      const table = await register.authenticateAll(claims, { threads: ctx.threads });
      const done = performance.now();
      let ok = 0;
      const i = table.size;
      for (let j = 0; j < i; j++) if (table.statusOf(j) === expected[j]) ok++;
      return {
        stage,
        status: 'ok',
        // Everything from the files to the verdicts — read + build the register, read the claims,
        // authenticate — as DuckDB's figure is read_csv of both files + the join.
        timeMs: done - t0,
        items: i,
        unit: 'claims',
        quality: { accuracy: ok / i },
        extra: {
          buildMs: Math.round(built - t0),
          readClaimsMs: Math.round(read - built),
          authMs: Math.round(done - read),
          claimsPerSecond: Math.round((i / (done - read)) * 1000),
        },
      };
    }
    case 'khop-dedupe': {
      // The file goes to dedupe as the reader opened it, as DuckDB reads its CSV: with threads,
      // dedupe parses it in pieces on the pool (prepare.ts, readPieces). The truth labels are
      // read afterwards, untimed: they are not part of the job (a generator collecting them
      // on the way would hide the file from the piece reader).
      const t0 = performance.now();
      const r = await dedupe(await openRecords(ctx.peopleCsv), { schema: PEOPLE_SCHEMA, idField: 'recordId', threads: ctx.threads });
      const ms = performance.now() - t0;
      const truth: number[] = [];
      for await (const row of rowsOf(ctx.peopleCsv)) truth.push(Number(row.personId));
      if (truth.length !== r.clusters.length) throw new Error(`khop-dedupe: ${r.clusters.length} clusters for ${truth.length} rows`);
      const predicted = clusterLabels(r.clusters);
      const m = pairwiseMetrics({ predictedClusters: predicted, truth: Int32Array.from(truth) });
      return {
        stage,
        status: 'ok',
        timeMs: ms,
        items: truth.length,
        unit: 'records',
        quality: { precision: m.precision, recall: m.recall, f1: m.f1 },
        extra: { candidatePairs: r.stats.candidatePairs, pairsPerSecond: Math.round((r.stats.candidatePairs / ms) * 1000) },
      };
    }
    default:
      return { stage, status: 'not-implemented' };
  }
}
