/**
 * Quality metrics of a deduplication or linkage result against ground truth:
 * pairwise precision / recall / F1 and cluster-level (exact cluster) precision / recall.
 *
 * Pairwise metrics (Christen, "Data Matching", Springer 2012, §7.3): a pair of records is a
 * true positive when the prediction puts them together and the truth does too. Computed without
 * materialising pairs:
 *
 * ```
 *  truth pairs      = Σ over truth clusters T of |T|(|T|−1)/2
 *  predicted pairs  = Σ over predicted clusters P of |P|(|P|−1)/2     (or the distinct given pairs)
 *  true positives   = Σ over non-empty P ∩ T of |P ∩ T|(|P ∩ T|−1)/2
 * ```
 *
 * |P ∩ T| comes from sorting record indices by (predicted, truth) label with two stable
 * counting sorts on dense labels — O(n) after an O(n log n) relabelling, four Uint32Arrays of
 * n. Given explicit pairs (left[i], right[i]) instead, pairs are put in canonical (min, max)
 * order, sorted with two counting sorts and deduplicated, then checked one by one: O(n + m).
 *
 * Cluster metrics: a predicted cluster is an exact match when it equals a truth cluster
 * (|P| = |T| = |P ∩ T|); precision = exact / predicted clusters, recall = exact / truth
 * clusters.
 *
 * Conventions: a ratio whose denominator is 0 (no predicted pairs, no truth pairs) is NaN —
 * undefined, not a plausible 0 or 1; F1 is NaN when precision or recall is, 0 when both are 0.
 * Labels are any finite numbers; records with equal labels are in the same cluster.
 */
import { KhopError } from '../errors.js';
import { invalidArgument } from '../util/arg-check.js';
import { checkLabels, countingSortBy, denseLabels, pairsOf } from './labels.js';

/** Candidate or matched pairs as two parallel arrays of record indices. */
export interface PairList {
  left: Uint32Array;
  right: Uint32Array;
}

/** Input of {@link pairwiseMetrics}: the truth and exactly one form of prediction. */
export interface PairwiseInput {
  /** Ground-truth entity label of every record (e.g. `personId`). */
  truth: ArrayLike<number>;
  /** Predicted cluster label of every record (same length as `truth`). */
  predictedClusters?: ArrayLike<number>;
  /** Predicted matching pairs (record indices < truth.length; order and repeats do not matter). */
  predictedPairs?: PairList;
}

export interface PairwiseMetrics {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** TP / (TP + FP); NaN when nothing was predicted. */
  precision: number;
  /** TP / (TP + FN); NaN when the truth has no pairs. */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
  /** Distinct predicted pairs (TP + FP). */
  predictedPairs: number;
  /** Truth pairs (TP + FN). */
  truthPairs: number;
}

/** Input of {@link clusterMetrics}. */
export interface ClusterInput {
  truth: ArrayLike<number>;
  predictedClusters: ArrayLike<number>;
  /**
   * Count only clusters of two or more records on both sides (singletons dominate
   * deduplication data and would swamp the ratio). Default false.
   */
  ignoreSingletons?: boolean;
}

export interface ClusterMetrics {
  /** Predicted clusters counted (all, or those of size ≥ 2). */
  predictedClusters: number;
  /** Truth clusters counted. */
  truthClusters: number;
  /** Predicted clusters that equal a truth cluster exactly (and are counted on both sides). */
  exactMatches: number;
  /** exactMatches / predictedClusters (NaN when 0 clusters). */
  precision: number;
  /** exactMatches / truthClusters (NaN when 0 clusters). */
  recall: number;
  f1: number;
}

function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

function harmonic(p: number, r: number): number {
  if (Number.isNaN(p) || Number.isNaN(r)) return NaN;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** Records grouped by (predicted, truth) label: the order and the dense labels. */
interface Grouping {
  order: Uint32Array;
  pred: Uint32Array;
  truth: Uint32Array;
  truthSizes: Uint32Array;
  truthCount: number;
  predCount: number;
}

function group(fn: string, truthLabels: ArrayLike<number>, predLabels: ArrayLike<number>): Grouping {
  checkLabels(fn, 'input.truth', truthLabels);
  checkLabels(fn, 'input.predictedClusters', predLabels);
  if (predLabels.length !== truthLabels.length) {
    throw new KhopError('INVALID_ARGUMENT', 'predictedClusters and truth must have the same length');
  }
  const t = denseLabels(truthLabels, 'truth');
  const p = denseLabels(predLabels, 'predictedClusters');
  const n = truthLabels.length;
  let order: Uint32Array<ArrayBuffer> = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // LSD radix: by truth, then (stable) by predicted ⇒ ordered by (predicted, truth).
  order = countingSortBy(order, t.ids, t.count);
  order = countingSortBy(order, p.ids, p.count);
  return { order, pred: p.ids, truth: t.ids, truthSizes: t.sizes, truthCount: t.count, predCount: p.count };
}

/**
 * Pairwise precision, recall and F1 of a predicted clustering or pair list against truth
 * labels. Throws KhopError INVALID_ARGUMENT for mismatched lengths, non-finite labels, pair
 * indices out of range or a pair of a record with itself.
 */
export function pairwiseMetrics(input: PairwiseInput): PairwiseMetrics {
  if (input === null || typeof input !== 'object') throw new KhopError('INVALID_ARGUMENT', 'pairwiseMetrics: input must be an object');
  const hasClusters = input.predictedClusters !== undefined;
  const hasPairs = input.predictedPairs !== undefined;
  if (hasClusters === hasPairs) {
    throw new KhopError('INVALID_ARGUMENT', 'pairwiseMetrics: give exactly one of predictedClusters and predictedPairs');
  }
  let tp = 0;
  let predicted = 0;
  let truthPairs = 0;
  if (hasClusters) {
    const g = group('pairwiseMetrics', input.truth, input.predictedClusters as ArrayLike<number>);
    for (let k = 0; k < g.truthCount; k++) truthPairs += pairsOf(g.truthSizes[k]);
    const { order, pred, truth } = g;
    const n = order.length;
    let runPred = 0; // size of the current predicted cluster
    let runBoth = 0; // size of the current (predicted, truth) group
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const prev = j > 0 ? order[j - 1] : 0;
      if (j > 0 && pred[i] === pred[prev]) {
        runPred++;
        if (truth[i] === truth[prev]) runBoth++;
        else {
          tp += pairsOf(runBoth);
          runBoth = 1;
        }
      } else {
        predicted += pairsOf(runPred);
        tp += pairsOf(runBoth);
        runPred = 1;
        runBoth = 1;
      }
    }
    predicted += pairsOf(runPred);
    tp += pairsOf(runBoth);
  } else {
    checkLabels('pairwiseMetrics', 'input.truth', input.truth);
    const t = denseLabels(input.truth, 'truth');
    for (let k = 0; k < t.count; k++) truthPairs += pairsOf(t.sizes[k]);
    const r = countPairs(input.predictedPairs as PairList, t.ids);
    tp = r.tp;
    predicted = r.distinct;
  }
  const fp = predicted - tp;
  const fn = truthPairs - tp;
  const precision = ratio(tp, predicted);
  const recall = ratio(tp, truthPairs);
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1: harmonic(precision, recall),
    predictedPairs: predicted,
    truthPairs,
  };
}

