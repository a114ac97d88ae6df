/**
 * ReportData: everything the HTML report of a dedupe / link run shows, as plain JSON data.
 *
 * The pipeline (or the CLI) fills it; `renderReport` turns it into one self-contained HTML
 * file. Trade-off: the report takes finished numbers, not the model or the RecordStore, so it
 * can be rendered from a JSON file written by another process, diffed, and tested without a
 * pipeline. It carries NO record values unless the caller chooses to put them in the sample
 * pairs' `left` / `right` labels (the default is record ids or row numbers only).
 *
 * Numbers may be NaN or ±Infinity (a failed estimate, an empty run): the report shows them as
 * '—' and draws nothing for them. A structurally wrong value (a missing array, a string where
 * a number belongs) is a programmer error and throws KhopError('INVALID_ARGUMENT'), listing
 * every problem found (see `collectReportDataProblems`).
 *
 * Weights are match weights in bits (log2 Bayes factors, Fellegi & Sunter 1969, as in Splink).
 */
import { KhopError } from '../errors.js';

/** One scored comparison level of one comparison (field part). */
export interface ReportLevel {
  /** Level label, e.g. "exact", "phonetic", "else". */
  label: string;
  /** m probability: P(level | same person). */
  m: number;
  /** u probability: P(level | different people). */
  u: number;
  /** Level weight in bits, log2(m / u). */
  weight: number;
  /** Optional: how many scored candidate pairs landed on this level. */
  count?: number;
}

/** One step of a waterfall (one comparison of one sample pair). */
export interface ReportWaterfallStep {
  /** Comparison (field part) name. */
  field: string;
  /** The level the pair landed on. */
  level: string;
  /** Level weight in bits. */
  weight: number;
  /** Term-frequency adjustment in bits (0 when none). */
  tfAdjustment: number;
}

/** One sample pair with its explanation. */
export interface ReportWaterfall {
  /** Label of the left record (record id / row number by default). */
  left: string;
  /** Label of the right record. */
  right: string;
  /** Prior weight in bits, log2(λ / (1 − λ)). */
  prior: number;
  /** One step per comparison, in model order. */
  steps: ReportWaterfallStep[];
  /** Total match weight in bits: prior + Σ (weight + tfAdjustment). */
  total: number;
  /** Match probability of `total`. */
  probability: number;
}

