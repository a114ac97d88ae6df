/**
 * Training a Fellegi–Sunter model without labels (Fellegi & Sunter 1969; Winkler 1988; as
 * Splink does it), the `train` phase of dedupe and link:
 *   u  from seeded random record pairs (nearly all non-matches);
 *   m  by EM on EACH blocking rule's full pair set, with the comparisons of the rule's own
 *      columns held out (their agreement was forced by the blocking) — but not on a rule of an
 *      identifier's first characters (isPartialIdentifierRule) — pooled over the rules
 *      weighted by each session's expected matches (λ_s · pairs: a session of 40 matches does
 *      not count as much as one of 5,000) and Laplace-smoothed against the expected matches
 *      behind it; a level with no data in either m or u gets weight 0.
 *      A session must leave at least TWO comparisons free: with u fixed, one free comparison
 *      of L levels gives L − 1 equations (its level shares) for L unknowns (λ_s and L − 1
 *      values of m) — every λ_s fits, and EM returns whatever its start leads to. On a 3-field
 *      schema (given, family, date: RLdata) each default rule leaves exactly one field free,
 *      and m(exact) came out 0.37 / 0.20 for the family / given name where the true pairs
 *      show 0.73 / 0.65. With two or more conditionally independent comparisons the joint
 *      table has L1·L2 − 1 cells for L1 + L2 − 1 unknowns. A comparison that no such session
 *      estimates is trained on training-only sessions, each blocked on ONE other field's key
 *      (an ID, a date, a category, a family or given name key — as Splink's guides train m:
 *      block_on("dob"), block_on("surname"), …), the cheapest first, at most 500k pairs each,
 *      never used for candidates. Only if that fails too (two comparisons in all) do the
 *      one-free sessions estimate it, as before;
 *   λ  (share of matching pairs among ALL pairs) by a fixed point over the candidate pairs,
 *      with m and u fixed (pairs outside the blocks count as non-matches);
 *   u  again, without the λ·m matching pairs expected among the random ones
 *      (correctUForMatches), then the evidence and λ again — only where that moves a level
 *      weight by a twentieth of a bit or more: in a small dataset full of duplicates, not at
 *      national scale, where λ·m·(sample) is far below one pair.
 * The heavy loops run on the worker pool (src/pool), summed in a fixed order.
 */
import { schemaHasIdField } from './default-rules.js';
import { KhopError } from '../errors.js';
import type { BlockIndex } from '../block/block-index.js';
import { candidatePairs, type CandidatePairsReport } from '../block/candidate-pairs.js';
import { describeRule, ruleBlockCap, ruleProblems, type BlockingRule } from '../block/blocking-rule.js';
import { buildBlockIndexes } from '../block/build-block-index.js';
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import { estimateU } from '../score/estimate-u.js';
import { sampleRandomPairs } from '../score/random-pairs.js';
import { rankOfRows, rowsInRankOrder } from './rank-of.js';
import type { EmOptions, EmSession, EmSessionDiagnostics } from '../score/expectation-maximisation.js';
import { computeLevels, posteriorSumBuffer, sumPosteriors, type MatchRunner } from '../pool/parallel-match.js';
import { trainEmParallel } from '../pool/parallel-em.js';
import { sharedFloat64, sharedUint32, sharedUint8 } from '../pool/shared-arrays.js';
import type { PreparedDataset } from './prepare.js';
import { tooFewRecordsError } from './too-few-records.js';
import type { ComparisonPlan } from './comparisons.js';
import { PairBuffer } from './pair-buffer.js';

/** What training needs of the validated match options. */
export interface TrainingOptions {
  readonly uSampleSize: number;
  readonly seed: number;
  readonly maxBlockSize: number;
}

/** Pseudo-count of matching pairs added to every level when smoothing m. */
const M_PSEUDO_COUNT = 1;

/** Rounds of the u correction (correctUForMatches); 2–3 settle a dataset of 20k records. */
const U_CORRECTION_MAX_ROUNDS = 4;

/**
 * Smallest change of a level weight, in bits, for which the u correction is applied (and the
 * evidence computed again): a twentieth of a bit moves no decision that matters and costs a
 * pass over every candidate pair.
 */
const U_CORRECTION_MIN_BITS = 0.05;

/** Pairs of one rule used for its EM session (at most: the first whole blocks in block order). */
const MAX_TRAINING_PAIRS = 2_000_000;

/**
 * Pairs of one training-only session (at most: the first whole blocks in block order, i.e. a
 * hash-ordered sample of blocks): its pairs are compared only to train, and a few hundred thousand pairs
 * already hold thousands of matches — enough for m levels of a few percent.
 */
