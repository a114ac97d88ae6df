import { describe, expect, it } from 'vitest';
import { dedupe, link, type MatchResult } from '../../src/pipeline/match.js';
import { generatePopulation } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { KeptPairs } from '../../src/pipeline/kept-pairs.js';
import { Rng } from '../../src/util/rng.js';

const schema = vietnamesePersonSchema();

/** Everything a result says about its pairs, comparable with toEqual. */
function summary(r: MatchResult): unknown {
  const explained = Array.from({ length: r.pairs.count }, (_, i) => r.explain(i));
  const { candidatePairs, matchedPairs, clusters, skippedPairs, skippedBlocks, rules } = r.stats;
  return { pairs: r.pairs, explained, histogram: r.weightHistogram, sizes: r.clusterSizes, stats: { candidatePairs, matchedPairs, clusters, skippedPairs, skippedBlocks, rules } };
}

const windows = (r: MatchResult): unknown => r.stats.phases.find((p) => p.phase === 'score')?.['windows'];

describe('dedupe / link on the streamed candidates: a given model, or training that never holds them', () => {
  it('dedupe gives the trained run’s pairs, weights, explanations, clusters and counts — any window size, 1 or 2 threads', async () => {
    const rows = [...generatePopulation({ size: 6000, seed: 21, duplicateRate: 0.25 })];
    const options = { schema, idField: 'recordId', pairFloor: 0.001 };
    const trained = await dedupe(rows, { ...options, threads: 1 });
    // A small run holds its candidates to train (STREAM_TRAINING_MIN_BYTES).
    expect(trained.stats.phases.find((p) => p.phase === 'train')?.['streamed']).toBeUndefined();
    const P = trained.stats.candidatePairs;
    expect(P).toBeGreaterThan(1500);
    expect(trained.pairs.count).toBeGreaterThan(100);
    expect(trained.pairs.count).toBeLessThan(P); // the floor drops pairs: the kept ones are a subset
    for (const [threads, window] of [
      [1, 1],
      [1, 97],
      [1, 1 << 22],
      [2, 500],
    ] as const) {
      const r = await dedupe(rows, { ...options, threads, model: trained.model }, { scoreWindowPairs: window });
      expect(summary(r)).toEqual(summary(trained));
      expect(r.clusters).toEqual(trained.clusters);
      expect(windows(r)).toBe(Math.ceil(P / window));
    }
  });

  it('training on the streamed candidates gives the same model, pairs, explanations and clusters as training on held ones', async () => {
    const rows = [...generatePopulation({ size: 4000, seed: 24, duplicateRate: 0.25 })];
    const options = { schema, idField: 'recordId', pairFloor: 0.001 };
    const held = await dedupe(rows, { ...options, threads: 1 }, { trainInWindows: false });
    expect(held.stats.phases.find((p) => p.phase === 'train')?.['streamed']).toBeUndefined();
    // u was corrected for the matches among the random pairs: the evidence was computed twice
    // (the streamed runs read their candidates once more for it).
    expect(held.stats.phases.find((p) => p.phase === 'train')?.['uRounds']).toBeGreaterThanOrEqual(1);
    // The held run's sessions copied the candidate pass's levels of the pairs it produced under
    // their rule, and compared the rest (pairs an earlier rule produced); the streamed runs
    // below hold no levels and compare every session pair — the same model is the oracle.
    const heldTrain = held.stats.phases.find((p) => p.phase === 'train')!;
    expect(heldTrain['emPairsReused']).toBe(held.stats.candidatePairs);
    expect(heldTrain['emPairs']).toBeGreaterThan(heldTrain['emPairsReused'] as number);
    for (const [threads, window] of [
      [1, 97],
      [1, 1 << 22],
      [2, 300],
    ] as const) {
      const r = await dedupe(rows, { ...options, threads }, { trainInWindows: true, scoreWindowPairs: window });
      expect(r.stats.phases.find((p) => p.phase === 'train')?.['streamed']).toBe(1);
      expect(r.stats.phases.find((p) => p.phase === 'train')?.['emPairsReused']).toBe(0);
      // Scored from the evidence kept for λ: only the kept pairs are compared again.
      expect(r.stats.phases.find((p) => p.phase === 'compare')?.['pairs']).toBe(held.pairs.count);
      expect(held.pairs.count).toBeLessThan(held.stats.candidatePairs);
      expect(r.model.toJSON()).toEqual(held.model.toJSON());
      expect(summary(r)).toEqual(summary(held));
      expect(r.clusters).toEqual(held.clusters);
    }
    const left = rows.filter((_, i) => i % 2 === 0);
    const right = rows.filter((_, i) => i % 2 === 1);
    // The public option chooses the same paths.
    const viaOption = await dedupe(rows, { ...options, threads: 1, streamCandidates: true });
    expect(viaOption.stats.phases.find((p) => p.phase === 'train')?.['streamed']).toBe(1);
    expect(summary(viaOption)).toEqual(summary(held));
    await expect(dedupe(rows, { ...options, streamCandidates: 'yes' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    const heldLink = await link(left, right, { schema, idField: 'recordId', threads: 1 }, { trainInWindows: false });
    const streamedLink = await link(left, right, { schema, idField: 'recordId', threads: 1 }, { trainInWindows: true, scoreWindowPairs: 50 });
    expect(streamedLink.model.toJSON()).toEqual(heldLink.model.toJSON());
    expect(streamedLink.links).toEqual(heldLink.links);
    expect(streamedLink.clusters).toEqual(heldLink.clusters);
  });

  it('link gives the trained run’s links and clusters with a given model, in small windows', async () => {
    const rows = [...generatePopulation({ size: 2000, seed: 22, duplicateRate: 0.3 })];
    const left = rows.filter((_, i) => i % 2 === 0);
    const right = rows.filter((_, i) => i % 2 === 1);
    const options = { schema, idField: 'recordId', threads: 1 };
    const trained = await link(left, right, options);
    expect(trained.links.count).toBeGreaterThan(20);
    const r = await link(left, right, { ...options, model: trained.model }, { scoreWindowPairs: 64 });
    expect(summary(r)).toEqual(summary(trained));
    expect(r.links).toEqual(trained.links);
    expect(r.clusters).toEqual(trained.clusters);
  });

  it('rejects a model whose comparisons do not fit the schema before any pair is made', async () => {
    const rows = [...generatePopulation({ size: 300, seed: 23, duplicateRate: 0.2 })];
    const trained = await dedupe(rows, { schema, idField: 'recordId', threads: 1 });
    await expect(dedupe(rows, { schema, idField: 'recordId', threads: 1, model: trained.model, compare: ['dob', 'sex'] })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('KeptPairs', () => {
  it('keeps exactly the pairs at or above the floor, in order, and counts every pair (seeded oracle, random windows; add or tally + keep)', () => {
    const rng = new Rng(7);
    for (let run = 0; run < 30; run++) {
      const K = 1 + rng.int(4);
      const n = rng.int(3000);
      const left = Uint32Array.from({ length: n }, () => rng.int(1e6));
      const right = Uint32Array.from({ length: n }, () => rng.int(1e6));
      const weights = Float64Array.from({ length: n }, () => (rng.chance(0.05) ? (rng.chance(0.5) ? 1e9 : -1e9) : rng.next() * 100 - 60));
      const levels = Array.from({ length: K }, () => Uint8Array.from({ length: n }, () => rng.int(6)));
      const floor = rng.chance(0.2) ? -Infinity : rng.next() * 40 - 30;
      const threshold = floor + rng.next() * 20;
      const kept = new KeptPairs(K, floor, threshold, 1 + rng.int(8));
      for (let from = 0; from < n; ) {
        const m = Math.min(n - from, 1 + rng.int(400));
        const [l, r, w, lv] = [left.subarray(from), right.subarray(from), weights.subarray(from), levels.map((x) => x.subarray(from))];
        if (rng.chance(0.5)) kept.add(l, r, w, lv, m);
        else {
          // counted and kept in two steps (streamed training keeps only what it compares)
          kept.tally(w, m);
          kept.keep(l, r, w, lv, m);
        }
        from += m;
      }
      kept.trim();
      const idx = [...weights.keys()].filter((p) => weights[p]! >= floor);
      expect(kept.count).toBe(idx.length);
      expect(Array.from(kept.left.subarray(0, kept.count))).toEqual(idx.map((p) => left[p]));
      expect(Array.from(kept.right.subarray(0, kept.count))).toEqual(idx.map((p) => right[p]));
      expect(Array.from(kept.weights.subarray(0, kept.count))).toEqual(idx.map((p) => weights[p]));
      for (let k = 0; k < K; k++) expect(Array.from(kept.levels[k]!.subarray(0, kept.count))).toEqual(idx.map((p) => levels[k]![p]));
      expect(kept.left.length).toBe(Math.max(1, kept.count));
      expect(kept.scored).toBe(n);
      expect(kept.matched).toBe([...weights].filter((w) => w >= threshold).length);
      const hist = new Array<number>(50).fill(0);
      for (const w of weights) hist[Math.min(49, Math.max(0, Math.floor((w + 40) / 2)))]!++;
      expect(kept.histogram).toEqual(hist);
    }
  });
});