/** Input of `renderReport`. */
export interface ReportData {
  /** Page title, e.g. "khop dedupe — people.csv". */
  title: string;
  /** ISO date of the run (shown as given; the report never reads the clock). */
  generatedAt: string;
  /** Rows in / accepted / rejected, pairs, clusters, timings… shown in order. */
  summary: Array<{ label: string; value: string }>;
  /** Acceptance threshold as a match weight (bits) and as a probability. */
  threshold: { weight: number; probability: number };
  /** Histogram of match weights of the scored candidate pairs: bin i is [binStart + i·binWidth, binStart + (i+1)·binWidth). */
  weightHistogram: { binStart: number; binWidth: number; counts: number[] };
  /** Per comparison (field part): its levels with m, u and weight. */
  comparisons: Array<{ name: string; levels: ReportLevel[] }>;
  /** Prior: λ (probability that two random records match) and its weight in bits. */
  prior: { lambda: number; weight: number };
  /** Cluster size → number of clusters. */
  clusterSizes: Array<{ size: number; count: number }>;
  /** Per blocking rule: its description, candidate pairs, new pairs (not produced by earlier rules), skipped pairs. */
  blocking: Array<{ rule: string; pairs: number; newPairs: number; skippedPairs: number; skippedBlocks: number }>;
  /** Sample pairs near the threshold with their waterfall (explain) data. */
  waterfalls: ReportWaterfall[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Number check: any JS number passes (NaN / ±Infinity are data, rendered as '—'). */
function checkNumber(o: Record<string, unknown>, key: string, path: string, problems: string[], optional = false): void {
  const v = o[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'number') problems.push(`${path}.${key} must be a number`);
}

function checkString(o: Record<string, unknown>, key: string, path: string, problems: string[]): void {
  if (typeof o[key] !== 'string') problems.push(`${path}.${key} must be a string`);
}

/** Checks each element of the array `o[key]` with `each`; reports a non-array once. */
function checkArray(
  o: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
  each: (item: Record<string, unknown>, itemPath: string) => void,
): void {
  const v = o[key];
  if (!Array.isArray(v)) {
    problems.push(`${path}.${key} must be an array`);
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    const itemPath = `${path}.${key}[${i}]`;
    if (!isObject(item)) problems.push(`${itemPath} must be an object`);
    else each(item, itemPath);
  }
}

function checkObject(
  o: Record<string, unknown>,
  key: string,
  path: string,
  problems: string[],
  each: (item: Record<string, unknown>, itemPath: string) => void,
): void {
  const v = o[key];
  if (!isObject(v)) problems.push(`${path}.${key} must be an object`);
  else each(v, `${path}.${key}`);
}

/**
 * Appends to `problems` every structural problem of `data` (wrong or missing type), each
 * naming the path (e.g. `data.comparisons[2].levels[0].m must be a number`). Never includes
 * a value. NaN and ±Infinity are accepted: they are data, not structure.
 */
export function collectReportDataProblems(data: unknown, problems: string[]): void {
  const p = 'data';
  if (!isObject(data)) {
    problems.push('data must be an object');
    return;
  }
  checkString(data, 'title', p, problems);
  checkString(data, 'generatedAt', p, problems);
  checkArray(data, 'summary', p, problems, (row, rp) => {
    checkString(row, 'label', rp, problems);
    checkString(row, 'value', rp, problems);
  });
  checkObject(data, 'threshold', p, problems, (t, tp) => {
    checkNumber(t, 'weight', tp, problems);
    checkNumber(t, 'probability', tp, problems);
  });
  checkObject(data, 'weightHistogram', p, problems, (h, hp) => {
    checkNumber(h, 'binStart', hp, problems);
    checkNumber(h, 'binWidth', hp, problems);
    const counts = h.counts;
    if (!Array.isArray(counts)) problems.push(`${hp}.counts must be an array`);
    else {
      for (let i = 0; i < counts.length; i++) {
        if (typeof counts[i] !== 'number') {
          problems.push(`${hp}.counts[${i}] must be a number`);
          break; // one report per array is enough; a histogram may have thousands of bins
        }
      }
    }
  });
  checkArray(data, 'comparisons', p, problems, (c, cp) => {
    checkString(c, 'name', cp, problems);
    checkArray(c, 'levels', cp, problems, (l, lp) => {
      checkString(l, 'label', lp, problems);
      checkNumber(l, 'm', lp, problems);
      checkNumber(l, 'u', lp, problems);
      checkNumber(l, 'weight', lp, problems);
      checkNumber(l, 'count', lp, problems, true);
    });
  });
  checkObject(data, 'prior', p, problems, (o, op) => {
    checkNumber(o, 'lambda', op, problems);
    checkNumber(o, 'weight', op, problems);
  });
  checkArray(data, 'clusterSizes', p, problems, (c, cp) => {
    checkNumber(c, 'size', cp, problems);
    checkNumber(c, 'count', cp, problems);
  });
  checkArray(data, 'blocking', p, problems, (b, bp) => {
    checkString(b, 'rule', bp, problems);
    checkNumber(b, 'pairs', bp, problems);
    checkNumber(b, 'newPairs', bp, problems);
    checkNumber(b, 'skippedPairs', bp, problems);
    checkNumber(b, 'skippedBlocks', bp, problems);
  });
  checkArray(data, 'waterfalls', p, problems, (w, wp) => {
    checkString(w, 'left', wp, problems);
    checkString(w, 'right', wp, problems);
    checkNumber(w, 'prior', wp, problems);
    checkNumber(w, 'total', wp, problems);
    checkNumber(w, 'probability', wp, problems);
    checkArray(w, 'steps', wp, problems, (s, sp) => {
      checkString(s, 'field', sp, problems);
      checkString(s, 'level', sp, problems);
      checkNumber(s, 'weight', sp, problems);
      checkNumber(s, 'tfAdjustment', sp, problems);
    });
  });
}

/** Throws KhopError('INVALID_ARGUMENT') listing every structural problem of `data`. */
export function assertReportData(data: unknown): asserts data is ReportData {
  const problems: string[] = [];
  collectReportDataProblems(data, problems);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ');
    const more = problems.length > 10 ? `; … and ${problems.length - 10} more` : '';
    throw new KhopError('INVALID_ARGUMENT', `renderReport: invalid report data: ${shown}${more}`, {
      details: { problems },
    });
  }
}