/** Distinct pairs and how many join records of the same truth cluster. */
function countPairs(pairs: PairList, truth: Uint32Array): { distinct: number; tp: number } {
  if (pairs === null || typeof pairs !== 'object') throw invalidArgument('pairwiseMetrics', 'input.predictedPairs', 'an object { left, right } of Uint32Arrays', pairs);
  const { left, right } = pairs;
  if (!(left instanceof Uint32Array) || !(right instanceof Uint32Array) || left.length !== right.length) {
    throw new KhopError('INVALID_ARGUMENT', 'predictedPairs.left and .right must be Uint32Arrays of the same length');
  }
  const n = truth.length;
  const m = left.length;
  const lo = new Uint32Array(m);
  const hi = new Uint32Array(m);
  for (let j = 0; j < m; j++) {
    const a = left[j];
    const b = right[j];
    if (a >= n || b >= n) throw new KhopError('INVALID_ARGUMENT', `predictedPairs[${j}] refers to a record outside truth`);
    if (a === b) throw new KhopError('INVALID_ARGUMENT', `predictedPairs[${j}] pairs a record with itself`);
    lo[j] = a < b ? a : b;
    hi[j] = a < b ? b : a;
  }
  // Sort pair numbers by (lo, hi): counting sort by hi, then stably by lo.
  let order: Uint32Array<ArrayBuffer> = new Uint32Array(m);
  for (let j = 0; j < m; j++) order[j] = j;
  order = countingSortBy(order, hi, n);
  order = countingSortBy(order, lo, n);
  let distinct = 0;
  let tp = 0;
  for (let k = 0; k < m; k++) {
    const j = order[k];
    if (k > 0) {
      const q = order[k - 1];
      if (lo[q] === lo[j] && hi[q] === hi[j]) continue; // repeated pair
    }
    distinct++;
    if (truth[lo[j]] === truth[hi[j]]) tp++;
  }
  return { distinct, tp };
}

/**
 * Cluster-level precision and recall: the share of predicted clusters that exactly equal a
 * truth cluster, and the share of truth clusters exactly found.
 */
export function clusterMetrics(input: ClusterInput): ClusterMetrics {
  if (input === null || typeof input !== 'object') throw new KhopError('INVALID_ARGUMENT', 'clusterMetrics: input must be an object');
  const ignoreSingletons = input.ignoreSingletons ?? false;
  if (typeof ignoreSingletons !== 'boolean') throw new KhopError('INVALID_OPTION', 'ignoreSingletons must be a boolean');
  const g = group('clusterMetrics', input.truth, input.predictedClusters);
  const minSize = ignoreSingletons ? 2 : 1;
  let truthClusters = 0;
  for (let k = 0; k < g.truthCount; k++) if (g.truthSizes[k] >= minSize) truthClusters++;
  const { order, pred, truth, truthSizes } = g;
  const n = order.length;
  let predictedClusters = 0;
  let exact = 0;
  // Walk predicted clusters (runs of equal pred); a cluster is exact when it holds one truth
  // label only and that truth cluster has no other records.
  let j = 0;
  while (j < n) {
    const first = order[j];
    let size = 0;
    let single = true;
    while (j < n && pred[order[j]] === pred[first]) {
      if (truth[order[j]] !== truth[first]) single = false;
      size++;
      j++;
    }
    if (size < minSize) continue;
    predictedClusters++;
    if (single && truthSizes[truth[first]] === size) exact++;
  }
  const precision = ratio(exact, predictedClusters);
  const recall = ratio(exact, truthClusters);
  return { predictedClusters, truthClusters, exactMatches: exact, precision, recall, f1: harmonic(precision, recall) };
}
