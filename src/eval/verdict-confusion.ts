/**
 * Confusion matrix of authentication verdicts: expected (rows) × actual (columns), with
 * accuracy and per-verdict precision and recall.
 *
 * Labels are strings; the default label order is the verdicts of khop's authenticator
 * (VERIFIED, MISMATCH, NOT_FOUND, INVALID_ID, INCONSISTENT_ID, AMBIGUOUS) for those that occur,
 * then any other label in code-unit order — so a matrix prints the same way every run.
 *
 * Trade-off: a Map from label to row is fine here (a handful of labels); the arrays of verdicts
 * are read once.
 */
import { KhopError } from '../errors.js';

/** The verdict order used for rows and columns by default. */
export const VERDICT_ORDER: readonly string[] = ['VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID', 'INCONSISTENT_ID', 'AMBIGUOUS'];

/** Options of {@link verdictConfusion}. */
export interface VerdictConfusionOptions {
  /**
   * Row/column labels in this order; every expected and actual value must be one of them
   * (KhopError INVALID_ARGUMENT otherwise). Default: the labels that occur, in VERDICT_ORDER
   * first, then sorted.
   */
  labels?: readonly string[];
}

export interface VerdictStats {
  label: string;
  /** Claims expected to get this verdict. */
  support: number;
  /** Claims that got this verdict. */
  predicted: number;
  /** Claims that expected and got it. */
  correct: number;
  /** correct / predicted (NaN when never predicted). */
  precision: number;
  /** correct / support (NaN when never expected). */
  recall: number;
}

export interface VerdictConfusion {
  labels: string[];
  /** matrix[e][a] = claims expected labels[e] that got labels[a]. */
  matrix: number[][];
  total: number;
  correct: number;
  /** correct / total (NaN for no claims). */
  accuracy: number;
  perLabel: VerdictStats[];
}

/**
 * Build the confusion matrix of `expected` vs `actual` verdicts (same length; strings).
 */
export function verdictConfusion(
  expected: readonly string[],
  actual: readonly string[],
  options: VerdictConfusionOptions = {},
): VerdictConfusion {
  if (!Array.isArray(expected) || !Array.isArray(actual)) {
    throw new KhopError('INVALID_ARGUMENT', 'verdictConfusion: expected and actual must be arrays');
  }
  if (expected.length !== actual.length) {
    throw new KhopError('INVALID_ARGUMENT', 'verdictConfusion: expected and actual must have the same length');
  }
  const n = expected.length;
  for (let i = 0; i < n; i++) {
    if (typeof expected[i] !== 'string') throw new KhopError('INVALID_ARGUMENT', `expected[${i}] must be a string`);
    if (typeof actual[i] !== 'string') throw new KhopError('INVALID_ARGUMENT', `actual[${i}] must be a string`);
  }
  if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'verdictConfusion: options must be an object');
  let labels: string[];
  if (options.labels !== undefined) {
    if (!Array.isArray(options.labels) || options.labels.some((l) => typeof l !== 'string') || new Set(options.labels).size !== options.labels.length) {
      throw new KhopError('INVALID_OPTION', 'labels must be an array of distinct strings');
    }
    labels = [...options.labels];
  } else {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      seen.add(expected[i]);
      seen.add(actual[i]);
    }
    labels = VERDICT_ORDER.filter((v) => seen.has(v));
    const rest = [...seen].filter((v) => !VERDICT_ORDER.includes(v)).sort();
    labels.push(...rest);
  }
  const index = new Map<string, number>();
  labels.forEach((l, i) => index.set(l, i));
  const k = labels.length;
  const matrix: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const e = index.get(expected[i]);
    const a = index.get(actual[i]);
    if (e === undefined) throw new KhopError('INVALID_ARGUMENT', `expected[${i}] is not one of the labels`);
    if (a === undefined) throw new KhopError('INVALID_ARGUMENT', `actual[${i}] is not one of the labels`);
    matrix[e][a]++;
    if (e === a) correct++;
  }
  const perLabel: VerdictStats[] = labels.map((label, j) => {
    let support = 0;
    let predicted = 0;
    for (let x = 0; x < k; x++) {
      support += matrix[j][x];
      predicted += matrix[x][j];
    }
    const c = matrix[j][j];
    return {
      label,
      support,
      predicted,
      correct: c,
      precision: predicted === 0 ? NaN : c / predicted,
      recall: support === 0 ? NaN : c / support,
    };
  });
  return { labels, matrix, total: n, correct, accuracy: n === 0 ? NaN : correct / n, perLabel };
}
