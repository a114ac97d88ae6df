import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReportData, pairsNearThreshold, REPORT_SAMPLE_PAIRS } from '../../src/cli/report-builder.js';
import { assertReportData } from '../../src/report/report-data.js';
import { dedupe } from '../../src/pipeline/match.js';
import { generatePopulation } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';

/** Oracle: the k nearest above and below by brute force, same rule as documented. */
function oracle(w: number[], t: number, want: number): number[] {
  const idx = w.map((_, i) => i);
  const above = idx.filter((i) => w[i]! >= t).sort((a, b) => w[a]! - w[b]! || a - b);
  const below = idx.filter((i) => w[i]! < t).sort((a, b) => w[b]! - w[a]! || a - b);
  let nb = Math.min(below.length, Math.floor(want / 2));
  let na = Math.min(above.length, want - nb);
  nb = Math.min(below.length, want - na); // fill from below when above is short
  na = Math.min(above.length, want - nb);
  return [...below.slice(0, nb), ...above.slice(0, na)].sort((a, b) => w[a]! - w[b]! || a - b);
}

describe('pairsNearThreshold', () => {
  it('known answer: three just below and three just above the threshold, by weight', () => {
    const w = [-9, -1, -0.5, -3, 0.2, 4, 0, 12, 7, -20];
    expect(pairsNearThreshold(w, w.length, 0, 6).map((i) => w[i])).toEqual([-3, -1, -0.5, 0, 0.2, 4]);
  });

  it('fills from the other side when one side is short', () => {
    const w = [5, 6, 7, 8, 9, -1];
    expect(pairsNearThreshold(w, w.length, 0, 4).map((i) => w[i])).toEqual([-1, 5, 6, 7]);
    expect(pairsNearThreshold([1, 2], 2, 10, 6)).toEqual([0, 1]);
    expect(pairsNearThreshold([], 0, 0, 6)).toEqual([]);
  });

  it('agrees with a brute-force oracle', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 40 }), fc.integer({ min: -10, max: 10 }), fc.integer({ min: 0, max: 8 }), (w, t, want) => {
        expect(pairsNearThreshold(w, w.length, t, want)).toEqual(oracle(w, t, want));
      }),
    );
  });
});

describe('buildReportData', () => {
  it('builds valid report data from a dedupe result; waterfall totals equal the pair weights', async () => {
    const rows = [...generatePopulation({ size: 400, seed: 3, duplicateRate: 0.2 })];
    const result = await dedupe(rows, { schema: vietnamesePersonSchema({ name: 'fullName' }), pairFloor: 0.001 });
    const data = buildReportData(result, {
      title: 't',
      generatedAt: '2025-01-01T00:00:00.000Z',
      summary: [{ label: 'rows', value: '400' }],
      threshold: 0.5,
      pairLabels: (i) => ({ left: `row ${result.pairs.left[i]! + 1}`, right: `row ${result.pairs.right[i]! + 1}` }),
    });
    expect(() => assertReportData(data)).not.toThrow();
    expect(data.waterfalls.length).toBe(Math.min(REPORT_SAMPLE_PAIRS, result.pairs.count));
    expect(data.waterfalls.some((w) => w.total < result.thresholdWeight)).toBe(true);
    expect(data.waterfalls.some((w) => w.total >= result.thresholdWeight)).toBe(true);
    for (const w of data.waterfalls) {
      const sum = w.prior + w.steps.reduce((s, x) => s + x.weight + x.tfAdjustment, 0);
      expect(sum).toBeCloseTo(w.total, 6);
    }
    // levels exclude the null level and carry the model's weights
    const k = 0;
    const c = result.model.comparisons[k]!;
    expect(data.comparisons[k]!.levels.map((l) => l.label)).toEqual(c.levels.slice(1).map((l) => l.label));
    expect(data.comparisons[k]!.levels[0]!.weight).toBe(result.model.levelWeight(k, 1));
    // Each rule by its name and its key columns (one text when they are the same).
    expect(data.blocking.map((b) => b.rule)).toEqual(result.stats.rules.map((r) => (r.name === r.rule ? r.rule : `${r.name}: ${r.rule}`)));
    expect(data.blocking.some((b) => b.rule.startsWith('id: '))).toBe(true);
    expect(data.clusterSizes.reduce((s, c2) => s + c2.size * c2.count, 0)).toBe(result.stats.acceptedRows);
  });
});
