// estimateMemory (src/pipeline/estimate-memory.ts) against real builds: the store and the indexes
// dedupe would build for the same rows, measured with store.byteLength and index.byteLength,
// at sizes below, at and across a store chunk (65,536 rows). Stated accuracy: store within
// ±10% with a sample (±25% from defaults alone), indexes between −5% and +50% (it errs high:
// a sample has relatively more distinct keys than the full data), pairs within a factor 2 of
// the rules' pair counts.
import { beforeAll, describe, expect, it } from 'vitest';
import { candidatePairs, buildBlockIndexes, generatePopulation, isKhopError, vietnamesePersonSchema } from '../../src/index.js';
import { estimateMemory, type MemoryEstimate } from '../../src/pipeline/estimate-memory.js';
import { prepareRows } from '../../src/pipeline/prepare.js';
import { defaultBlockingRules } from '../../src/pipeline/default-rules.js';

const schema = vietnamesePersonSchema();

interface Actual {
  store: number;
  indexes: number;
  rulePairs: number;
}

/** What a dedupe build really holds for these rows: prepared store, default-rule indexes, pairs per rule. */
async function actual(rows: readonly unknown[]): Promise<Actual> {
  const p = await prepareRows([rows], schema);
  const indexes = buildBlockIndexes(p.store, defaultBlockingRules(schema, p.nameGroups));
  const stream = candidatePairs(indexes, { reuseChunk: true });
  for (const _chunk of stream) {
    // drain
  }
  return {
    store: p.store.byteLength,
    indexes: indexes.reduce((s, ix) => s + ix.byteLength, 0),
    rulePairs: stream.report.pairs + stream.report.duplicatePairs,
  };
}

const SIZES = [1000, 20_000, 70_000] as const;
const results = new Map<number, { est: MemoryEstimate; countOnly: MemoryEstimate; prefix: MemoryEstimate; real: Actual }>();

beforeAll(async () => {
  for (const n of SIZES) {
    const rows = [...generatePopulation({ size: n, seed: 11 })];
    results.set(n, {
      est: await estimateMemory(rows, schema),
      countOnly: await estimateMemory(n, schema),
      prefix: await estimateMemory(n, schema, { sample: rows.slice(0, 2000) }),
      real: await actual(rows),
    });
  }
});

