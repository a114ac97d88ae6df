/**
 * dedupe() and link(): blocking → comparison → Fellegi–Sunter scoring (EM-trained, explained
 * per field) → clusters.
 *
 *   rows ─prepare─► RecordStore ─rules─► BlockIndex per rule ─► candidate pairs (Uint32 columns,
 *   grouped by rule) ─compare─► level columns (Uint8 per comparison) ─┬─► u: random pairs
 *                                                                     ├─► m: EM per rule
 *                                                                     └─► λ: fixed point
 *   ─score─► weights (Float64) ─cluster─► cluster id per input row
 *
 * Training without labels (Fellegi & Sunter 1969; Winkler 1988; as Splink does it; code in
 * train-model.ts):
 * - u from seeded random record pairs (nearly all non-matches);
 * - m by EM on each rule's candidate pairs separately, with the comparisons of the columns
 *   the rule blocks on held out (their agreement was forced by the blocking, so those pairs
 *   say nothing about m there); a session needs two free comparisons, and a comparison no
 *   rule leaves free with another is trained on pairs blocked on one other field's key
 *   (never used as candidates); m is pooled over the sessions weighted by their expected
 *   matches (λ_s · pairs);
 * - λ (the share of matching pairs among ALL record pairs) by a fixed point over the candidate
 *   pairs: λ ← Σ P(match | γ, λ) / total pairs, with m and u fixed (pairs outside the blocks
 *   are taken as non-matches).
 * A pair is a match when its posterior probability ≥ `threshold` (default 0.5: the Bayes
 * decision for equal costs — a principle, not a value tuned on any dataset).
 *
 * Memory: after scoring only the pairs at or above `pairFloor` — and, for the average-linkage
 * guard, those down to AVERAGE_LINKAGE_EVIDENCE_FLOOR (1.2 % more pairs on the 1M synthetic
 * population), dropped after clustering — are kept (KeptPairs, kept-pairs.ts) for clustering
 * and the result. Before it, the candidates are held whole
 * (pair, levels, weight: ~24 bytes a pair for 8 comparisons) only by a training run whose
 * columns stay under STREAM_TRAINING_MIN_BYTES (trainAndScore: one read of the stream). A
 * larger one streams them (trainStream): EM's sessions come from the indexes, so the stream is
 * counted, compared once for λ's evidence (8 bytes a pair, in windows of SCORE_WINDOW_PAIRS),
 * and read a third time to score each pair from its evidence, comparing only the pairs it
 * keeps (scoreFromEvidence). With a given `model` (e.g. trained on a sample, saved with
 * toJSON) nothing is trained and the stream is scored once, window by window (scoreStream).
 * All three give the same weights bit for bit for the same model.
 *
 * Threads (src/pool): the heavy phases run as tasks on a KhopPool over shared memory — the
 * comparison levels of the candidate pairs, of the u sample and of the EM pairs; the E-steps;
 * scoring; the λ sums. Pair, level, tf and weight columns live on SharedArrayBuffer and tasks
 * write their ranges in place. Sums are taken per fixed pair range and added in range order,
 * so pairs, weights, model and clusters are bit-identical for any number of threads;
 * `threads: 1` runs the same tasks in the calling thread. Blocking, candidate pairs (~60M
 * pairs/s, a small share of the time), term-frequency tables and clustering stay on the
 * calling thread.
 */
import { KhopError, isKhopError, problemsOf } from '../errors.js';
import { defineSchema, RESERVED_NAMES, reservedNameReason, type FieldSpec, type Schema } from '../schema.js';
import { buildBlockIndexes } from '../block/build-block-index.js';
import { buildBlockIndexesParallel } from '../pool/parallel-index.js';
import { candidatePairs, DEFAULT_MAX_BLOCK_SIZE, type CandidatePairsReport } from '../block/candidate-pairs.js';
import { describeRule, ruleBlockCap, validateRules, type BlockingRule } from '../block/blocking-rule.js';
import { FellegiSunterModel, type Explanation } from '../score/fellegi-sunter.js';
import { unknownKeys } from '../util/option-keys.js';
import type { ComparisonSpec } from '../score/comparison-spec.js';
import { EM_OPTION_KEYS, resolveEmOptions, type EmOptions } from '../score/expectation-maximisation.js';
import { leastWeightReaching, probabilityOfWeight, weightOfProbability } from '../score/probability.js';
import { clusterPairs, clusterSizeHistogram, type ClusterConflicts, type ClusterSizeCount } from '../cluster/clusters.js';
import { NationalIdLevel } from '../compare/national-id-level.js';
import { estimateMemory } from './estimate-memory.js';
import { rankOfRows } from './rank-of.js';
import { nameGroupsOf, prepareRows, storeColumnCollisions, storeColumnsFor, type NameGroup, type PreparedDataset, type PrepareRowsOptions, type RejectedRow, type RowSource } from './prepare.js';
import { absentFieldsProblem } from '../util/absent-fields.js';
import { DEFAULT_PARALLEL_PREPARE_MIN_BYTES, DEFAULT_PARALLEL_PREPARE_MIN_ROWS, pooledPrepare } from './parallel-prepare.js';
import { pieceFileBytes } from '../io/file-pieces.js';
import { phaseError } from '../pool/phase-runner.js';
import { planComparisons, type ComparisonPlan } from './comparisons.js';
import { termFrequencyRows } from './term-frequency-rows.js';
import { defaultBlockingRules, resolveRules } from './default-rules.js';
import { availableParallelism } from 'node:os';
import { KhopPool } from '../pool/pool.js';
import { createMatchJob, releaseMatchJob, type MatchJob } from '../pool/match-job.js';
import { computeLevels, scoreAll, type MatchRunner } from '../pool/parallel-match.js';
import { PoolTraffic } from '../pool/task-message.js';
import { sharedFloat64, sharedUint8 } from '../pool/shared-arrays.js';
import { PairBuffer } from './pair-buffer.js';
import { HIST_BIN_START, HIST_BIN_WIDTH, KeptPairs, SCORE_WINDOW_PAIRS, STREAM_TRAINING_MIN_BYTES } from './kept-pairs.js';

export { SCORE_WINDOW_PAIRS, STREAM_TRAINING_MIN_BYTES };
import type { BlockIndex } from '../block/block-index.js';
import type { ProgressEvent } from '../io/progress.js';
import { heldLevelsOf, pairsWithin, totalPairsOf, trainModel } from './train-model.js';
import { MAX_RANDOM_PAIRS } from '../score/random-pairs.js';
import { modelWarnings, type IdentityComparison, type MatchWarning } from './model-warnings.js';

/**
 * A progress event of dedupe/link (also used by the command line's progress display): a
 * {@link ProgressEvent} with the phases and units these runs report, so a
 * {@link createProgressReporter} reporter can be passed as `onProgress` as it is.
 */
export interface MatchProgress extends ProgressEvent {
  readonly phase: 'prepare' | 'index' | 'pairs' | 'compare' | 'train' | 'score' | 'cluster';
  readonly done: number;
  readonly total?: number;
  readonly unit: 'rows' | 'pairs' | 'rules';
  readonly final?: boolean;
}

