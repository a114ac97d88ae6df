/**
 * Warnings about a run's model that the result alone would not show: a run that scores every
 * pair below the threshold looks like a clean dataset (every row its own cluster) whether the
 * data has no duplicates or the model cannot see them.
 *
 * The check: the weight of two records EQUAL in every compared field — the prior weight plus
 * each comparison's first level after "missing" (its exact level, by the order every
 * comparison keeps: missing, exact, …, else), tf levels at their average weight log2(m/u).
 * When even that stays below the threshold, the model matches no two records however alike,
 * except through values rarer than average (term frequencies): a fact about the model, not a
 * guess about the data, so nothing here depends on a dataset. It says one of two things, and
 * the message names both: the data holds (almost) no duplicates — then the model is right
 * (on 20,000 synthetic records without duplicates it fires for name + date + sex: namesakes
 * born the same day are different people there) — or the fields cannot show them.
 *
 * When it happens (measured on the synthetic Vietnamese population, 3,000 and 20,000 records
 * with duplicates, dedupe with the defaults): a schema of a Vietnamese name and sex, or name,
 * sex and province. Training has nothing that tells one person from another who shares the
 * name, and EM settles on the strongest structure left — the name parts and sex that different
 * people share (Vietnamese middle names follow sex: Văn, Thị) — so its "matches" are namesakes,
 * the candidate pairs hold far fewer of those than it expects, and λ falls towards its floor:
 * every row came out a singleton with nothing to say why. With a date of birth beside them the
 * model is sound on those (name + date + sex: pair F1 0.92 and 0.94 on the same 3,000 and 20,000
 * records) — not always: see the second check.
 *
 * A second check, `MODEL_DISCOUNTS_FIELD`: a comparison of an identity field — a date (of
 * birth), a sex, a national ID — whose last level ("else": no agreement at all) holds at least
 * {@link DISCOUNT_M} of the model's matches. Two records of one person rarely disagree entirely
 * on such a field (the labelled sets: m(dob else) 0.002–0.057; the synthetic population 0.000),
 * so a model whose "matches" do has learnt some other group of records — namesakes, a family —
 * and its weights are not those of one person's records (a disagreement there costs a bit or so).
 * Measured: 100,000 synthetic Vietnamese records with name, date and sex only, m(dob else) 0.40
 * (−0.9 bits), pair recall 0.56; every labelled set and the synthetic population with an ID or
 * an address stay below 0.06 — no warning. Like the first, a fact about the model.
 */
import type { FellegiSunterModel } from '../score/fellegi-sunter.js';
import { probabilityOfWeight } from '../score/probability.js';

/** A warning about a run (codes are stable; messages hold counts and field names, never values). */
export type MatchWarning = MatchesNothingWarning | DiscountsFieldWarning;

/** `MODEL_MATCHES_NOTHING`: two records equal in every compared field would score below the threshold (see the file header). */
export interface MatchesNothingWarning {
  readonly code: 'MODEL_MATCHES_NOTHING';
  readonly message: string;
  /** The weight (bits) and match probability of two records equal in every compared field. */
  readonly details: { readonly identicalWeight: number; readonly identicalProbability: number; readonly thresholdWeight: number };
}

/** `MODEL_DISCOUNTS_FIELD`: the model's matches often disagree entirely on an identity field (see the file header). */
export interface DiscountsFieldWarning {
  readonly code: 'MODEL_DISCOUNTS_FIELD';
  readonly message: string;
  /** The schema field, its comparison, the last level's label, its m and its weight (bits). */
  readonly details: { readonly field: string; readonly comparison: string; readonly level: string; readonly m: number; readonly weight: number };
}

/** An identity field's comparison, for the second check: a date, a sex or a national ID. */
export interface IdentityComparison {
  /** Index of the comparison in the model. */
  readonly comparison: number;
  /** The schema field it compares. */
  readonly field: string;
}

/**
 * Share of the model's matches on the last level of an identity field's comparison from which
 * MODEL_DISCOUNTS_FIELD is said: more than ×5 the largest seen on any labelled set (0.057) —
 * a third of one person's record pairs disagreeing entirely on a date of birth is not typing.
 */
export const DISCOUNT_M = 0.3;

/** The level of a comparison two equal, present values reach: the first after "missing". */
const EXACT_LEVEL = 1;

/** Bits to one decimal, without a "−0.0" for a weight that rounds to zero. */
function bits(x: number): string {
  const t = x.toFixed(1);
  return t === '-0.0' ? '0.0' : t;
}

/** Weight in bits of two records equal in every compared field (tf levels at their average). */
export function identicalRecordsWeight(model: FellegiSunterModel): number {
  let w = model.priorWeight;
  for (let k = 0; k < model.comparisons.length; k++) w += model.levelWeight(k, EXACT_LEVEL);
  return w;
}

/**
 * The warnings of a run whose model is `model` and threshold weight `thresholdWeight` (bits);
 * `fields` names the schema fields it compares (the message lists them: names, not values);
 * `identity`, the comparisons of its date, sex and national-ID fields (the second check).
 */
export function modelWarnings(model: FellegiSunterModel, thresholdWeight: number, fields: readonly string[], identity: readonly IdentityComparison[] = []): MatchWarning[] {
  const out: MatchWarning[] = [];
  const w = identicalRecordsWeight(model);
  if (w < thresholdWeight) out.push(matchesNothing(w, thresholdWeight, fields));
  for (const { comparison: k, field } of identity) {
    const last = model.levelCount(k) - 1;
    if (last <= EXACT_LEVEL) continue;
    const m = model.mProbability(k, last);
    if (!(m >= DISCOUNT_M)) continue;
    const spec = model.comparisons[k]!;
    const level = spec.levels[last]!.label;
    const weight = model.levelWeight(k, last);
    out.push({
      code: 'MODEL_DISCOUNTS_FIELD',
      message:
        `the model lets its matches disagree on "${field}": ${Math.round(m * 100)} % of them are on its last level ("${level}": no agreement at all), ` +
        `which weighs only ${bits(weight)} bits — two records of one person rarely differ so on such a field, so training has likely learnt some other group of records ` +
        '(namesakes, a family) and its matches are not to be trusted. ' +
        'Add a field that tells people apart (an ID, an address, a place), or give a model trained on data where that works (the model option).',
      details: { field, comparison: spec.name, level, m, weight },
    });
  }
  return out;
}

function matchesNothing(w: number, thresholdWeight: number, fields: readonly string[]): MatchesNothingWarning {
  const p = probabilityOfWeight(w);
  return {
    code: 'MODEL_MATCHES_NOTHING',
    message:
      `the model matches no two records on their fields alone: two records equal in every compared field (${fields.join(', ')}) ` +
      `would score ${bits(w)} bits (probability ${p.toPrecision(2)}), below the threshold (${bits(thresholdWeight)} bits); ` +
      'only values rarer than average (term frequencies) can lift a pair above it. ' +
      'Either the data holds (almost) no duplicates, or these fields cannot tell duplicates from different people who share them: ' +
      'add a field that tells people apart (a date of birth, an ID, an address, an e-mail), or give a model trained on data with duplicates (the model option).',
    details: { identicalWeight: w, identicalProbability: p, thresholdWeight },
  };
}
