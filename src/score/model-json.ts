/**
 * The JSON form of a Fellegi–Sunter model and its validating parser.
 *
 *   { "format": "khop.fellegi-sunter", "version": 1, "prior": λ, "minTermFrequency": 1e-6,
 *     "trainedOn": { "records": n, "pairs": n(n−1)/2 },        (optional: what λ is a share of)
 *     "comparisons": [ { "name": "given", "levels": [
 *         { "label": "null", "null": true },
 *         { "label": "exact", "tf": true, "m": 0.9, "u": 0.01 }, …, { "label": "else", "m": …, "u": … } ] } ] }
 *
 * Trade-off: strict — unknown fields are rejected (a misspelt "mProbability" must not silently
 * fall back to a default), and every problem is collected and reported in one KhopError
 * INVALID_ARGUMENT (details.problems). Numbers are written as JSON numbers: JSON.stringify
 * prints the shortest text that parses back to the same double, so a round trip is exact.
 * The version changes when the meaning of a field changes.
 */
import type { ComparisonSpec } from './comparison-spec.js';
import { NULL_LEVEL, collectComparisonSpecProblems, throwProblems } from './comparison-spec.js';

/** The JSON form of a model (`toJSON` / `fromJSON`). */
export interface FellegiSunterModelJson {
  readonly format: typeof MODEL_JSON_FORMAT;
  readonly version: typeof MODEL_JSON_VERSION;
  readonly prior: number;
  readonly minTermFrequency: number;
  /** The data λ was estimated on (FellegiSunterModel.forPopulation); absent in older files. */
  readonly trainedOn?: { readonly records: number; readonly pairs: number };
  readonly comparisons: ReadonlyArray<{
    readonly name: string;
    readonly levels: ReadonlyArray<{
      readonly label: string;
      readonly null?: true;
      readonly tf?: true;
      readonly m?: number;
      readonly u?: number;
    }>;
  }>;
}

export const MODEL_JSON_FORMAT = 'khop.fellegi-sunter';
export const MODEL_JSON_VERSION = 1;

/**
 * Validate a parsed JSON model and return its specs and parameters (m/u sums are checked by
 * the model's constructor). @throws KhopError INVALID_ARGUMENT listing every problem.
 */
export function parseModelJson(json: unknown): {
  comparisons: ComparisonSpec[];
  parameters: { prior: number; minTermFrequency: number; m: number[][]; u: number[][]; trainedOn?: { records: number; pairs: number } };
} {
  const problems: string[] = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throwProblems('invalid model JSON', ['the model must be a JSON object']);
  }
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['format', 'version', 'prior', 'minTermFrequency', 'trainedOn', 'comparisons'].includes(key)) problems.push(`unknown field "${key}"`);
  }
  if (o.format !== MODEL_JSON_FORMAT) problems.push(`format must be "${MODEL_JSON_FORMAT}"`);
  if (o.version !== MODEL_JSON_VERSION) problems.push(`version must be ${MODEL_JSON_VERSION}`);
  if (typeof o.prior !== 'number' || !(o.prior > 0 && o.prior < 1)) problems.push('prior must be a number in (0, 1)');
  if (typeof o.minTermFrequency !== 'number' || !(o.minTermFrequency > 0 && o.minTermFrequency <= 1)) {
    problems.push('minTermFrequency must be a number in (0, 1]');
  }
  collectComparisonSpecProblems(o.comparisons, problems);
  const m: number[][] = [];
  const u: number[][] = [];
  if (Array.isArray(o.comparisons)) {
    o.comparisons.forEach((c: unknown, k: number) => {
      const levels = c !== null && typeof c === 'object' ? (c as { levels?: unknown }).levels : undefined;
      for (const key of c !== null && typeof c === 'object' ? Object.keys(c) : []) {
        if (key !== 'name' && key !== 'levels') problems.push(`comparisons[${k}]: unknown field "${key}"`);
      }
      const mk: number[] = [0];
      const uk: number[] = [0];
      if (Array.isArray(levels)) {
        levels.forEach((lv: unknown, l: number) => {
          if (lv === null || typeof lv !== 'object') return; // reported by the spec check
          const r = lv as Record<string, unknown>;
          const at = `comparisons[${k}].levels[${l}]`;
          for (const key of Object.keys(r)) {
            if (!['label', 'null', 'tf', 'm', 'u'].includes(key)) problems.push(`${at}: unknown field "${key}"`);
          }
          if (l === NULL_LEVEL) {
            if (r.m !== undefined || r.u !== undefined) problems.push(`${at}: the null level has no m or u`);
            return;
          }
          if (typeof r.m !== 'number' || !(r.m >= 0 && r.m <= 1)) problems.push(`${at}.m must be a number in [0, 1]`);
          if (typeof r.u !== 'number' || !(r.u >= 0 && r.u <= 1)) problems.push(`${at}.u must be a number in [0, 1]`);
          mk.push(r.m as number);
          uk.push(r.u as number);
        });
      }
      m.push(mk);
      u.push(uk);
    });
  }
  throwProblems('invalid model JSON', problems);
  const comparisons = (o.comparisons as ComparisonSpec[]).map((c) => ({
    name: c.name,
    levels: c.levels.map((lv) => ({ label: lv.label, null: lv.null, tf: lv.tf })),
  }));
  const on = o.trainedOn as { records: number; pairs: number } | undefined; // checked by the model's constructor
  return { comparisons, parameters: { prior: o.prior as number, minTermFrequency: o.minTermFrequency as number, m, u, ...(on !== undefined ? { trainedOn: on } : {}) } };
}