/** Options of {@link dedupe} and {@link link}. */
export interface MatchOptions {
  /** The schema: a {@link defineSchema} result or the object it takes. Required. */
  schema: Schema | Record<string, FieldSpec>;
  /** Column holding the user's record id (cluster ids are the smallest id of a cluster). Default: the input position. */
  idField?: string;
  /** Blocking rules; a part's `column` may name a schema field. Default: {@link defaultBlockingRules}. */
  blocking?: BlockingRule[];
  /** Compare only these schema fields (and name groups). Default: every field. */
  compare?: string[];
  /** Match when the posterior match probability ≥ this, in (0, 1). Default 0.5. */
  threshold?: number;
  /** Return pairs whose probability ≥ this (≤ threshold). Default: the threshold. */
  pairFloor?: number;
  /** Blocks larger than this are skipped and reported. Default 1000. */
  maxBlockSize?: number;
  /** Random record pairs sampled to estimate u. Default 1,000,000 (all pairs when fewer). */
  uSampleSize?: number;
  /** EM options (iterations, tolerance). */
  em?: EmOptions;
  /**
   * A trained model (e.g. from a previous run's `model.toJSON()`, loaded with
   * `FellegiSunterModel.fromJSON`): skips training, and the candidate pairs are scored as they
   * are made, window by window, never all held — how a dataset too large to train on whole is
   * matched with a model trained on a sample of it.
   */
  model?: FellegiSunterModel;
  /** Seed of every random choice. Default 1. */
  seed?: number;
  /**
   * Threads, an integer in 1..256. `1` runs every phase in the calling thread (no worker).
   * Default: the available cores (`os.availableParallelism()`) — except that a job with fewer
   * than {@link DEFAULT_PARALLEL_MIN_PAIRS} pairs to compare runs in the calling thread, where
   * starting threads would cost more than they save; rows given as an array of at least
   * {@link DEFAULT_PARALLEL_PREPARE_MIN_ROWS}, or as a CSV reader's source of a file of at
   * least {@link DEFAULT_PARALLEL_PREPARE_MIN_BYTES} (read in pieces on the pool), are prepared
   * on the pool too (then the pool is started before the rows are read). Results do not depend on it.
   */
  threads?: number;
  /**
   * 'split' (default): a person has one national ID — clusters holding different well-formed
   * 12-digit IDs are never merged unless the linking pair's ID level is a typo level. 'ignore':
   * plain transitive closure of the matched pairs.
   */
  idConflicts?: 'split' | 'ignore';
  /**
   * 'average' (default): a matched pair joins two clusters only when the scored pairs between
   * them agree — their mean match probability reaches the threshold, or half of them do — so one
   * pair between namesakes does not chain their clusters together (cluster/clusters.ts,
   * "Average-linkage guard"; the pairs of probability ≥ {@link AVERAGE_LINKAGE_EVIDENCE_FLOOR}
   * are its evidence; the cluster phase's averageLinkagePairs counts the pairs it refused).
   * 'single': every matched pair joins its rows' clusters (transitive closure). Both apply
   * idConflicts. Results do not depend on pairFloor.
   */
  linkage?: 'average' | 'single';
  /**
   * Train on the candidate pairs as a stream instead of holding them: the stream is read three
   * times (counted; compared for λ's evidence; scored from it, comparing only the kept pairs)
   * and 16 + K bytes a pair (K comparisons) are not held (10M records: 10.2 → 7.5 GiB peak).
   * Results are the same bit for bit. Default: true when holding them would take more than
   * {@link STREAM_TRAINING_MIN_BYTES} (2 GiB), by an upper bound known before any pair is
   * made. With a given `model` the candidates are always streamed.
   */
  streamCandidates?: boolean;
  /**
   * Bytes the run may use. When the rows are an array, estimateMemory() runs first and a run
   * that would exceed the budget fails at once with MEMORY_BUDGET_EXCEEDED. Default: no check.
   */
  memoryBudget?: number;
  /**
   * A pool to run on (e.g. one kept for many calls, saving the threads' start-up); its thread
   * count replaces `threads`. It is not closed. Default: a pool of `threads` threads, closed
   * when the call ends.
   */
  pool?: KhopPool;
  /** Called with progress events (numbers only, never record values). */
  onProgress?: (event: MatchProgress) => void;
}

/**
 * The least match probability of a scored pair that the average-linkage guard counts as
 * evidence (MatchOptions.linkage): pairs below it — the bulk of the candidates — are not kept
 * for clustering, so they do not enter the guard. Measured (bench/quality/run.ts, dedupe F1
 * fake_20000 / fake_1000; single linkage 0.8972 / 0.9451): every candidate pair as evidence
 * 0.9099 / 0.9423, pairs ≥ 0.001 the same, ≥ 0.01 0.9084 / 0.9434, ≥ 0.1 0.9026 / 0.9451;
 * RLdata10000 0.9709 and the synthetic population unchanged at each.
 */
export const AVERAGE_LINKAGE_EVIDENCE_FLOOR = 0.01;

/** Without `threads`, jobs with fewer pairs to compare (candidates + u sample) than this run in the calling thread. */
export const DEFAULT_PARALLEL_MIN_PAIRS = 500_000;

export const DEFAULT_MATCH_OPTIONS = Object.freeze({
  threshold: 0.5,
  maxBlockSize: DEFAULT_MAX_BLOCK_SIZE,
  uSampleSize: 1_000_000,
  seed: 1,
});

/** Scored pairs as columns; `left`/`right` are input row positions (link: left and right input). */
export interface MatchPairs {
  readonly count: number;
  readonly left: Uint32Array;
  readonly right: Uint32Array;
  readonly weight: Float64Array;
  readonly probability: Float64Array;
}

export interface PhaseStat {
  readonly phase: string;
  readonly ms: number;
  readonly [key: string]: number | string;
}

export interface MatchStats {
  readonly inputRows: number;
  readonly acceptedRows: number;
  readonly rejectedRows: number;
  /** Distinct record pairs compared (a pair several rules produce counts once). */
  readonly candidatePairs: number;
  /**
   * Pairs inside skipped blocks (over maxBlockSize), summed over the rules: a pair two rules
   * skip counts twice, and it may still be a candidate through a third rule. Per rule: `rules`.
   */
  readonly skippedPairs: number;
  /** Blocks skipped, summed over the rules. */
  readonly skippedBlocks: number;
  /**
   * Pairs scored at or above the threshold. The clustering may keep some of them apart (two
   * different national IDs: the cluster phase's idConflictPairs; the average-linkage guard: its
   * averageLinkagePairs), so link's `links` can be fewer.
   */
  readonly matchedPairs: number;
  readonly clusters: number;
  /**
   * Per blocking rule: its `name` (as given, or the default rule's), `rule` (its key columns and
   * the block cap applied to it: its own or the run's `maxBlockSize`, the smaller), the pairs it
   * made, those no earlier rule made, and its skipped pairs and blocks.
   */
  readonly rules: ReadonlyArray<{ readonly name: string; readonly rule: string; readonly pairs: number; readonly newPairs: number; readonly skippedPairs: number; readonly skippedBlocks: number }>;
  readonly phases: readonly PhaseStat[];
  /** Values per field and reason that were unusable (treated as missing). */
  readonly issues: Readonly<Record<string, Record<string, number>>>;
  /** What the run's numbers alone would not show (model-warnings.ts): empty when nothing is amiss. */
  readonly warnings: readonly MatchWarning[];
}

export interface MatchResult {
  /** Pairs with probability ≥ pairFloor. */
  readonly pairs: MatchPairs;
  /** The trained (or given) model. */
  readonly model: FellegiSunterModel;
  /** Match weight threshold in bits (log2 odds of `threshold`). */
  readonly thresholdWeight: number;
  readonly clusterSizes: readonly ClusterSizeCount[];
  readonly rejected: readonly RejectedRow[];
  readonly stats: MatchStats;
  /** Per-field explanation of returned pair i (the data of a waterfall chart). */
  explain(i: number): Explanation;
  /** Histogram of the weights of all scored candidate pairs (for reports). */
  readonly weightHistogram: { readonly binStart: number; readonly binWidth: number; readonly counts: readonly number[] };
}

export interface DedupeResult extends MatchResult {
  /** Per input row: its cluster id (the smallest user id of its cluster), or null for a rejected row. */
  readonly clusters: ReadonlyArray<string | number | null>;
}

export interface LinkResult extends MatchResult {
  /**
   * Matched pairs (probability ≥ threshold, and the two rows in one cluster: a pair kept apart
   * by the national-ID cannot-link of `idConflicts: 'split'` is not a link): left and right
   * input positions.
   */
  readonly links: MatchPairs;
  /**
   * Per input row of each side: its cluster id, or null for a rejected row. The two sides' ids
   * are separate namespaces, so a link's cluster id names its side: "left:<id>" — the smallest
   * left record id of the cluster (every cluster of two or more rows has a left row) — or, for a
   * right row linked to nothing, "right:<its id>". Rows with one cluster id are one cluster.
   */
  readonly clusters: { readonly left: ReadonlyArray<string | null>; readonly right: ReadonlyArray<string | null> };
  /** The rejected rows of both sides, left first; `index` counts within the row's `side`. */
  readonly rejected: readonly LinkRejectedRow[];
  readonly rejectedLeft: readonly RejectedRow[];
  readonly rejectedRight: readonly RejectedRow[];
}

/** A rejected row of a link: which input it is in, as its `index` counts within that input. */
export interface LinkRejectedRow extends RejectedRow {
  readonly side: 'left' | 'right';
}

interface Validated {
  schema: Schema;
  threshold: number;
  pairFloor: number;
  maxBlockSize: number;
  uSampleSize: number;
  seed: number;
  /** Undefined: not given (see MatchOptions.threads). */
  threads: number | undefined;
  idConflicts: 'split' | 'ignore';
  linkage: 'average' | 'single';
  memoryBudget: number | undefined;
}

/** The keys of MatchOptions (anything else is refused: a misspelt option would be ignored). */
const MATCH_OPTION_KEYS: ReadonlySet<string> = new Set([
  'schema', 'idField', 'blocking', 'compare', 'threshold', 'pairFloor', 'maxBlockSize', 'uSampleSize', 'em', 'model', 'seed', 'threads',
  'idConflicts', 'linkage', 'streamCandidates', 'memoryBudget', 'pool', 'onProgress',
]);