const MAX_EXTRA_TRAINING_PAIRS = 500_000;

/**
 * Whether a rule blocks only on the first characters of identifiers (the default
 * `<identifier>.prefix`: an e-mail's first 8). It pairs candidates but trains no EM session: an
 * identifier's head is often made of other fields — "susan.carter.686@…" starts with the name —
 * so its pairs agree on those fields by construction, and holding out the identifier's own
 * comparison does not remove that. On 1,000 generic records whose e-mails start with the name,
 * its session took the namesakes it pairs for matches: m(dob else) 0.003 → 0.33, a birth-date
 * mismatch −1 bit instead of −8, and two people sharing a name and an e-mail domain matched. The
 * whole identifier (its exact rule) still trains: two different people share it by chance
 * almost never. Labelled sets: fake_1000 F1 0.9526 → 0.9536, fake_20000 0.9142 → 0.9136.
 */
function isPartialIdentifierRule(rule: BlockingRule, identifierColumns: ReadonlySet<string>): boolean {
  return rule.parts.length > 0 && rule.parts.every((p) => p.transform === 'first' && identifierColumns.has(p.column));
}

/**
 * Whether a rule's pairs are mostly Vietnamese namesakes, so that it pairs candidates but trains
 * no EM session:
 * - a Vietnamese name's keys with nothing but places beside them (the default `<name>.full`
 *   rules of a schema without an ID field): its pairs share the whole name by construction, and
 *   with a few hundred common Vietnamese full names most of them are namesakes, whom the session
 *   took for matches — on 100,000 synthetic records without their ID column m(dob else) 0.003 →
 *   0.19, pair precision 0.90 → 0.68;
 * - in a schema without an ID field, a Vietnamese name's keys with the exact date (`<name>.given
 *   +<dob>`, `<name>.family+<dob>`): the free comparisons are the other name parts, whose common
 *   values (Nguyễn, Thị, Văn) namesakes born the same day share, and the places. Nothing free
 *   tells such namesakes apart but the place, so the session took them for matches and learnt
 *   that a different province or address is common among matches (m(province else) 0.145 and
 *   0.157 against 0.000 in the session blocked on the whole name and the birth year, which holds
 *   the names and the date out). With an ID field the ID's comparison is free in these sessions
 *   and tells namesakes apart. Measured on synthetic Vietnamese records without their ID column
 *   (name, date, sex, province, address; bench/quality/namesakes.ts), pair precision / recall
 *   100k at 5 % duplicates 0.822 / 0.994 → 0.921 / 0.994, another seed 0.761 / 0.996 → 0.842 /
 *   0.996, 300k 0.779 / 0.948 → 0.938 / 0.931, 1 % duplicates 0.574 / 0.976 → 0.749 / 0.965,
 *   20 % 0.946 / 0.996 → 0.972 / 0.996.
 * The comparisons such a rule would estimate are trained by the other sessions (the whole name
 * with the birth year, the date with a place, the training-only sessions).
 */
function isVietnameseNameRule(rule: BlockingRule, prepared: PreparedDataset): boolean {
  const viPrefixes = prepared.nameGroups.filter((g) => g.locale === 'vi').map((g) => `${g.prefix}.`);
  const places = new Set(prepared.schema.fields.filter((f) => f.kind === 'category').map((f) => `${f.name}.fold`));
  const dates = schemaHasIdField(prepared.schema) ? new Set<string>() : new Set(prepared.schema.fields.filter((f) => f.kind === 'date').map((f) => `${f.name}.date`));
  const isName = (c: string) => viPrefixes.some((x) => c.startsWith(x));
  return (
    rule.parts.some((p) => isName(p.column)) &&
    rule.parts.every((p) => isName(p.column) || places.has(p.column) || (dates.has(p.column) && p.transform === undefined))
  );
}

/** Free (estimated) comparisons a session needs: with one, m and λ_s are not identifiable (header). */
const MIN_FREE_COMPARISONS = 2;

/**
 * Training-only rules: one per single field key that can block on its own without making one
 * block of everybody — each ID, date, category and free-text field exactly, and each name
 * group's family and given keys. Not sex (two blocks) or middle names (Văn / Thị).
 *
 * Free text (an address) shared exactly is the same person or a household: the session's
 * non-matches differ in their given names and birth dates, so it estimates the names' and the
 * date's m without namesakes — which the sessions blocked on a name key are full of. Without it,
 * in a schema whose rules all hold the date out (Vietnamese names without an ID field), the
 * date's m came from the family-name session alone, where people of one common full name and
 * different birth dates passed for matches: m(dob else) 0.081, a different birth date −3 bits.
 * With it (it has the fewest pairs, so the greedy choice below takes it first): m(dob else)
 * 0.003; synthetic records without their ID column (bench/quality/namesakes.ts), pair precision
 * 1M 0.776 → 0.952 at recall 0.995, 100k 0.921 → 0.970, 300k 0.938 → 0.964 (recall 0.931 →
 * 0.996), 1 % duplicates 0.749 → 0.842.
 */
