import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupe, link, type MatchResult, type MatchOptions } from '../../src/pipeline/match.js';
import { KhopPool } from '../../src/pool/pool.js';
import { pairRanges } from '../../src/pool/pair-ranges.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';

const rows: PopulationRow[] = [...generatePopulation({ size: 3000, seed: 11 })];
const base: MatchOptions = { schema: vietnamesePersonSchema({ name: 'fullName' }), idField: 'recordId', uSampleSize: 40_000 };
/** Default rules plus a loose one, so that every reduction spans many fixed pair ranges. */
const loose: MatchOptions = {
  ...base,
  blocking: [
    { name: 'id', parts: [{ column: 'id' }] },
    { name: 'year+sex', parts: [{ column: 'dob', transform: 'year' }, { column: 'sex' }] },
  ],
};

/** Bit patterns of a Float64Array (so −0/+0 and NaN payloads count too). */
function bits(a: Float64Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length * 2));
}

function expectIdentical(a: MatchResult, b: MatchResult): void {
  expect(b.pairs.count).toBe(a.pairs.count);
  expect(Array.from(b.pairs.left)).toEqual(Array.from(a.pairs.left));
  expect(Array.from(b.pairs.right)).toEqual(Array.from(a.pairs.right));
  expect(bits(b.pairs.weight)).toEqual(bits(a.pairs.weight));
  expect(bits(b.pairs.probability)).toEqual(bits(a.pairs.probability));
  expect(JSON.stringify(b.model.toJSON())).toBe(JSON.stringify(a.model.toJSON()));
  expect(b.weightHistogram.counts).toEqual(a.weightHistogram.counts);
  expect(b.stats.candidatePairs).toBe(a.stats.candidatePairs);
  expect(b.stats.matchedPairs).toBe(a.stats.matchedPairs);
}

describe('results do not depend on the thread count', () => {
  let pool2: KhopPool;
  let pool3: KhopPool;
  beforeAll(() => {
    pool2 = KhopPool.create({ threads: 2 });
    pool3 = KhopPool.create({ threads: 3 });
  });
  afterAll(async () => {
    await pool2.close();
    await pool3.close();
  });

  it('dedupe, default rules: identical pairs, weights, model and clusters for 1, 2 and 3 threads', async () => {
    const one = await dedupe(rows, { ...base, threads: 1 });
    const two = await dedupe(rows, { ...base, pool: pool2 });
    const three = await dedupe(rows, { ...base, pool: pool3 });
    expect(one.stats.phases.find((p) => p.phase === 'compare')!['threads']).toBe(1);
    expect(three.stats.phases.find((p) => p.phase === 'compare')!['threads']).toBe(3);
    expectIdentical(one, two);
    expectIdentical(one, three);
    expect(two.clusters).toEqual(one.clusters);
    expect(three.clusters).toEqual(one.clusters);
  });

  it('dedupe, loose rules (many pair ranges in EM and λ): identical for 1, 2 and 3 threads', async () => {
    const one = await dedupe(rows, { ...loose, threads: 1 });
    const train = one.stats.phases.find((p) => p.phase === 'train')!;
    // The reductions really span several fixed ranges.
    expect(pairRanges(one.stats.candidatePairs).ranges).toBeGreaterThan(4);
    expect(pairRanges(train['emPairs'] as number).ranges).toBeGreaterThan(4);
    const two = await dedupe(rows, { ...loose, pool: pool2 });
    const three = await dedupe(rows, { ...loose, pool: pool3 });
    expectIdentical(one, two);
    expectIdentical(one, three);
    expect(three.clusters).toEqual(one.clusters);
  });

  it('link: identical links and clusters for 1 and 3 threads', async () => {
    const left = rows.slice(0, 1500);
    const right = rows.slice(1500);
    const one = await link(left, right, { ...loose, threads: 1 });
    const three = await link(left, right, { ...loose, pool: pool3 });
    expectIdentical(one, three);
    expect(Array.from(three.links.left)).toEqual(Array.from(one.links.left));
    expect(three.clusters).toEqual(one.clusters);
  });
});