function validate(options: MatchOptions): Validated {
  if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'options must be an object with a schema');
  const problems: string[] = [];
  for (const key of unknownKeys(options, MATCH_OPTION_KEYS)) problems.push(`${key}: unknown option`);
  if (options.schema === undefined) problems.push('schema: required');
  const threshold = options.threshold ?? DEFAULT_MATCH_OPTIONS.threshold;
  const thresholdOk = typeof threshold === 'number' && threshold > 0 && threshold < 1;
  if (!thresholdOk) problems.push('threshold: a probability in (0, 1)');
  const pairFloor = options.pairFloor ?? threshold;
  // An unset pairFloor is the threshold: a bad threshold is reported once, under its own name.
  const floorOk = typeof pairFloor === 'number' && pairFloor >= 0 && pairFloor <= 1 && (pairFloor <= threshold || !thresholdOk);
  if (options.pairFloor !== undefined && !floorOk) problems.push('pairFloor: a probability in [0, threshold]');
  const maxBlockSize = options.maxBlockSize ?? DEFAULT_MATCH_OPTIONS.maxBlockSize;
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 2 || maxBlockSize > 0xffffffff) problems.push('maxBlockSize: an integer in 2..4294967295 (2^32 − 1)');
  const uSampleSize = options.uSampleSize ?? DEFAULT_MATCH_OPTIONS.uSampleSize;
  if (!Number.isInteger(uSampleSize) || uSampleSize < 100 || uSampleSize > MAX_RANDOM_PAIRS) problems.push(`uSampleSize: an integer in 100..${MAX_RANDOM_PAIRS} (2^30)`);
  const seed = options.seed ?? DEFAULT_MATCH_OPTIONS.seed;
  if (!Number.isSafeInteger(seed)) problems.push('seed: a safe integer');
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) problems.push('threads: an integer in 1..256');
  if (options.pool !== undefined && !(options.pool instanceof KhopPool && !options.pool.isClosed)) problems.push('pool: an open KhopPool');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') problems.push('onProgress: a function');
  if (options.model !== undefined && !(options.model instanceof FellegiSunterModel)) problems.push('model: a FellegiSunterModel (from a run\'s result.model, or FellegiSunterModel.fromJSON of its JSON)');
  const idConflicts = options.idConflicts ?? 'split';
  if (idConflicts !== 'split' && idConflicts !== 'ignore') problems.push("idConflicts: 'split' or 'ignore'");
  const linkage = options.linkage ?? 'average';
  if (linkage !== 'average' && linkage !== 'single') problems.push("linkage: 'average' or 'single'");
  if (options.streamCandidates !== undefined && typeof options.streamCandidates !== 'boolean') problems.push('streamCandidates: a boolean');
  const memoryBudget = options.memoryBudget;
  if (memoryBudget !== undefined && !(typeof memoryBudget === 'number' && memoryBudget > 0 && Number.isFinite(memoryBudget))) problems.push('memoryBudget: a positive number of bytes');
  const idField = options.idField;
  if (typeof idField === 'string' && RESERVED_NAMES.has(idField)) problems.push(`idField: "${idField}" is not allowed: ${reservedNameReason(idField)}`);
  else if (idField !== undefined && (typeof idField !== 'string' || idField === '')) problems.push('idField: a non-empty column name');
  if (options.em !== undefined) problems.push(...emProblems(options.em));
  if (problems.length > 0) throw new KhopError('INVALID_OPTION', `invalid options: ${problems.join('; ')}`, { details: { problems } });
  return { schema: defineSchema(options.schema), threshold, pairFloor, maxBlockSize, uSampleSize, seed, threads, idConflicts, linkage, memoryBudget };
}

/**
 * validate, then checkPlanOptions. When the options are bad, the schema's problems (or, for a
 * good schema, those of compare and blocking) are listed with them: one round of fixes.
 */
function validateAll(options: MatchOptions): Validated {
  let v: Validated;
  try {
    v = validate(options);
  } catch (e) {
    if (!isKhopError(e, 'INVALID_OPTION') || options === null || typeof options !== 'object') throw e;
    const problems = [...problemsOf(e)];
    if (options.schema !== undefined) {
      let schema: Schema | undefined;
      try {
        schema = defineSchema(options.schema);
      } catch (s) {
        if (!isKhopError(s, 'INVALID_SCHEMA')) throw s;
        problems.push(...problemsOf(s).map((x) => `schema: ${x}`));
      }
      if (schema !== undefined) {
        try {
          checkPlanOptions(schema, options);
        } catch (p) {
          if (!isKhopError(p, 'INVALID_OPTION') && !isKhopError(p, 'INVALID_SCHEMA')) throw p;
          problems.push(...problemsOf(p));
        }
      }
    }
    throw new KhopError('INVALID_OPTION', `invalid options: ${problems.join('; ')}`, { details: { problems } });
  }
  checkPlanOptions(v.schema, options);
  return v;
}

/** Problems of the `em` option (its keys and values), [] when it is valid. */
function emProblems(em: unknown): string[] {
  if (em === null || typeof em !== 'object' || Array.isArray(em)) return ['em: an object of EM options'];
  const out = unknownKeys(em, EM_OPTION_KEYS).map((k) => `em.${k}: unknown option (known: ${[...EM_OPTION_KEYS].join(', ')})`);
  try {
    resolveEmOptions(em as EmOptions, 'em');
  } catch (e) {
    if (!isKhopError(e, 'INVALID_OPTION')) throw e;
    out.push(...problemsOf(e).map((x) => `em.${x}`));
  }
  return out;
}



/**
 * `compare` and `blocking` checked against the schema before any row is read (runMatch uses them
 * once the rows are prepared; their name groups and store columns do not depend on the rows).
 * @throws KhopError INVALID_OPTION naming the option.
 */