export function trainingRules(prepared: PreparedDataset): BlockingRule[] {
  const rules: BlockingRule[] = [];
  for (const f of prepared.schema.fields) {
    if (f.kind === 'nationalId' || f.kind === 'identifier') rules.push({ name: `train:${f.name}`, parts: [{ column: `${f.name}.id` }] });
    else if (f.kind === 'date') rules.push({ name: `train:${f.name}`, parts: [{ column: `${f.name}.date` }] });
    else if (f.kind === 'category' || f.kind === 'text') rules.push({ name: `train:${f.name}`, parts: [{ column: `${f.name}.fold` }] });
  }
  for (const g of prepared.nameGroups) {
    rules.push({ name: `train:${g.name}.family`, parts: [{ column: `${g.prefix}.familyKey` }] });
    rules.push({ name: `train:${g.name}.given`, parts: [{ column: `${g.prefix}.givenKey` }] });
  }
  return rules;
}

/** All record pairs of the job: dedupe n(n−1)/2, link nLeft × nRight. */
export function totalPairsOf(prepared: PreparedDataset, linkMode: boolean): number {
  const n = prepared.store.rowCount;
  return linkMode ? (prepared.sourceRows[0] ?? 0) * (prepared.sourceRows[1] ?? 0) : (n * (n - 1)) / 2;
}

/**
 * Writes the evidence of every candidate pair under `noPrior` (its match weight with prior ½:
 * the sum of its level weights and term-frequency adjustments) into the `evidence` column
 * given to trainModel, pair p at p. The caller decides how: from level columns it holds, or by
 * comparing the candidate stream again window by window (match.ts).
 */
export type EvidencePass = (noPrior: FellegiSunterModel) => Promise<void>;

