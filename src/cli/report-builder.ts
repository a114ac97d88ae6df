/**
 * ReportData (src/report) from a dedupe / link result: summary lines, the threshold, the weight
 * histogram, the model's levels (m, u, weight per comparison level), the prior, cluster sizes,
 * blocking-rule pair counts and waterfalls of the sample pairs nearest the threshold.
 *
 * Sample pairs: up to {@link REPORT_SAMPLE_PAIRS}, half just above the threshold and half just
 * below (filled from the other side when one side is short) — the pairs whose decision is the
 * closest call, which is what a reviewer needs to see. Pairs below the threshold exist in the
 * result only when the run kept them (the commands lower `pairFloor` by
 * {@link REPORT_FLOOR_BITS} when --report is asked for). Pairs are labelled by row numbers
 * only: no record value enters the report.
 */
import type { ReportData, ReportWaterfall } from '../report/report-data.js';
import type { MatchResult } from '../pipeline/match.js';

/** Sample pairs drawn as waterfalls. */
export const REPORT_SAMPLE_PAIRS = 6;
/** With --report, pairs down to this many bits below the threshold are kept (for the samples). */
export const REPORT_FLOOR_BITS = 8;

export interface ReportBuildOptions {
  readonly title: string;
  /** Summary lines, in order. */
  readonly summary: ReadonlyArray<{ label: string; value: string }>;
  /** Acceptance threshold as a probability. */
  readonly threshold: number;
  /** Labels of returned pair i's two records (row numbers, never values). */
  pairLabels(i: number): { left: string; right: string };
  /** ISO time of the run. */
  readonly generatedAt: string;
}

/** Indices of the sample pairs nearest the threshold weight, ordered by weight. */
export function pairsNearThreshold(weights: ArrayLike<number>, count: number, thresholdWeight: number, want: number): number[] {
  const above: number[] = [];
  const below: number[] = [];
  for (let i = 0; i < count; i++) (weights[i]! >= thresholdWeight ? above : below).push(i);
  above.sort((a, b) => weights[a]! - weights[b]! || a - b);
  below.sort((a, b) => weights[b]! - weights[a]! || a - b);
  const half = Math.floor(want / 2);
  const nBelow = Math.min(below.length, Math.max(half, want - above.length));
  const nAbove = Math.min(above.length, want - nBelow);
  return [...below.slice(0, nBelow), ...above.slice(0, nAbove)].sort((a, b) => weights[a]! - weights[b]! || a - b);
}

/** Build the report's data from a run's result. */
export function buildReportData(result: MatchResult, o: ReportBuildOptions): ReportData {
  const model = result.model;
  const comparisons = model.comparisons.map((c, k) => ({
    name: c.name,
    // level 0 is the null ("missing") level: it carries no weight and has no m / u
    levels: c.levels.slice(1).map((lv, j) => ({
      label: lv.label,
      m: model.mProbability(k, j + 1),
      u: model.uProbability(k, j + 1),
      weight: model.levelWeight(k, j + 1),
    })),
  }));
  const picks = pairsNearThreshold(result.pairs.weight, result.pairs.count, result.thresholdWeight, REPORT_SAMPLE_PAIRS);
  const waterfalls: ReportWaterfall[] = picks.map((i) => {
    const x = result.explain(i);
    const labels = o.pairLabels(i);
    return {
      left: labels.left,
      right: labels.right,
      prior: x.prior,
      steps: x.fields.map((f) => ({ field: f.comparison, level: f.label, weight: f.weight, tfAdjustment: f.tfAdjustment })),
      total: x.total,
      probability: x.probability,
    };
  });
  return {
    title: o.title,
    generatedAt: o.generatedAt,
    summary: o.summary.map((s) => ({ label: s.label, value: s.value })),
    threshold: { weight: result.thresholdWeight, probability: o.threshold },
    weightHistogram: { binStart: result.weightHistogram.binStart, binWidth: result.weightHistogram.binWidth, counts: [...result.weightHistogram.counts] },
    comparisons,
    prior: { lambda: model.prior, weight: model.priorWeight },
    clusterSizes: result.clusterSizes.map((c) => ({ size: c.size, count: c.count })),
    blocking: result.stats.rules.map((r) => ({ rule: r.name === r.rule ? r.rule : `${r.name}: ${r.rule}`, pairs: r.pairs, newPairs: r.newPairs, skippedPairs: r.skippedPairs, skippedBlocks: r.skippedBlocks })),
    waterfalls,
  };
}