function checkPlanOptions(schema: Schema, options: MatchOptions): void {
  const groups = nameGroupsOf(schema);
  const collisions = [...new Set(storeColumnCollisions(schema).map((c) => `${c.slice(0, c.lastIndexOf('.'))}.*`))];
  if (collisions.length > 0) {
    const problems = collisions.map((c) => `two fields (or a name group of a familyName and a givenName) would be stored under ${JSON.stringify(c)}: rename one`);
    throw new KhopError('INVALID_SCHEMA', `invalid schema: ${problems.join('; ')}`, { details: { problems } });
  }
  // Every problem of `compare` and `blocking` in one error (each check below throws its own).
  const problems: string[] = [];
  const collect = (check: () => void): void => {
    try {
      check();
    } catch (e) {
      if (!isKhopError(e, 'INVALID_OPTION') && !isKhopError(e, 'INVALID_SCHEMA')) throw e;
      problems.push(...problemsOf(e));
    }
  };
  let compareOk = true;
  if (options.compare !== undefined) {
    if (!Array.isArray(options.compare) || options.compare.length === 0) {
      problems.push('compare: a non-empty array of field names');
      compareOk = false;
    } else {
      const unknown = options.compare.filter((name) => !schema.fields.some((f) => f.name === name) && !groups.some((g) => g.name === name));
      if (unknown.length > 0) {
        problems.push(`compare: unknown fields ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
        compareOk = false;
      }
    }
  }
  // A rule's columns do not depend on the names' locale (decided from the rows): any one will do.
  const generic = groups.map((g) => ({ ...g, locale: 'generic' as const }));
  let noDefaultRules: unknown;
  if (options.blocking !== undefined) collect(() => validateRules(resolveRules(options.blocking!, schema, generic), storeColumnsFor(schema)));
  else {
    try {
      defaultBlockingRules(schema, generic);
    } catch (e) {
      if (!isKhopError(e, 'INVALID_SCHEMA')) throw e;
      noDefaultRules = e; // this schema has no default rule: `blocking` must be given
      problems.push(e.message);
    }
  }
  // The comparisons (their number does not depend on the rows: a category's dictionary changes
  // its levels, a name's locale its columns): none, or one to train on, is refused here, before
  // the rows are read — runMatch checks again on the plan it builds.
  if (compareOk) {
    const compared = comparedFields(schema, generic, options.compare);
    const specs = planComparisons(compared.schema, compared.groups).specs;
    if (specs.length === 0) problems.push('nothing to compare: the schema has no comparable field');
    else if (specs.length < 2 && options.model === undefined) problems.push(oneComparison(specs[0]!.name).message);
    // A given model must fit these comparisons (names, levels and their flags do not depend on
    // the rows either): said now, not after the whole input was read and prepared.
    if (specs.length > 0 && options.model instanceof FellegiSunterModel) {
      const problem = modelMismatch(options.model, specs);
      if (problem !== null) problems.push(modelMismatchMessage(problem));
    }
  }
  if (problems.length === 1 && noDefaultRules !== undefined) throw noDefaultRules;
  if (problems.length > 0) throw new KhopError('INVALID_OPTION', problems.length === 1 ? problems[0]! : `invalid options: ${problems.join('; ')}`, { details: { problems } });
}

/** The schema fields and name groups `compare` keeps (all without it): what the plan compares. */
function comparedFields<G extends NameGroup>(schema: Schema, groups: readonly G[], compare: readonly string[] | undefined): { schema: Schema; groups: G[] } {
  if (compare === undefined) return { schema, groups: [...groups] };
  const wanted = new Set(compare);
  return {
    schema: { ...schema, fields: schema.fields.filter((f) => wanted.has(f.name)) } as Schema,
    groups: groups.filter((g) => wanted.has(g.name) || g.fields.some((f) => wanted.has(f.name))),
  };
}

/** The error of a plan of one comparison and no model to score it with (EM needs two: train-model.ts). */
function oneComparison(name: string): KhopError {
  return new KhopError('INVALID_OPTION', `nothing to train on: one comparison (${JSON.stringify(name)}) — training needs at least two; compare more fields or pass a trained model`, {
    details: { option: 'compare' },
  });
}

/** Internal knobs of dedupe / link, for tests and benchmarks (not options: results do not depend on them). */
export interface MatchTuning {
  /** Pairs per scoring window when the candidates are streamed. Default {@link SCORE_WINDOW_PAIRS}. */
  scoreWindowPairs?: number;
  /** Train on the streamed candidates (true) or held ones (false); wins over MatchOptions.streamCandidates. */
  trainInWindows?: boolean;
}

/** What runMatch leaves for the result. */
interface MatchRun {
  plan: ComparisonPlan;
  model: FellegiSunterModel;
  /** The pairs at or above the pair floor (store rows), with counts over every scored pair. */
  kept: KeptPairs;
  tfRows: (Float64Array | undefined)[];
  report: CandidatePairsReport;
  rules: BlockingRule[];
  reps: Uint32Array;
  thresholdWeight: number;
  /** The run's maxBlockSize (the caps of the rules' descriptions in stats.rules). */
  maxBlockSize: number;
}

/** Shared engine of dedupe and link over a prepared dataset. */
async function runMatch(prepared: PreparedDataset, v: Validated, options: MatchOptions, linkMode: boolean, phases: PhaseStat[], tuning: MatchTuning | undefined): Promise<MatchRun> {
  const progress = options.onProgress;
  const { store, schema } = prepared;
  const n = store.rowCount;
  // `compare` was checked before the rows were read (checkPlanOptions).
  const { schema: planSchema, groups } = comparedFields(schema, prepared.nameGroups, options.compare);
  const plan = planComparisons(planSchema, groups, { dictionaries: prepared.dictionaries });
  if (plan.specs.length === 0) throw new KhopError('INVALID_OPTION', 'nothing to compare: the schema has no comparable field', { details: { option: 'compare' } });
  const K = plan.specs.length;
  let given = options.model;
  if (given !== undefined) {
    const problem = modelMismatch(given, plan.specs);
    if (problem !== null) throw new KhopError('INVALID_OPTION', modelMismatchMessage(problem), { details: { option: 'model' } });
    // Its λ for THIS data: a model trained on a sample has the sample's share of matching pairs
    // (FellegiSunterModel.forPopulation; unchanged when the model does not say what it was trained on).
    const n = prepared.store.rowCount;
    given = given.forPopulation(linkMode ? Math.min(prepared.sourceRows[0] ?? 0, prepared.sourceRows[1] ?? 0) : n, totalPairsOf(prepared, linkMode));
  } else if (K < 2) {
    // EM cannot separate matches from non-matches on one comparison (train-model.ts).
    throw oneComparison(plan.specs[0]!.name);
  }
  // Cuts on weights that keep exactly the pairs whose probability is ≥ the threshold / floor.
  const thresholdWeight = leastWeightReaching(v.threshold);
  const floorWeight = v.pairFloor <= 0 ? -Infinity : leastWeightReaching(v.pairFloor);
  // The average-linkage guard's evidence: pairs down to its floor (never above the threshold)
  // are kept through clustering, then the ones below the pair floor are dropped.
  const evidenceFloor = Math.min(v.threshold, AVERAGE_LINKAGE_EVIDENCE_FLOOR);
  const keptFloorWeight = v.linkage === 'average' ? Math.min(floorWeight, weightOfProbability(evidenceFloor)) : floorWeight;

  // The pool: the caller's, or one of `threads` threads started now (its threads boot while the
  // indexes are built), or — threads not given — chosen once the work is known.
  let pool = options.pool;
  let ownPool = false;
  if (pool === undefined && v.threads !== undefined) {
    pool = KhopPool.create({ threads: v.threads });
    ownPool = true;
  }
  let job: MatchJob | undefined;
  /** The job being created (startJob), until runnerFor takes it. */
  let creating: Promise<MatchJob> | undefined;
  const traffic = new PoolTraffic();
  /** Start creating the job on `pool` (its side indexes are built by workers meanwhile: match-job.ts). */
  const startJob = (p: KhopPool): Promise<MatchJob> => {
    creating = createMatchJob(p.nextJobId(), planSchema.fields, groups, prepared.dictionaries, store, plan, p);
    creating.catch(() => {}); // rejected before runnerFor awaits it: handled there, or in `finally`
    return creating;
  };
  /** The runner of the pool tasks; `work` (pairs to compare) chooses the pool when none is known yet. */
  const runnerFor = async (work: number): Promise<TrackedRunner> => {
    if (pool === undefined) {
      pool = KhopPool.create({ threads: work >= DEFAULT_PARALLEL_MIN_PAIRS ? availableParallelism() : 1 });
      ownPool = true;
    }
    job ??= await (creating ?? startJob(pool));
    return { pool, job, traffic };
  };
  try {
    // Blocking.
    let t = performance.now();
    const rules = options.blocking !== undefined ? resolveRules(options.blocking, schema, prepared.nameGroups) : defaultBlockingRules(schema, prepared.nameGroups);
    // A caller's pool closed since the call (validated open then) is POOL_CLOSED, as a task
    // posted to it would be — not the index builder's INVALID_OPTION for a closed pool.
    if (pool?.isClosed === true) throw phaseError('index', new KhopError('POOL_CLOSED', 'the pool was closed while the operation ran'));
    // On the pool when one is given (large stores only: small ones stay in this thread); the same indexes either way.
    // Released once no phase needs them — at 10M records the indexes hold ~1 GB that scoring
    // and clustering do not use.
    // Held in `blocking` so that the scoring path can drop them (the only reference) when done.
    const blocking: BlockIndexes = { indexes: n > 0 ? (pool !== undefined ? await buildBlockIndexesParallel(store, rules, { pool }) : buildBlockIndexes(store, rules)) : [] };
    phases.push({ phase: 'index', ms: performance.now() - t, rules: rules.length });
    progress?.({ phase: 'index', done: rules.length, total: rules.length, unit: 'rules', final: true });
    // The pool known, the job starts now: its side indexes are built by the workers while this
    // thread computes the term frequencies and the candidate pairs (match-job.ts).
    if (pool !== undefined) void startJob(pool);
    // Term frequencies of the tf comparisons, per row; a pair's is its left row's, read where
    // it is used (scoring, explain) — no per-pair copy (8 bytes a pair per tf comparison:
    // 4.4 GB of 185M pairs at 10M records).
    const tfRows = termFrequencyRows(store, plan);
    const kept = new KeptPairs(K, keptFloorWeight, thresholdWeight);
    const windowPairs = tuning?.scoreWindowPairs ?? SCORE_WINDOW_PAIRS;
    if (!Number.isInteger(windowPairs) || windowPairs < 1) throw new KhopError('INVALID_ARGUMENT', 'scoreWindowPairs: an integer ≥ 1');
    const scoring = { prepared, v, plan, rules, tfRows, kept, phases, progress, runnerFor, linkMode, windowPairs };
    let trainInWindows = tuning?.trainInWindows ?? options.streamCandidates;
    if (trainInWindows === undefined && given === undefined) {
      let bound = 0;
      for (const index of blocking.indexes) bound += pairsWithin(index, v.maxBlockSize);
      trainInWindows = bound * (16 + K) > STREAM_TRAINING_MIN_BYTES;
    }
    const { model, report } =
      given !== undefined ? await scoreStream(scoring, blocking, given) : trainInWindows === true ? await trainStream(scoring, blocking, options) : await trainAndScore(scoring, blocking, options);
    kept.trim();

    // Clustering (cluster id = the smallest user id of the cluster), over the kept pairs: every
    // pair at or above the threshold is among them, in scoring order.
    t = performance.now();
    const rank = rankOfRows(prepared, linkMode);
    const conflict = v.idConflicts === 'split' ? idConflictOf(prepared, plan, kept.levels, kept.count) : undefined;
    const conflicts: ClusterConflicts = { skippedPairs: 0 };
    const reps = clusterPairs(n, kept.left, kept.right, kept.weights, kept.count, thresholdWeight, {
      rank,
      ...(conflict ? { conflict } : {}),
      ...(v.linkage === 'average' ? { averageLinkage: { least: v.threshold, floor: evidenceFloor } } : {}),
    }, conflicts);
    if (keptFloorWeight < floorWeight) kept.dropBelow(floorWeight);
    phases.push({ phase: 'cluster', ms: performance.now() - t, idConflictPairs: conflicts.skippedPairs, averageLinkagePairs: conflicts.averageLinkagePairs ?? 0 });
    progress?.({ phase: 'cluster', done: n, total: n, unit: 'rows', final: true });
    return { plan, model, kept, tfRows, report, rules, reps, thresholdWeight, maxBlockSize: v.maxBlockSize };
  } finally {
    // A job started but not taken (a later phase failed first) is released once it exists.
    if (job === undefined && creating !== undefined) job = await creating.catch(() => undefined);
    if (job !== undefined) releaseMatchJob(job);
    if (ownPool) await pool?.close();
  }
}

/** The block indexes of a run: emptied by the scoring path once no phase needs them. */
interface BlockIndexes {
  indexes: BlockIndex[];
}

/** A runner whose posted bytes are counted. */
type TrackedRunner = MatchRunner & { readonly traffic: PoolTraffic };

/** What the two scoring paths share. */
interface Scoring {
  prepared: PreparedDataset;
  v: Validated;
  plan: ComparisonPlan;
  rules: BlockingRule[];
  tfRows: (Float64Array | undefined)[];
  kept: KeptPairs;
  phases: PhaseStat[];
  progress: MatchOptions['onProgress'];
  runnerFor: (work: number) => Promise<TrackedRunner>;
  linkMode: boolean;
  /** Pairs per scoring window (scoreStream). */
  windowPairs: number;
}

/** The candidate pair stream of the indexes (link: across sources only). */
function candidateStream(s: Scoring, indexes: readonly BlockIndex[]): ReturnType<typeof candidatePairs> {
  return candidatePairs(indexes, { maxBlockSize: s.v.maxBlockSize, ...(s.linkMode ? { source: s.prepared.source } : {}), reuseChunk: true });
}

const NO_PAIRS_REPORT: CandidatePairsReport = { pairs: 0, duplicatePairs: 0, skippedBlocks: 0, skippedPairs: 0, rules: [], skipped: [], skippedTruncated: false, done: true };

/**
 * Training: every candidate pair is held (pairs, levels, weights) — EM runs per blocking rule
 * over its pairs, and λ over all of them — then scored, and the pairs at or above the floor
 * kept; the per-pair columns are dropped when this returns.
 */
async function trainAndScore(s: Scoring, blocking: BlockIndexes, options: MatchOptions): Promise<{ model: FellegiSunterModel; report: CandidatePairsReport }> {
  const { prepared, v, plan, rules, tfRows, phases, progress } = s;
  let t = performance.now();
  const pairs = new PairBuffer();
  let report = NO_PAIRS_REPORT;
  if (blocking.indexes.length > 0) {
    const stream = candidateStream(s, blocking.indexes);
    for (const chunk of stream) {
      pairs.push(chunk.left, chunk.right, chunk.length);
      progress?.({ phase: 'pairs', done: pairs.count, unit: 'pairs' });
    }
    report = stream.report;
  }
  pairs.trim();
  const P = pairs.count;
  phases.push({ phase: 'pairs', ms: performance.now() - t, pairs: P, skippedPairs: report.skippedPairs });
  progress?.({ phase: 'pairs', done: P, total: P, unit: 'pairs', final: true });

  const runner = await s.runnerFor(P + Math.min(v.uSampleSize, totalPairsOf(prepared, s.linkMode)));
  const threads = runner.pool.threads;
  // Comparison levels of every candidate pair (written in place by the tasks).
  t = performance.now();
  const levels = plan.specs.map(() => sharedUint8(Math.max(1, P)));
  let posted = runner.traffic.bytes;
  await computeLevels(runner, 'compare', pairs.left, pairs.right, P, levels, (done) => {
    progress?.({ phase: 'compare', done, total: P, unit: 'pairs' });
  });
  phases.push({ phase: 'compare', ms: performance.now() - t, pairs: P, threads, postedBytes: runner.traffic.bytes - posted });
  progress?.({ phase: 'compare', done: P, total: P, unit: 'pairs', final: true });

  // The weights column; training uses it first as scratch for its evidence pass.
  const weights = sharedFloat64(Math.max(1, P));
  t = performance.now();
  posted = runner.traffic.bytes;
  const trained = await trainModel(
    runner,
    prepared,
    plan,
    P,
    async (noPrior) => scoreAll(runner, 'train', noPrior, levels, tfRows, pairs.left, P, weights),
    blocking.indexes,
    rules,
    weights,
    v,
    options.em,
    s.linkMode,
    heldLevelsOf(pairs.left, pairs.right, levels, report, rules.length),
  );
  blocking.indexes = [];
  phases.push({ phase: 'train', ms: performance.now() - t, threads, postedBytes: runner.traffic.bytes - posted, ...trained.stats });
  progress?.({ phase: 'train', done: 1, total: 1, unit: 'rules', final: true });

  // The weights column holds each pair's evidence (training's scratch): its weight is the
  // evidence plus the prior weight, bit for bit what scoring its levels gives (the model adds
  // the prior last, fellegi-sunter.ts).
  t = performance.now();
  const prior = trained.model.priorWeight;
  for (let p = 0; p < P; p++) weights[p] = weights[p]! + prior;
  s.kept.add(pairs.left, pairs.right, weights, levels, P);
  phases.push({ phase: 'score', ms: performance.now() - t, pairs: P, threads, postedBytes: 0 });
  progress?.({ phase: 'score', done: P, total: P, unit: 'pairs', final: true });
  return { model: trained.model, report };
}

/** One window of the candidate stream, compared: pairs 0 … count−1 of these columns, `offset` pairs before it. */
interface ComparedWindow {
  readonly left: Uint32Array;
  readonly right: Uint32Array;
  readonly levels: Uint8Array[];
  /** A column of ≥ count slots the caller may write (scores). */
  readonly weights: Float64Array;
  readonly count: number;
  readonly offset: number;
}

/** What streamWindows measured. */
interface WindowStats {
  pairs: number;
  windows: number;
  /** Threads of the runner the windows ran on (1 when there was no window). */
  threads: number;
  /** Time spent reading the stream (outside compare and onWindow). */
  pairsMs: number;
  compareMs: number;
  comparePosted: number;
  report: CandidatePairsReport;
}

/**
 * The candidate stream of `indexes`, cut into windows of at most s.windowPairs pairs (a chunk
 * may be split across two), each window's levels computed on the pool, then handed to
 * `onWindow`. Window columns are reused. `runnerFor(last, count)` gives the runner at the first
 * window (`last`: the stream ended within it). Compare progress counts from `progressFrom`.
 */
async function streamWindows(
  s: Scoring,
  indexes: readonly BlockIndex[],
  runnerFor: (last: boolean, count: number) => Promise<TrackedRunner>,
  onWindow: (w: ComparedWindow, runner: TrackedRunner) => Promise<void>,
): Promise<WindowStats> {
  const { plan, progress } = s;
  const window = new PairBuffer();
  let levels: Uint8Array[] = [];
  let weights: Float64Array = new Float64Array(0);
  let runner: TrackedRunner | undefined;
  const st: WindowStats = { pairs: 0, windows: 0, threads: 1, pairsMs: 0, compareMs: 0, comparePosted: 0, report: NO_PAIRS_REPORT };
  let inWindows = 0;
  const flush = async (last: boolean): Promise<void> => {
    const count = window.count;
    if (count === 0) return;
    const t0 = performance.now();
    runner ??= await runnerFor(last, count);
    st.threads = runner.pool.threads;
    if (levels.length === 0 || levels[0]!.length < window.left.length) {
      levels = plan.specs.map(() => sharedUint8(window.left.length));
      weights = sharedFloat64(window.left.length);
    }
    const posted = runner.traffic.bytes;
    const before = st.pairs;
    await computeLevels(runner, 'compare', window.left, window.right, count, levels, (done) => {
      progress?.({ phase: 'compare', done: before + done, unit: 'pairs' });
    });
    st.compareMs += performance.now() - t0;
    st.comparePosted += runner.traffic.bytes - posted;
    await onWindow({ left: window.left, right: window.right, levels, weights, count, offset: before }, runner);
    st.pairs += count;
    st.windows++;
    window.count = 0;
    inWindows += performance.now() - t0;
  };
  const t0 = performance.now();
  if (indexes.length > 0) {
    const stream = candidateStream(s, indexes);
    for (const chunk of stream) {
      for (let from = 0; from < chunk.length; ) {
        const m = Math.min(chunk.length - from, s.windowPairs - window.count);
        window.push(chunk.left.subarray(from), chunk.right.subarray(from), m);
        from += m;
        if (window.count === s.windowPairs) await flush(false);
      }
      progress?.({ phase: 'pairs', done: st.pairs + window.count, unit: 'pairs' });
    }
    st.report = stream.report;
  }
  await flush(true);
  st.pairsMs = performance.now() - t0 - inWindows;
  return st;
}

/**
 * Score the candidate stream with `model` window by window (SCORE_WINDOW_PAIRS), each window's
 * pairs at or above the floor kept — memory for the candidates is one window, not all of them.
 * The same pairs, levels and weights as scoring them all at once: a pair's levels and weight
 * depend on the pair alone. Pushes the pairs, compare, train and score phases (`train`: the
 * training phase's figures, or a given model's).
 */
async function scoreStream(s: Scoring, blocking: BlockIndexes, model: FellegiSunterModel, train?: { phase: PhaseStat; pairsMs: number }): Promise<{ model: FellegiSunterModel; report: CandidatePairsReport }> {
  const { tfRows, phases, progress } = s;
  const indexes = blocking.indexes;
  blocking.indexes = [];
  let scoreMs = 0;
  let scorePosted = 0;
  // Without training, the pool is chosen at the first window by what is known then: the whole
  // work when the stream ended within it, else at least a full window (≥ DEFAULT_PARALLEL_MIN_PAIRS).
  const st = await streamWindows(
    s,
    indexes,
    (last, count) => s.runnerFor(last ? count : Math.max(count, DEFAULT_PARALLEL_MIN_PAIRS)),
    async (w, runner) => {
      const t = performance.now();
      const posted = runner.traffic.bytes;
      await scoreAll(runner, 'score', model, w.levels, tfRows, w.left, w.count, w.weights);
      s.kept.add(w.left, w.right, w.weights, w.levels, w.count);
      scoreMs += performance.now() - t;
      scorePosted += runner.traffic.bytes - posted;
    },
  );
  const P = st.pairs;
  const threads = st.threads;
  phases.push({ phase: 'pairs', ms: st.pairsMs + (train?.pairsMs ?? 0), pairs: P, skippedPairs: st.report.skippedPairs });
  progress?.({ phase: 'pairs', done: P, total: P, unit: 'pairs', final: true });
  phases.push({ phase: 'compare', ms: st.compareMs, pairs: P, threads, postedBytes: st.comparePosted });
  progress?.({ phase: 'compare', done: P, total: P, unit: 'pairs', final: true });
  phases.push(train?.phase ?? { phase: 'train', ms: 0, threads, postedBytes: 0, given: 1 });
  progress?.({ phase: 'train', done: 1, total: 1, unit: 'rules', final: true });
  phases.push({ phase: 'score', ms: scoreMs, pairs: P, threads, postedBytes: scorePosted, windows: st.windows });
  progress?.({ phase: 'score', done: P, total: P, unit: 'pairs', final: true });
  return { model, report: st.report };
}

/**
 * Training without holding the candidates (chosen for runs whose candidate columns would be
 * large: see STREAM_TRAINING_MIN_BYTES): EM builds its own sessions from the indexes, and λ
 * reads one number per candidate pair — its evidence — so the stream is read three times:
 * counted (the count starts EM's prior and λ), compared for the evidence (8 bytes a pair
 * instead of ~16 + K), and scored from the evidence, the kept pairs compared again for their
 * levels (scoreFromEvidence). The same model, weights and clusters as trainAndScore, bit for
 * bit: the evidence of a pair and every sum are computed the same way, and a weight is its
 * evidence plus the prior weight in both (the model adds the prior last).
 */
async function trainStream(s: Scoring, blocking: BlockIndexes, options: MatchOptions): Promise<{ model: FellegiSunterModel; report: CandidatePairsReport }> {
  const { prepared, v, plan, rules, tfRows, progress } = s;
  let t = performance.now();
  let P = 0;
  if (blocking.indexes.length > 0) {
    const stream = candidateStream(s, blocking.indexes);
    for (const chunk of stream) {
      P += chunk.length;
      progress?.({ phase: 'pairs', done: P, unit: 'pairs' });
    }
  }
  const countMs = performance.now() - t;
  const runner = await s.runnerFor(P + Math.min(v.uSampleSize, totalPairsOf(prepared, s.linkMode)));
  t = performance.now();
  const posted = runner.traffic.bytes;
  const evidence = sharedFloat64(Math.max(1, P));
  let evidenceMs = 0;
  const trained = await trainModel(
    runner,
    prepared,
    plan,
    P,
    async (noPrior) => {
      const t1 = performance.now();
      const st = await streamWindows(s, blocking.indexes, async () => runner, async (w) => {
        await scoreAll(runner, 'train', noPrior, w.levels, tfRows, w.left, w.count, w.weights);
        evidence.set(w.weights.subarray(0, w.count), w.offset);
      });
      if (st.pairs !== P) throw new KhopError('INTERNAL', 'the candidate stream changed between two reads');
      evidenceMs += performance.now() - t1;
    },
    blocking.indexes,
    rules,
    evidence,
    v,
    options.em,
    s.linkMode,
  );
  const phase: PhaseStat = { phase: 'train', ms: performance.now() - t, threads: runner.pool.threads, postedBytes: runner.traffic.bytes - posted, ...trained.stats, evidenceMs, streamed: 1 };
  return scoreFromEvidence(s, blocking, trained.model, evidence, P, runner, { phase, pairsMs: countMs });
}

/**
 * The third read of streamed training: the candidate stream once more, each pair's weight its
 * evidence (kept for λ) plus the model's prior weight — bit for bit what scoring its levels with
 * the model gives, as the model adds the prior last (fellegi-sunter.ts) — and only the pairs at
 * or above the floor compared again (the result, explain and clustering's ID check read their
 * levels). Scoring every window again instead compared all the candidates a second time.
 */
async function scoreFromEvidence(
  s: Scoring,
  blocking: BlockIndexes,
  model: FellegiSunterModel,
  evidence: Float64Array,
  P: number,
  runner: TrackedRunner,
  train: { phase: PhaseStat; pairsMs: number },
): Promise<{ model: FellegiSunterModel; report: CandidatePairsReport }> {
  const { plan, phases, progress, kept } = s;
  const indexes = blocking.indexes;
  blocking.indexes = [];
  const prior = model.priorWeight;
  // Pairs at or above the floor waiting for their levels, with their weights.
  const pending = new PairBuffer();
  let pendingWeights = new Float64Array(1 << 16);
  let levels: Uint8Array[] = [];
  let weights = new Float64Array(0);
  let keptLeft = new Uint32Array(0);
  let keptRight = new Uint32Array(0);
  let compareMs = 0;
  let comparePosted = 0;
  let scoreMs = 0;
  let compared = 0;
  const flush = async (): Promise<void> => {
    const n = pending.count;
    if (n === 0) return;
    const t0 = performance.now();
    if (levels.length === 0 || levels[0]!.length < n) levels = plan.specs.map(() => sharedUint8(pending.left.length));
    const posted = runner.traffic.bytes;
    await computeLevels(runner, 'compare', pending.left, pending.right, n, levels);
    comparePosted += runner.traffic.bytes - posted;
    kept.keep(pending.left, pending.right, pendingWeights, levels, n);
    compared += n;
    pending.count = 0;
    compareMs += performance.now() - t0;
  };
  const t0 = performance.now();
  let offset = 0;
  let report = NO_PAIRS_REPORT;
  if (indexes.length > 0) {
    const stream = candidateStream(s, indexes);
    for (const chunk of stream) {
      const t1 = performance.now();
      const n = chunk.length;
      if (offset + n > P) throw new KhopError('INTERNAL', 'the candidate stream changed between two reads');
      if (weights.length < n) {
        weights = new Float64Array(n);
        keptLeft = new Uint32Array(n);
        keptRight = new Uint32Array(n);
      }
      for (let i = 0; i < n; i++) weights[i] = evidence[offset + i]! + prior;
      kept.tally(weights, n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const w = weights[i]!;
        if (!kept.keeps(w)) continue;
        if (pending.count + m >= pendingWeights.length) {
          const grown = new Float64Array(pendingWeights.length * 2);
          grown.set(pendingWeights.subarray(0, pending.count + m));
          pendingWeights = grown;
        }
        keptLeft[m] = chunk.left[i]!;
        keptRight[m] = chunk.right[i]!;
        pendingWeights[pending.count + m] = w;
        m++;
      }
      pending.push(keptLeft, keptRight, m);
      offset += n;
      scoreMs += performance.now() - t1;
      progress?.({ phase: 'pairs', done: offset, unit: 'pairs' });
      if (pending.count >= s.windowPairs) await flush();
    }
    report = stream.report;
  }
  await flush();
  if (offset !== P) throw new KhopError('INTERNAL', 'the candidate stream changed between two reads');
  const pairsMs = performance.now() - t0 - compareMs - scoreMs;
  const threads = runner.pool.threads;
  phases.push({ phase: 'pairs', ms: pairsMs + train.pairsMs, pairs: P, skippedPairs: report.skippedPairs });
  progress?.({ phase: 'pairs', done: P, total: P, unit: 'pairs', final: true });
  phases.push({ phase: 'compare', ms: compareMs, pairs: compared, threads, postedBytes: comparePosted });
  progress?.({ phase: 'compare', done: compared, total: compared, unit: 'pairs', final: true });
  phases.push(train.phase);
  progress?.({ phase: 'train', done: 1, total: 1, unit: 'rules', final: true });
  phases.push({ phase: 'score', ms: scoreMs, pairs: P, threads, postedBytes: 0 });
  progress?.({ phase: 'score', done: P, total: P, unit: 'pairs', final: true });
  return { model, report };
}

/**
 * The cannot-link key of clustering: a person has one national ID, so two clusters holding
 * different well-formed 12-digit IDs are not merged — unless the linking pair's own ID level
 * says the two are one ID mistyped (lost zero, one digit, transposition). Without this, one
 * record with no ID chains two namesakes (same name and birth date, different IDs) together.
 */
function idConflictOf(prepared: PreparedDataset, plan: ComparisonPlan, levels: readonly Uint8Array[], P: number): { key: Float64Array; vouched: Uint8Array } | undefined {
  const f = prepared.schema.fields.find((x) => x.kind === 'nationalId');
  if (!f) return undefined;
  const k = plan.specs.findIndex((c) => c.name === f.name);
  if (k < 0) return undefined;
  const store = prepared.store;
  const n = store.rowCount;
  const key = new Float64Array(n).fill(Number.NaN);
  const idCol = `${f.name}.id`;
  const kindCol = `${f.name}.idkind`;
  for (let r = 0; r < n; r++) {
    if (store.getNumber(kindCol, r) !== 1) continue; // 12-digit numbers only; a CMND is another scheme
    const digits = store.getString(idCol, r);
    if (digits !== null) key[r] = Number(digits);
  }
  const col = levels[k]!;
  const vouched = new Uint8Array(Math.max(1, P));
  for (let p = 0; p < P; p++) {
    const l = col[p]!;
    vouched[p] = l === NationalIdLevel.EXACT || l === NationalIdLevel.LOST_LEADING_ZERO || l === NationalIdLevel.ONE_DIGIT || l === NationalIdLevel.TRANSPOSITION ? 1 : 0;
  }
  return { key, vouched };
}

/** Fail early when the estimated memory of the run exceeds `memoryBudget` (array input only). */
/**
 * The memory budget: rows given as an array are estimated before any is prepared; other rows
 * (an iterable, a stream, a file's reader) while they are read — the rows read so far, by a
 * sample of the first ones (PrepareRowsOptions.budget: after 65,536 rows, at each doubling and
 * after the last), so a stream whose rows already pass the budget stops there.
 */
async function checkMemoryBudget(v: Validated, options: MatchOptions, rows: readonly unknown[] | number | undefined, sample?: readonly unknown[]): Promise<void> {
  if (v.memoryBudget === undefined || rows === undefined) return;
  const est = await estimateMemory(rows, v.schema, {
    ...(options.blocking !== undefined ? { blocking: options.blocking } : {}),
    ...(sample !== undefined ? { sample: sample as unknown[] } : {}),
    maxBlockSize: v.maxBlockSize,
    uSampleSize: v.uSampleSize,
  });
  if (est.bytes > v.memoryBudget) {
    throw new KhopError('MEMORY_BUDGET_EXCEEDED', `the run needs an estimated ${mebibytes(est.bytes)}, over the memory budget of ${mebibytes(v.memoryBudget)}`, {
      details: { estimate: est.bytes, budget: v.memoryBudget },
    });
  }
}

/** Bytes as MiB with one decimal (a budget below 1 MiB is not "0 MiB"). */
function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}



function buildResult(prepared: PreparedDataset, r: MatchRun, phases: PhaseStat[], inputPosition: (row: number) => number): MatchResult {
  const { kept: k, model, tfRows, report, rules, plan } = r;
  const kept = k.count;
  const left = new Uint32Array(kept);
  const right = new Uint32Array(kept);
  const weight = new Float64Array(kept);
  const probability = new Float64Array(kept);
  for (let j = 0; j < kept; j++) {
    const w = k.weights[j]!;
    left[j] = inputPosition(k.left[j]!);
    right[j] = inputPosition(k.right[j]!);
    weight[j] = w;
    probability[j] = probabilityOfWeight(w);
  }
  const K = plan.specs.length;
  const reps = r.reps;
  let clusters = 0;
  for (let i = 0; i < reps.length; i++) if (reps[i] === i) clusters++;
  const stats: MatchStats = {
    inputRows: prepared.inputRows,
    acceptedRows: prepared.store.rowCount,
    rejectedRows: prepared.rejected.length,
    candidatePairs: k.scored,
    skippedPairs: report.skippedPairs,
    skippedBlocks: report.skippedBlocks,
    matchedPairs: k.matched,
    clusters,
    rules: rules.map((rule, i) => {
      const rc = report.rules[i];
      return {
        name: rule.name,
        // The cap that applied: a rule's own, unless the run's maxBlockSize is smaller.
        rule: describeRule(rule.maxBlockSize !== undefined ? { ...rule, maxBlockSize: ruleBlockCap(rule, r.maxBlockSize) } : rule),
        pairs: (rc?.pairs ?? 0) + (rc?.duplicatePairs ?? 0),
        newPairs: rc?.pairs ?? 0,
        skippedPairs: rc?.skippedPairs ?? 0,
        skippedBlocks: rc?.skippedBlocks ?? 0,
      };
    }),
    phases,
    issues: prepared.issues,
    // The compared fields in the schema's order.
    warnings: modelWarnings(model, r.thresholdWeight, prepared.schema.fields.map((f) => f.name).filter((f) => plan.fields.some((x) => x.includes(f))), identityComparisons(prepared, plan)),
  };
  return {
    pairs: { count: kept, left, right, weight, probability },
    model,
    thresholdWeight: r.thresholdWeight,
    clusterSizes: clusterSizeHistogram(reps),
    rejected: prepared.rejected,
    stats,
    weightHistogram: { binStart: HIST_BIN_START, binWidth: HIST_BIN_WIDTH, counts: k.histogram },
    explain(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= kept) throw new KhopError('INVALID_ARGUMENT', kept === 0 ? 'explain: the result holds no pairs to explain' : `explain: pair index out of range 0..${kept - 1}`);
      const lv = new Array<number>(K);
      const tv = new Array<number | undefined>(K);
      for (let c = 0; c < K; c++) {
        lv[c] = k.levels[c]![i]!;
        tv[c] = tfRows[c]?.[k.left[i]!];
      }
      return model.explain(lv, tv);
    },
  };
}

/** Cluster id per input row of one source (rejected rows: null). */
/**
 * Each input row's cluster id (null for a rejected row): the user id of its cluster's
 * representative. `sides` (a link): the id tagged with the representative's side, "left:<id>" or
 * "right:<id>" — the two inputs' ids are separate namespaces (without an idField both count rows
 * from 0), and an untagged 0 would name left row 0's cluster and right row 0's alike.
 */
function clustersPerInput(prepared: PreparedDataset, reps: Uint32Array, source: number, inputRows: number, sides = false): Array<string | number | null> {
  const out = new Array<string | number | null>(inputRows).fill(null);
  for (let row = 0; row < prepared.store.rowCount; row++) {
    if (prepared.source[row] !== source) continue;
    const rep = reps[row]!;
    const id = prepared.userIds[rep]!;
    out[prepared.inputIndex[row]!] = sides ? `${prepared.source[rep] === 0 ? 'left' : 'right'}:${id}` : id;
  }
  return out;
}

/**
 * Why a given model cannot score this plan's comparison levels (null when it can): the
 * comparisons and their levels — names, labels, the null level, the tf flags — must be the
 * plan's, in order (weights are looked up by level number).
 */
function modelMismatchMessage(problem: string): string {
  return `model: its comparisons do not match this schema (${problem})`;
}

function modelMismatch(model: FellegiSunterModel, specs: readonly ComparisonSpec[]): string | null {
  if (model.comparisons.length !== specs.length) return `${model.comparisons.length} comparisons where this schema has ${specs.length}`;
  for (let k = 0; k < specs.length; k++) {
    const c = model.comparisons[k]!;
    const want = specs[k]!;
    if (c.name !== want.name) return `comparison ${k + 1} is ${JSON.stringify(c.name)}, expected ${JSON.stringify(want.name)}`;
    if (c.levels.length !== want.levels.length) return `comparison ${JSON.stringify(c.name)} has ${c.levels.length} levels, expected ${want.levels.length}`;
    for (let l = 0; l < want.levels.length; l++) {
      const a = c.levels[l]!;
      const b = want.levels[l]!;
      if (a.label !== b.label || (a.null === true) !== (b.null === true) || (a.tf === true) !== (b.tf === true)) {
        return `comparison ${JSON.stringify(c.name)}: level ${l} is ${JSON.stringify(a.label)}, expected ${JSON.stringify(b.label)}${a.label === b.label ? ' (null / tf flags differ)' : ''}`;
      }
    }
  }
  return null;
}

/**
 * Deduplicate one dataset: find the records that are the same person.
 *
 * @example
 * const { clusters, pairs } = await dedupe(rows, { schema: vietnamesePersonSchema() });
 * @throws KhopError INVALID_OPTION / INVALID_SCHEMA for configuration errors, before any row is read.
 */
export async function dedupe(rows: RowSource, options: MatchOptions, tuning?: MatchTuning): Promise<DedupeResult> {
  const v = validateAll(options);
  await checkMemoryBudget(v, options, Array.isArray(rows) ? rows : undefined);
  const phases: PhaseStat[] = [];
  let t = performance.now();
  const early = earlyPool(v, options, Array.isArray(rows) ? rows.length : undefined, pieceFileBytes(rows));
  try {
    // The phase opens before the first row is read, and counts the rows as they are prepared.
    options.onProgress?.({ phase: 'prepare', done: 0, unit: 'rows' });
    const prepared = await prepareRows([rows], v.schema, prepareOptions(v, options, early.pool, !Array.isArray(rows))).catch((e: unknown) => {
      throw phaseError('prepare', e);
    });
    // (Fewer than two usable rows: training's own error says so, with the rejections.)
    const absent = prepared.store.rowCount < 2 ? null : absentFieldsProblem(prepared, ['the rows']);
    if (absent !== null) throw absent;
    phases.push({ phase: 'prepare', ms: performance.now() - t, rows: prepared.inputRows, threads: early.pool?.threads ?? 1 });
    options.onProgress?.({ phase: 'prepare', done: prepared.inputRows, total: prepared.inputRows, unit: 'rows', final: true });
    t = performance.now();
    const r = await runMatch(prepared, v, early.pool !== undefined ? { ...options, pool: early.pool } : options, false, phases, tuning);
    const result = buildResult(prepared, r, phases, (row) => prepared.inputIndex[row]!);
    return { ...result, clusters: clustersPerInput(prepared, r.reps, 0, prepared.inputRows) };
  } finally {
    if (early.own) await early.pool!.close();
  }
}

/**
 * The pool, when it is known before the rows are read (so that the prepare phase can use it
 * too): the caller's; one of `threads` (≥ 2) threads; or, threads not given, one of the
 * available cores for an array of at least DEFAULT_PARALLEL_PREPARE_MIN_ROWS rows. Otherwise
 * none yet: runMatch decides once the work is known.
 */
function earlyPool(v: Validated, options: MatchOptions, rows: number | undefined, csvBytes: number | null): { pool: KhopPool | undefined; own: boolean } {
  if (options.pool !== undefined) return { pool: options.pool, own: false };
  if (v.threads !== undefined) return v.threads > 1 ? { pool: KhopPool.create({ threads: v.threads }), own: true } : { pool: undefined, own: false };
  const large = (rows !== undefined && rows >= DEFAULT_PARALLEL_PREPARE_MIN_ROWS) || (csvBytes !== null && csvBytes >= DEFAULT_PARALLEL_PREPARE_MIN_BYTES);
  if (large && availableParallelism() > 1) {
    return { pool: KhopPool.create({ threads: availableParallelism() }), own: true };
  }
  return { pool: undefined, own: false };
}

/** prepareRows options: the idField, and chunks on the pool when it has worker threads. */
function prepareOptions(v: Validated, options: MatchOptions, pool: KhopPool | undefined, streamed: boolean): PrepareRowsOptions {
  const progress = options.onProgress;
  return {
    ...(progress !== undefined ? { onRows: (done: number) => progress({ phase: 'prepare', done, unit: 'rows' }) } : {}),
    ...(options.idField !== undefined ? { idField: options.idField } : {}),
    ...(pool !== undefined && !pool.inThread ? { runner: pooledPrepare(pool) } : {}),
    // Rows that are not arrays: the budget is checked while they are read (checkMemoryBudget).
    ...(streamed && v.memoryBudget !== undefined ? { budget: (read: number, sample: readonly unknown[]) => checkMemoryBudget(v, options, read, sample) } : {}),
  };
}

/** An iterator that is its own iterable (a generator, an array's `values()`): read once. */
function isIterator(rows: unknown): boolean {
  return rows !== null && typeof rows === 'object' && typeof (rows as { next?: unknown }).next === 'function';
}

/**
 * Link two datasets: find the pairs (left record, right record) that are the same person.
 *
 * @example
 * const { links } = await link(sectorRows, registerRows, { schema });
 */
export async function link(left: RowSource, right: RowSource, options: MatchOptions, tuning?: MatchTuning): Promise<LinkResult> {
  const v = validateAll(options);
  // One iterator as both sides (a generator, `rows.values()`): the left would read every row and
  // the right none — with a model, a run of 0 right rows and 0 links that looks like a result.
  // (An array or another re-iterable — a Set — is read twice and links a dataset to itself.)
  if (left === right && isIterator(left)) {
    throw new KhopError('INVALID_ARGUMENT', 'link: left and right are one iterator, which can be read only once (the right side would get no rows); pass an array, or two iterators');
  }
  await checkMemoryBudget(v, options, Array.isArray(left) && Array.isArray(right) ? [...left, ...right] : undefined);
  const phases: PhaseStat[] = [];
  const t = performance.now();
  const early = earlyPool(v, options, Array.isArray(left) && Array.isArray(right) ? left.length + right.length : undefined, (pieceFileBytes(left) ?? 0) + (pieceFileBytes(right) ?? 0));
  let prepared: Awaited<ReturnType<typeof prepareRows>>;
  let r: MatchRun;
  try {
    options.onProgress?.({ phase: 'prepare', done: 0, unit: 'rows' }); // as dedupe's
    prepared = await prepareRows([left, right], v.schema, prepareOptions(v, options, early.pool, !(Array.isArray(left) && Array.isArray(right)))).catch((e: unknown) => {
      throw phaseError('prepare', e);
    });
    const absent = absentFieldsProblem(prepared, ['the left rows', 'the right rows']);
    if (absent !== null) throw absent;
    phases.push({ phase: 'prepare', ms: performance.now() - t, rows: prepared.inputRows, threads: early.pool?.threads ?? 1 });
    options.onProgress?.({ phase: 'prepare', done: prepared.inputRows, total: prepared.inputRows, unit: 'rows', final: true });
    r = await runMatch(prepared, v, early.pool !== undefined ? { ...options, pool: early.pool } : options, true, phases, tuning);
  } finally {
    if (early.own) await early.pool!.close();
  }
  const result = buildResult(prepared, r, phases, (row) => prepared.inputIndex[row]!);
  // A link is a pair at or above the threshold whose two rows share a cluster: a pair the
  // clustering kept apart (two different well-formed national IDs, idConflicts 'split') is
  // not one — the links and the clusters say the same thing.
  const linkIdx: number[] = [];
  for (let i = 0; i < result.pairs.count; i++) {
    if (result.pairs.weight[i]! >= r.thresholdWeight && r.reps[r.kept.left[i]!] === r.reps[r.kept.right[i]!]) linkIdx.push(i);
  }
  const pick = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
    const out = make(linkIdx.length);
    for (let i = 0; i < linkIdx.length; i++) out[i] = a[linkIdx[i]!]!;
    return out;
  };
  const links: MatchPairs = {
    count: linkIdx.length,
    left: pick(result.pairs.left, (n) => new Uint32Array(n)),
    right: pick(result.pairs.right, (n) => new Uint32Array(n)),
    weight: pick(result.pairs.weight, (n) => new Float64Array(n)),
    probability: pick(result.pairs.probability, (n) => new Float64Array(n)),
  };
  const rejectedBySource = (prepared as PreparedDataset & { rejectedBySource: RejectedRow[][] }).rejectedBySource;
  const inputCount = (s: number) => (prepared.sourceRows[s] ?? 0) + (rejectedBySource[s]?.length ?? 0);
  return {
    ...result,
    links,
    clusters: {
      left: clustersPerInput(prepared, r.reps, 0, inputCount(0), true) as Array<string | null>,
      right: clustersPerInput(prepared, r.reps, 1, inputCount(1), true) as Array<string | null>,
    },
    rejected: [...(rejectedBySource[0] ?? []).map((x) => ({ ...x, side: 'left' as const })), ...(rejectedBySource[1] ?? []).map((x) => ({ ...x, side: 'right' as const }))],
    rejectedLeft: rejectedBySource[0] ?? [],
    rejectedRight: rejectedBySource[1] ?? [],
  };
}

/**
 * The comparisons of identity fields — a date, a sex, a national ID, compared alone — for the
 * MODEL_DISCOUNTS_FIELD check (model-warnings.ts).
 */
function identityComparisons(prepared: PreparedDataset, plan: ComparisonPlan): IdentityComparison[] {
  const kinds = new Map(prepared.schema.fields.map((f) => [f.name, f.kind]));
  const out: IdentityComparison[] = [];
  plan.fields.forEach((fields, k) => {
    if (fields.length !== 1) return;
    const kind = kinds.get(fields[0]!);
    if (kind === 'date' || kind === 'sex' || kind === 'nationalId') out.push({ comparison: k, field: fields[0]! });
  });
  return out;
}