export async function trainModel(
  runner: MatchRunner,
  prepared: PreparedDataset,
  plan: ComparisonPlan,
  /** Candidate pairs of the run (their share of all pairs starts EM's prior and λ's fixed point). */
  candidateCount: number,
  /** Fills `evidence[0 .. candidateCount)` (see EvidencePass). */
  evidencePass: EvidencePass,
  indexes: readonly BlockIndex[],
  rules: BlockingRule[],
  /**
   * The per-pair evidence of the λ estimate: shared Float64Array of length
   * ≥ max(1, candidateCount), overwritten (the caller may reuse it for the final weights, so a
   * large run does not hold two 8-byte-per-pair columns at once).
   */
  evidence: Float64Array,
  v: TrainingOptions,
  em: EmOptions | undefined,
  linkMode: boolean,
  /** Every candidate pair's levels, when the caller holds them (trainAndScore): see HeldLevels. */
  held?: HeldLevels,
): Promise<{ model: FellegiSunterModel; stats: Record<string, number> }> {
  const nLeft = prepared.sourceRows[0] ?? 0;
  const nRight = prepared.sourceRows[1] ?? 0;
  const totalPairs = totalPairsOf(prepared, linkMode);
  if (totalPairs < 1) {
    // A link names the side without usable records (the rows read are both sides'); the
    // rejections go in the details, per source, for a caller that rejected rows of its own
    // before these (the command line's reader: too-few-records.ts).
    const bySource = prepared.rejectedBySource ?? [prepared.rejected];
    throw tooFewRecordsError(linkMode, linkMode ? [nLeft, nRight] : [prepared.store.rowCount], prepared.inputRows, bySource);
  }
  const n = prepared.store.rowCount;
  // u from random pairs (copied onto shared memory for the compare tasks).
  let t = performance.now();
  // The pairs are drawn as positions in record-id order (rank-of.ts), not in input order: with
  // an idField the same records in another order give the same pairs, hence the same u and
  // model (the default ids are the input positions: there the two orders are one).
  const random = linkMode ? sampleRandomPairs(v.uSampleSize, { left: nLeft, right: nRight }, v.seed) : sampleRandomPairs(v.uSampleSize, n, v.seed);
  const rowAt = rowsInRankOrder(rankOfRows(prepared, linkMode));
  const rLeft = sharedUint32(random.count);
  const rRight = sharedUint32(random.count);
  for (let i = 0; i < random.count; i++) {
    const a = rowAt[random.left[i]!]!;
    const b = rowAt[random.right[i]! + (linkMode ? nLeft : 0)]!;
    // A dedupe pair keeps its smaller row on the left, as sampleRandomPairs writes it.
    rLeft[i] = linkMode || a < b ? a : b;
    rRight[i] = linkMode || a < b ? b : a;
  }
  const uLevels = plan.specs.map(() => sharedUint8(Math.max(1, random.count)));
  await computeLevels(runner, 'train', rLeft, rRight, random.count, uLevels);
  // A comparison no random pair has a value for (e.g. middle names in data that has none) has
  // no u to estimate: it gets uniform u here and m = u below — weight 0, no evidence.
  const empty = new Set<number>();
  for (let k = 0; k < uLevels.length; k++) {
    const col = uLevels[k]!;
    let any = false;
    for (let i = 0; i < random.count && !any; i++) any = col[i] !== 0;
    if (!any) empty.add(k);
  }
  const keep = plan.specs.map((_, k) => k).filter((k) => !empty.has(k));
  // One comparison with values (the schema has more fields, the rows fill one): EM cannot
  // separate matches from non-matches on one comparison (see the header; D22 refuses a plan of
  // one) — it would return its start, and every row a singleton, a plausible-looking answer.
  if (candidateCount > 0 && keep.length < 2 && random.count > 0) {
    const only = keep.length === 1 ? ` (${JSON.stringify(plan.specs[keep[0]!]!.name)})` : '';
    throw new KhopError(
      'INVALID_INPUT',
      `nothing to train on: ${keep.length === 1 ? 'one comparison' : 'no comparison'}${only} has values in the sampled record pairs, the other fields are empty — training needs at least two; pass a trained model, or rows with more fields filled`,
    );
  }
  // Every random pair agreeing exactly on every field it has (every record the same): no
  // agreement is evidence (u(exact) = 1), EM has nothing to separate, and the candidate pairs
  // would all score 0 bits — every row a singleton, a plausible-looking wrong answer. Refused
  // when there are candidates to score (none: every block was skipped, and the stats say so).
  const varying = keep.filter((k) => !uLevels[k]!.subarray(0, random.count).every((l) => l <= 1));
  if (candidateCount > 0 && keep.length > 0 && random.count > 0 && varying.length === 0) {
    throw new KhopError(
      'INVALID_INPUT',
      'the records do not vary: every sampled pair agrees exactly on every field it has, so nothing tells a match from a non-match; a model cannot be trained (pass a trained model to score such data)',
    );
  }
  // ONE comparison varies, the others agree on every sampled pair (everyone "John Smith", the
  // dates differing): a constant comparison is no evidence (u(exact) = 1), so EM has one
  // comparison to work with — as above, not identifiable: λ fell to its floor and identical
  // rows scored −8 bits, every row a singleton.
  if (candidateCount > 0 && random.count > 0 && varying.length === 1 && keep.length > 1) {
    throw new KhopError(
      'INVALID_INPUT',
      `nothing to train on: only one comparison (${JSON.stringify(plan.specs[varying[0]!]!.name)}) differs between the sampled record pairs — every pair agrees exactly on the other fields it has — and training needs at least two that vary; pass a trained model to score such data`,
    );
  }
  const uSub = keep.length > 0 ? estimateU(keep.map((k) => uLevels[k]!), random.count, keep.map((k) => plan.specs[k]!)) : { u: [], counts: [], unobserved: [] };
  const uAll: Float64Array[] = plan.specs.map((spec, k) => {
    const i = keep.indexOf(k);
    if (i >= 0) return uSub.u[i]!;
    const L = spec.levels.length;
    return Float64Array.from({ length: L }, (_, l) => (l === 0 ? 0 : 1 / (L - 1)));
  });
  const unobservedU = new Set(uSub.unobserved.map((x) => keep[x.comparison]! * 256 + x.level));
  for (const k of empty) for (let l = 1; l < plan.specs[k]!.levels.length; l++) unobservedU.add(k * 256 + l);
  const init = new FellegiSunterModel(plan.specs, { prior: Math.min(0.5, Math.max(1e-12, candidateCount / totalPairs / 2)), u: uAll });
  const uMs = performance.now() - t;

  // m by EM, one session per rule on ALL of that rule's pairs (not only those no earlier rule
  // produced: an earlier rule would otherwise take away every pair agreeing on its columns),
  // with the comparisons of the rule's own columns held out. At most maxTrainingPairs per rule.
  t = performance.now();
  const sessions: EmSession[] = [];
  /** Comparisons held out by a rule (their columns are among the rule's key columns). */
  const fixedBy = (rule: BlockingRule): number[] => {
    const ruleCols = new Set(rule.parts.map((p) => p.column));
    const fixed: number[] = [];
    plan.columns.forEach((cols, k) => {
      if (cols.some((c) => ruleCols.has(c))) fixed.push(k);
    });
    return fixed;
  };
  /** Free comparisons of a rule that have data (a comparison empty in the u sample estimates nothing). */
  const freeOf = (fixed: readonly number[]): number[] => plan.specs.map((_, k) => k).filter((k) => !fixed.includes(k) && !empty.has(k));
  let heldPairs = 0;
  /** A session of `rule`, blocked by `index`; `r`: its position among the run's rules (a training-only rule: none). */
  const addSession = async (rule: BlockingRule, index: BlockIndex, fixed: number[], cap = MAX_TRAINING_PAIRS, r?: number): Promise<void> => {
    const rulePairs = new PairBuffer();
    // Whole blocks, so that the pairs do not depend on the order of the rows inside a block.
    const toBlock = blocksWithin(index, v.maxBlockSize, cap, linkMode ? prepared.source : undefined);
    const range = toBlock > 0 ? { rule: 0, fromBlock: 0, toBlock } : {};
    const stream = candidatePairs([index], { maxBlockSize: v.maxBlockSize, ...(linkMode ? { source: prepared.source } : {}), ...range, reuseChunk: true });
    for (const chunk of stream) {
      rulePairs.push(chunk.left, chunk.right, chunk.length);
      if (rulePairs.count >= cap) break;
    }
    const count = Math.min(rulePairs.count, cap);
    if (count < 10) return;
    const ruleLevels = plan.specs.map(() => sharedUint8(count));
    if (held !== undefined && r !== undefined) heldPairs += await levelsFromHeld(runner, held, r, rulePairs, count, ruleLevels);
    else await computeLevels(runner, 'train', rulePairs.left, rulePairs.right, count, ruleLevels);
    sessions.push({ name: describeRule(rule), levels: ruleLevels, count, fixedComparisons: fixed });
  };
  const covered = new Set<number>();
  const identifierColumns = new Set(prepared.schema.fields.filter((f) => f.kind === 'identifier').map((f) => `${f.name}.id`));
  for (let r = 0; r < rules.length; r++) {
    if (isPartialIdentifierRule(rules[r]!, identifierColumns) || isVietnameseNameRule(rules[r]!, prepared)) continue;
    const fixed = fixedBy(rules[r]!);
    const free = freeOf(fixed);
    if (free.length < MIN_FREE_COMPARISONS) continue;
    const before = sessions.length;
    await addSession(rules[r]!, indexes[r]!, fixed, MAX_TRAINING_PAIRS, r);
    if (sessions.length > before) for (const k of free) covered.add(k);
  }
  // Comparisons no identified session estimates: training-only sessions, each blocked on one
  // other field's key. Greedy and deterministic: while a comparison is uncovered, take the rule
  // that estimates one of them with the FEWEST pairs (least work; ties in schema order) — so a
  // schema whose rules already train every comparison runs no extra session.
  const uncovered = () => plan.specs.map((_, k) => k).filter((k) => !empty.has(k) && !covered.has(k));
  if (uncovered().length > 0 && n > 1) {
    const extra = trainingRules(prepared)
      .filter((rule) => ruleProblems([rule], prepared.store.columns).length === 0)
      .map((rule) => {
        const fixed = fixedBy(rule);
        return { rule, fixed, free: freeOf(fixed), index: undefined as BlockIndex | undefined, pairs: 0 };
      })
      .filter((x) => x.free.length >= MIN_FREE_COMPARISONS);
    for (const x of extra) {
      x.index = buildBlockIndexes(prepared.store, [x.rule])[0]!;
      x.pairs = pairsWithin(x.index, v.maxBlockSize);
    }
    for (;;) {
      const left = uncovered();
      let best: (typeof extra)[number] | undefined;
      for (const x of extra) {
        if (x.pairs < 10 || !x.free.some((k) => left.includes(k))) continue;
        if (best === undefined || x.pairs < best.pairs) best = x;
      }
      if (best === undefined) break;
      extra.splice(extra.indexOf(best), 1);
      const before = sessions.length;
      await addSession(best.rule, best.index!, best.fixed, MAX_EXTRA_TRAINING_PAIRS);
      if (sessions.length > before) for (const k of best.free) covered.add(k);
    }
  }
  // Still uncovered (a schema of two comparisons: every session leaves at most one free): the
  // rules' own unidentified sessions, as before — an EM guess, but from the data, not the start.
  if (uncovered().length > 0) {
    for (let r = 0; r < rules.length; r++) {
      const fixed = fixedBy(rules[r]!);
      const free = freeOf(fixed);
      const left = uncovered();
      if (free.length === 0 || free.length >= MIN_FREE_COMPARISONS || !free.some((k) => left.includes(k))) continue;
      const before = sessions.length;
      await addSession(rules[r]!, indexes[r]!, fixed, MAX_TRAINING_PAIRS, r);
      if (sessions.length > before) for (const k of free) covered.add(k);
    }
  }
  const sessionMs = performance.now() - t;
  t = performance.now();
  let model = init;
  let emIterations = 0;
  /** Expected matching pairs behind each comparison's m estimate (for smoothing). */
  let matchesBehind: Float64Array = new Float64Array(plan.specs.length);
  let pooled: Array<Float64Array | undefined> = plan.specs.map(() => undefined);
  if (sessions.length > 0) {
    const trained = await trainEmParallel({ pool: runner.pool, jobId: runner.job.id, ...(runner.traffic ? { traffic: runner.traffic } : {}) }, sessions, init, em ?? {}, 'train');
    model = trained.model;
    for (const d of trained.sessions) emIterations += d.iterations;
    ({ m: pooled, matchesBehind } = poolSessionEstimates(trained.sessions, plan.specs.map((c) => c.levels.length)));
  }
  const emMs = performance.now() - t;

  // λ by a fixed point over all candidate pairs (outside the blocks: non-matches).
  t = performance.now();
  const P = candidateCount;
  const K = plan.specs.length;
  const m: number[][] = [];
  const u: number[][] = [];
  for (let k = 0; k < K; k++) {
    const L = model.levelCount(k);
    const mk = [0];
    const uk = [0];
    // Laplace smoothing of m with one pseudo-pair per level, weighed against the expected
    // matching pairs the estimate rests on: a level no matching pair happened to land on gets
    // m ≈ 1/M rather than ~0 (which would make it a −25-bit veto on one unseen event).
    // A level seen neither among the matching pairs (expected count < 1) nor among the random
    // pairs has no data at all: it gets m = u (weight 0, no evidence) instead of the ratio of
    // two pseudo-counts, which would be a large weight made of nothing.
    const M = matchesBehind[k]!;
    for (let l = 1; l < L; l++) {
      const raw = pooled[k] !== undefined ? pooled[k]![l]! : model.mProbability(k, l);
      const uKL = model.uProbability(k, l);
      const noData = empty.has(k) || (unobservedU.has(k * 256 + l) && raw * M < 1);
      mk.push(noData ? uKL : M > 0 ? (raw * M + M_PSEUDO_COUNT) / (M + M_PSEUDO_COUNT * (L - 1)) : raw);
      uk.push(uKL);
    }
    m.push(normalise(mk));
    u.push(normalise(uk));
  }
  const sums = posteriorSumBuffer(P);
  let lambda = Math.min(0.5, Math.max(1e-15, P / totalPairs / 2));
  let lambdaIterations = 0;
  const fixLambda = async (): Promise<void> => {
    const noPrior = new FellegiSunterModel(plan.specs, { prior: 0.5, m, u });
    if (P > 0) await evidencePass(noPrior);
    // Σ P(match) per fixed pair range, added in range order: the same λ for any thread count.
    for (let it = 0; it < 200; it++) {
      lambdaIterations++;
      const logit = Math.log2(lambda / (1 - lambda));
      const expected = P > 0 ? await sumPosteriors(runner, 'train', evidence, P, logit, sums) : 0;
      const next = Math.min(0.5, Math.max(1e-15, expected / totalPairs));
      if (Math.abs(next - lambda) <= lambda * 1e-6) {
        lambda = next;
        break;
      }
      lambda = next;
    }
  };
  await fixLambda();
  // u again, without the matches among the random pairs (see correctUForMatches): while that
  // moves a level weight by U_CORRECTION_MIN_BITS or more, the evidence and λ are computed
  // again with the corrected u (a smaller change is not applied: the model keeps the u its
  // evidence was computed with).
  let uRounds = 0;
  for (; uRounds < U_CORRECTION_MAX_ROUNDS; uRounds++) {
    const corrected = keep.map((k, i) => correctUForMatches(uSub.counts[i]!, m[k]!, lambda));
    let change = 0;
    keep.forEach((k, i) => {
      for (let l = 1; l < corrected[i]!.length; l++) change = Math.max(change, Math.abs(Math.log2(corrected[i]![l]! / u[k]![l]!)));
    });
    if (!(change >= U_CORRECTION_MIN_BITS)) break;
    keep.forEach((k, i) => (u[k] = corrected[i]!));
    await fixLambda();
  }
  const lambdaMs = performance.now() - t;
  return {
    model: new FellegiSunterModel(plan.specs, { prior: lambda, m, u, trainedOn: { records: linkMode ? Math.min(nLeft, nRight) : n, pairs: totalPairs } }),
    stats: { uPairs: random.count, uMs, emPairs: sessions.reduce((s, x) => s + x.count, 0), emLevelsMs: sessionMs, emPairsReused: heldPairs, emIterations, emMs, lambdaIterations, lambdaMs, uRounds },
  };
}

