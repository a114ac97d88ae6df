/**
 * The register's match-weight model: one Fellegi–Sunter comparison per schema field, whose
 * levels are the field-verdict levels of verdict.ts, with a DOCUMENTED DEFAULT parameter set
 * (Fellegi & Sunter, "A Theory for Record Linkage", JASA 1969; weights as log2 Bayes factors as
 * in Splink, Linacre et al. 2022).
 *
 *   weight = prior + Σ_fields log2(m(level) / u(level))      (missing: 0 bits)
 *
 * Why defaults rather than u estimated from the register's random pairs: a claim is compared
 * with the ONE record its ID points to, so the weight is an explanation, not a decision (the
 * policy decides); fixed parameters make the weight of a verdict independent of the register's
 * size and history (identical before and after save/load, add, compaction), and cost nothing
 * at build. The parameters travel in the snapshot (model JSON), so a later version can
 * estimate them without changing the file format.
 *
 * Parameters (m = P(level | same person), u = P(level | two random people)):
 *
 *   prior λ = 10^−8 — a claim and a random register record are the same person about once in
 *     the ~10^8 people of a national register (prior weight −26.6 bits).
 *   national ID   exact .90/1e−9 · equivalent .05/1e−9 · earlier-id .02/1e−9 · close .02/1e−6
 *                 · mismatch .01/rest. u ≈ 1/10^9: two people share a number only by
 *                 re-issue or error; one-digit neighbours of a number: ~120 of 10^9 per prefix.
 *   person name   exact .50/2e−4 · equivalent .40/2e−4 · dialect .02/1e−3 · typo .03/1e−3
 *                 · middle-missing .02/5e−4 · other close .01/5e−4 · mismatch .02/rest.
 *                 u ≈ the chance that two random Vietnamese share a full name (a few 10^−4 for
 *                 the commonest names, far less on average: 2e−4 is deliberately cautious).
 *   date          exact .70/3e−5 · equivalent .20/3e−5 · day-month-swap .02/3e−5
 *                 · one-day .02/6e−5 · partial .03/1e−2 · january-first .01/1e−2 · mismatch .02/rest.
 *                 u ≈ 1/36,500 for a day in ~100 birth years; a year alone agrees ~1 in 100.
 *   sex           exact .60/.25 · equivalent .37/.25 · mismatch .03/.50.
 *   other         exact .60/.01 · equivalent .30/.01 · close .05/.01 · mismatch .05/rest.
 */
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import type { ComparisonSpec } from '../score/comparison-spec.js';
import type { FieldGroup, RegisterLayout } from './register-layout.js';

/** λ of the default model. */
export const DEFAULT_REGISTER_PRIOR = 1e-8;

interface LevelParams {
  readonly labels: readonly string[];
  readonly m: readonly number[];
  readonly u: readonly number[];
}

/** Levels 1… of each group with m and u (level 0, missing, is added in front). */
function params(rows: ReadonlyArray<readonly [string, number, number]>): LevelParams {
  const labels = ['missing', ...rows.map((r) => r[0])];
  const m = [0, ...rows.map((r) => r[1])];
  // The last level takes the rest of u, so u sums to 1 exactly.
  const uHead = rows.slice(0, -1).map((r) => r[2]);
  const uRest = 1 - uHead.reduce((a, b) => a + b, 0);
  const u = [0, ...uHead, uRest];
  return { labels, m, u };
}

/** Default levels and parameters per field group (see the file header). */
export const DEFAULT_LEVEL_PARAMS: Readonly<Record<FieldGroup, LevelParams>> = Object.freeze({
  id: params([
    ['exact', 0.9, 1e-9],
    ['equivalent', 0.05, 1e-9],
    ['earlier-id', 0.02, 1e-9],
    ['close', 0.02, 1e-6],
    ['mismatch', 0.01, 0],
  ]),
  name: params([
    ['exact', 0.5, 2e-4],
    ['equivalent', 0.4, 2e-4],
    ['close-dialect', 0.02, 1e-3],
    ['close-typo', 0.03, 1e-3],
    ['close-middle-missing', 0.02, 5e-4],
    ['close-other', 0.01, 5e-4],
    ['mismatch', 0.02, 0],
  ]),
  date: params([
    ['exact', 0.7, 3e-5],
    ['equivalent', 0.2, 3e-5],
    ['close-day-month-swap', 0.02, 3e-5],
    ['close-one-day', 0.02, 6e-5],
    ['close-partial', 0.03, 1e-2],
    ['close-january-first', 0.01, 1e-2],
    ['mismatch', 0.02, 0],
  ]),
  sex: params([
    ['exact', 0.6, 0.25],
    ['equivalent', 0.37, 0.25],
    ['mismatch', 0.03, 0],
  ]),
  other: params([
    ['exact', 0.6, 0.01],
    ['equivalent', 0.3, 0.01],
    ['close', 0.05, 0.01],
    ['mismatch', 0.05, 0],
  ]),
});

/** The default model of a layout: one comparison per schema field, named after it. */
export function defaultRegisterModel(layout: RegisterLayout): FellegiSunterModel {
  const comparisons: ComparisonSpec[] = [];
  const m: number[][] = [];
  const u: number[][] = [];
  for (const f of layout.fields) {
    const p = DEFAULT_LEVEL_PARAMS[f.group];
    comparisons.push({ name: f.name, levels: p.labels.map((label, l) => (l === 0 ? { label, null: true } : { label })) });
    m.push([...p.m]);
    u.push([...p.u]);
  }
  return new FellegiSunterModel(comparisons, { prior: DEFAULT_REGISTER_PRIOR, m, u });
}