describe('estimateMemory against real builds', () => {
  for (const n of SIZES) {
    it(`${n} rows: store, indexes and pairs within the stated factors`, () => {
      const { est, countOnly, prefix, real } = results.get(n)!;
      const ratio = (a: number, b: number) => a / b;
      expect(est.sampled).toBe(true);
      expect(ratio(est.breakdown.store, real.store)).toBeGreaterThan(0.9);
      expect(ratio(est.breakdown.store, real.store)).toBeLessThan(1.1);
      expect(ratio(prefix.breakdown.store, real.store)).toBeGreaterThan(0.9);
      expect(ratio(prefix.breakdown.store, real.store)).toBeLessThan(1.1);
      expect(countOnly.sampled).toBe(false);
      expect(ratio(countOnly.breakdown.store, real.store)).toBeGreaterThan(0.75);
      expect(ratio(countOnly.breakdown.store, real.store)).toBeLessThan(1.25);
      for (const e of [est, prefix, countOnly]) {
        expect(ratio(e.breakdown.indexes, real.indexes)).toBeGreaterThan(0.95);
        expect(ratio(e.breakdown.indexes, real.indexes)).toBeLessThan(1.5);
      }
      expect(ratio(est.candidatePairs, real.rulePairs)).toBeGreaterThan(0.5);
      expect(ratio(est.candidatePairs, real.rulePairs)).toBeLessThan(2);
      // the total is the peak: store + indexes + bookkeeping + the larger transient phase
      const b = est.breakdown;
      expect(est.bytes).toBe(Math.round(b.store + b.indexes + b.rows + Math.max(b.indexBuild, b.pairs + b.training)));
      expect(est.rules.length).toBe(4);
    });
  }

  it('the sample is the whole input when it is small: exact store and index bytes', () => {
    const { est, real } = results.get(1000)!;
    expect(est.breakdown.store).toBe(real.store);
    expect(est.breakdown.indexes).toBe(real.indexes);
    expect(est.candidatePairs).toBe(real.rulePairs);
  });

  it('counts a rule\'s pairs under its own maxBlockSize, like candidatePairs (the whole input as sample: exact)', async () => {
    const rows = [...generatePopulation({ size: 1000, seed: 11 })];
    const p = await prepareRows([rows], schema);
    for (const cap of [undefined, 12, 4]) {
      const rule = { name: 'year', parts: [{ column: 'dob.date', transform: 'year' as const }], ...(cap === undefined ? {} : { maxBlockSize: cap }) };
      const est = await estimateMemory(rows, schema, { blocking: [rule] });
      const stream = candidatePairs(buildBlockIndexes(p.store, [rule]));
      for (const _chunk of stream) {
        // drain
      }
      expect(est.rules[0]!.pairs, `cap ${cap}`).toBe(stream.report.pairs);
      if (cap !== undefined) expect(stream.report.skippedBlocks).toBeGreaterThan(0);
    }
  });

  it('scales with the count: 100M rows from defaults alone is ~tens of GB, not a crash', async () => {
    const e = await estimateMemory(100_000_000, schema, { candidatePairs: 0, uSampleSize: 0 });
    expect(e.breakdown.store).toBeGreaterThan(5e9);
    expect(e.breakdown.store).toBeLessThan(5e10);
    expect(e.breakdown.indexes).toBeGreaterThan(4 * 100_000_000 * 4);
    expect(e.breakdown.pairs).toBe(0);
  });

  it('candidate columns past STREAM_TRAINING_MIN_BYTES count as streamed training holds them: 8 B of evidence a pair and one window', async () => {
    const pairsOf = async (P: number) => (await estimateMemory(10_000_000, schema, { candidatePairs: P, uSampleSize: 0 })).breakdown.pairs;
    // Held (small runs): two Uint32 columns, K level bytes and an 8-byte weight per pair.
    expect((await pairsOf(2_000_000)) - (await pairsOf(1_000_000))).toBeGreaterThanOrEqual(16 * 1_000_000);
    // Streamed (past 2 GiB of columns): exactly 8 B more per pair, the window being the same.
    expect((await pairsOf(400_000_000)) - (await pairsOf(200_000_000))).toBe(8 * 200_000_000);
    // … well under what holding them would take.
    expect(await pairsOf(200_000_000)).toBeLessThan(16 * 200_000_000);
  });

  it('bad arguments → KhopError INVALID_ARGUMENT / INVALID_OPTION (all problems listed) / INVALID_SCHEMA', async () => {
    const code = async (p: Promise<unknown>) => p.then(() => 'NO_THROW', (e: unknown) => (isKhopError(e) ? e.code : 'NOT_KHOP'));
    expect(await code(estimateMemory(-1, schema))).toBe('INVALID_ARGUMENT');
    expect(await code(estimateMemory(Number.NaN, schema))).toBe('INVALID_ARGUMENT');
    expect(await code(estimateMemory('rows' as never, schema))).toBe('INVALID_ARGUMENT');
    const e = await estimateMemory(10, schema, { sampleSize: 0, maxBlockSize: 1, chunkBits: 99 }).catch((x: unknown) => x);
    expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
    expect((e as { details: { problems: string[] } }).details.problems).toHaveLength(3);
    expect(await code(estimateMemory(10, { x: { kind: 'nope' } } as never))).toBe('INVALID_SCHEMA');
    // A misspelt option, and blocking rules dedupe would refuse, are refused here too.
    expect(await code(estimateMemory(10, schema, { sampelSize: 10 } as never))).toBe('INVALID_OPTION');
    expect(await code(estimateMemory(10, schema, { blocking: [] }))).toBe('INVALID_OPTION');
    expect(await code(estimateMemory(10, schema, { blocking: [{ name: 'a', parts: [{ column: 'nope' }] }] }))).toBe('INVALID_OPTION');
  });
});