/**
 * m per comparison pooled over the EM sessions that estimated it, each session weighted by its
 * expected matching pairs λ_s · pairs_s — the sample its estimate rests on — rather than the
 * plain mean (trainEM's), where a session of 40 expected matches counts as much as one of
 * 5,000. `m[k]` is undefined when no session with a positive weight estimated comparison k.
 * `matchesBehind[k]`: the largest session weight behind k (sessions share pairs, so weights
 * are not added), for smoothing.
 */
export function poolSessionEstimates(
  sessions: readonly EmSessionDiagnostics[],
  levelCounts: readonly number[],
): { m: Array<Float64Array | undefined>; matchesBehind: Float64Array } {
  const K = levelCounts.length;
  const m: Array<Float64Array | undefined> = new Array<Float64Array | undefined>(K).fill(undefined);
  const matchesBehind = new Float64Array(K);
  const weightSum = new Float64Array(K);
  for (const d of sessions) {
    const w = d.prior * d.pairs;
    for (const k of d.estimatedComparisons) {
      matchesBehind[k] = Math.max(matchesBehind[k]!, w);
      const mk = d.m[k];
      if (!mk || !(w > 0)) continue;
      const acc = (m[k] ??= new Float64Array(levelCounts[k]!));
      for (let l = 1; l < acc.length; l++) acc[l] += w * mk[l]!;
      weightSum[k] += w;
    }
  }
  for (let k = 0; k < K; k++) {
    const acc = m[k];
    if (acc) for (let l = 1; l < acc.length; l++) acc[l] /= weightSum[k]!;
  }
  return { m, matchesBehind };
}

/**
 * How many of an index's first blocks (in block order: by key hash, a sample of blocks that does
 * not depend on the rows' order) hold at most `cap` candidate pairs together — cross pairs in a
 * link (`source`), blocks over the rule's cap skipped as the pair stream skips them. Training
 * takes whole blocks: cut inside a block, its pairs would be those of the rows that came first
 * in the input. 0 when even the first block that yields pairs holds more than `cap` (a
 * maxBlockSize above the default 1,000, whose blocks can exceed a session's 500,000 or 2,000,000
 * pairs): the caller then cuts that block.
 */
export function blocksWithin(index: BlockIndex, maxBlockSize: number, cap: number, source?: Uint8Array): number {
  const blockCap = ruleBlockCap(index.rule, maxBlockSize);
  const { starts, rowIds } = index;
  let pairs = 0;
  for (let b = 0; b + 1 < starts.length; b++) {
    const size = starts[b + 1]! - starts[b]!;
    if (size < 2 || size > blockCap) continue;
    let blockPairs: number;
    if (source === undefined) blockPairs = (size * (size - 1)) / 2;
    else {
      let left = 0;
      for (let i = starts[b]!; i < starts[b + 1]!; i++) if (source[rowIds[i]!] === 0) left++;
      blockPairs = left * (size - left);
    }
    // Over the cap: the blocks before it — none when no earlier block yields a pair (blocks of
    // one row, or of one side in a link, come first): then 0, and the caller cuts this one.
    if (pairs + blockPairs > cap) return pairs === 0 ? 0 : b;
    pairs += blockPairs;
  }
  return starts.length - 1;
}

/**
 * Record pairs inside the blocks of an index that are not skipped (size ≤ the cap of its rule,
 * ruleBlockCap); a dedupe count.
 */
export function pairsWithin(index: BlockIndex, maxBlockSize: number): number {
  const cap = ruleBlockCap(index.rule, maxBlockSize);
  let pairs = 0;
  const starts = index.starts;
  for (let b = 0; b + 1 < starts.length; b++) {
    const size = starts[b + 1]! - starts[b]!;
    if (size <= cap) pairs += (size * (size - 1)) / 2;
  }
  return pairs;
}

/**
 * u of one comparison from its random-pair level counts, less the matching pairs expected among
 * them. A random pair is a match with probability λ (the prior: the same share of all pairs),
 * so the counts estimate λ·m + (1 − λ)·u, not u. At national scale λ·m·N is far below one pair
 * and this changes nothing; in a small dataset with many duplicates (λ ≈ 1e-4) the random pairs
 * agreeing on a near-unique value (an e-mail, a full date) are mostly the same person, and
 * reading them as chance agreement makes that value weak evidence. Expected matches are taken
 * off each level's count (never below zero) before the same pseudo-count smoothing as
 * estimateU; entry 0 (null) stays 0.
 */
export function correctUForMatches(counts: Float64Array, m: readonly number[], lambda: number, pseudoCount = 1): number[] {
  let n = 0;
  for (let l = 1; l < counts.length; l++) n += counts[l]!;
  const out = [0];
  for (let l = 1; l < counts.length; l++) out.push(Math.max(counts[l]! - lambda * m[l]! * n, 0) + pseudoCount);
  return normalise(out);
}

function normalise(xs: number[]): number[] {
  let s = 0;
  for (let i = 1; i < xs.length; i++) s += xs[i]!;
  return xs.map((x, i) => (i === 0 ? 0 : x / s));
}

/**
 * The candidate pass's pairs and levels, held by trainAndScore. A rule's training session pairs
 * the rows of the rule's blocks again, in the order the candidate pass visited them; the pairs
 * that pass produced under the same rule (all but those an earlier rule produced: candidate-pairs.ts)
 * are rule r's stretch `ruleStarts[r] … ruleStarts[r + 1]` of the candidates, in the same order —
 * so the session copies their levels instead of comparing the pairs a second time (1M
 * Vietnamese records: 1.96M of the sessions' 2.28M pairs; BENCHMARKS.md, after the e2e dedupe
 * table). A pair is copied only when both its rows are the candidate's, so an order that
 * differed would cost comparisons, never a wrong level.
 */
export interface HeldLevels {
  readonly left: Uint32Array;
  readonly right: Uint32Array;
  readonly levels: readonly Uint8Array[];
  /** Rule r's candidates are [ruleStarts[r], ruleStarts[r + 1]). */
  readonly ruleStarts: readonly number[];
}

/** HeldLevels of a candidate pass: its pairs, their levels, and its report's pairs per rule. */
export function heldLevelsOf(left: Uint32Array, right: Uint32Array, levels: readonly Uint8Array[], report: CandidatePairsReport, rules: number): HeldLevels {
  const produced = new Array<number>(rules).fill(0);
  for (const r of report.rules) produced[r.rule] = r.pairs;
  const ruleStarts = [0];
  for (let r = 0; r < rules; r++) ruleStarts.push(ruleStarts[r]! + produced[r]!);
  return { left, right, levels, ruleStarts };
}

/**
 * Levels of a session of rule `r` (its `count` pairs) into `out`: copied from `held` where the
 * candidate pass compared the same pair under rule r, compared on the pool for the rest.
 * Returns the number of pairs copied.
 */
async function levelsFromHeld(runner: MatchRunner, held: HeldLevels, r: number, pairs: { left: Uint32Array; right: Uint32Array }, count: number, out: readonly Uint8Array[]): Promise<number> {
  const K = out.length;
  const rest = new Uint32Array(count);
  let n = 0;
  let c = held.ruleStarts[r]!;
  const end = held.ruleStarts[r + 1]!;
  const { left, right, levels } = held;
  for (let i = 0; i < count; i++) {
    if (c < end && left[c] === pairs.left[i] && right[c] === pairs.right[i]) {
      for (let k = 0; k < K; k++) out[k]![i] = levels[k]![c]!;
      c++;
    } else rest[n++] = i;
  }
  if (n > 0) {
    const restLeft = sharedUint32(n);
    const restRight = sharedUint32(n);
    for (let j = 0; j < n; j++) {
      restLeft[j] = pairs.left[rest[j]!]!;
      restRight[j] = pairs.right[rest[j]!]!;
    }
    const restLevels = out.map(() => sharedUint8(n));
    await computeLevels(runner, 'train', restLeft, restRight, n, restLevels);
    for (let k = 0; k < K; k++) {
      const from = restLevels[k]!;
      const to = out[k]!;
      for (let j = 0; j < n; j++) to[rest[j]!] = from[j]!;
    }
  }
  return count - n;
}
