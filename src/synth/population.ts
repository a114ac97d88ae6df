/**
 * generatePopulation: a streaming synthetic Vietnamese population with ground truth —
 * base people (clean register records) interleaved with duplicate records of earlier people
 * (corrupted as the corruption model says) and namesakes (different people with the same
 * full name and birth date: the hard non-matches).
 *
 * Streaming: the generator holds O(cells) state (a PersonModel: 12,600 cell offsets and their
 * serial bijections) and one random stream. Base person k is computed from (seed, k) when it is
 * first emitted and recomputed whenever a duplicate of it is emitted, so 100M rows never hold
 * more than one row object at a time (if the caller does not keep them).
 *
 * Row order: row i is a duplicate with probability (duplicates left) / (rows left) — selection
 * sampling (Knuth, TAOCP vol. 2, §3.4.2, Algorithm S) — which gives exactly
 * round(size · duplicateRate) duplicates spread uniformly; the first row is always a base
 * person. A duplicate copies a base person drawn uniformly among those already emitted.
 *
 * Trade-off: the population depends on `size` and `duplicateRate` (they fix the number of base
 * people, which fixes the cell quotas); the same options always give the same rows.
 */
import { unknownKeys } from '../util/option-keys.js';
import { KhopError } from '../errors.js';
import { VN_PROVINCES_63 } from '../data/vn-provinces.js';
import { deriveSeed, Rng } from '../util/rng.js';
import { foldSeed } from './feistel.js';
import {
  corruptPerson,
  DEFAULT_CORRUPTION_RATES,
  type CorruptionKind,
  type CorruptionRates,
} from './corruption.js';
import {
  MAX_PEOPLE,
  PersonModel,
  personAddressOld,
  personDob,
  personFullName,
  sexLabel,
  type Person,
} from './person-model.js';

/** One synthetic record, every value as it would appear in a file ('' = missing). */
export interface PopulationRow {
  /** Row identifier: String(startRecordId + row number). */
  recordId: string;
  /** Ground truth: the person this record belongs to (same number for all their records). */
  personId: number;
  /** 12-digit CCCD, or a corrupted form of it, or '' when missing. */
  id: string;
  fullName: string;
  /** dd/mm/yyyy for clean records; other formats in duplicates. */
  dob: string;
  /** "Nam" | "Nữ" | ''. */
  sex: string;
  /** Province of birth registration (63-province short name) or ''. */
  province: string;
  address: string;
  /**
   * Only with `labelCorruptions: true`: the corruption kinds applied to this record, joined by
   * '|' in order of application ('' for a clean base record).
   */
  corruptions?: string;
}

/** Options of {@link generatePopulation}. */
export interface PopulationOptions {
  /** Number of rows to generate (base people + duplicates), 0 ≤ size ≤ 10^9. Default 10,000. */
  size?: number;
  /** Seed of every random choice; same options ⇒ identical rows. Any safe integer. Default 1. */
  seed?: number;
  /**
   * Share of rows that are extra records of an earlier person, in [0, 1). The number of
   * duplicate rows is round(size · duplicateRate), at most size − 1. Default 0.1.
   */
  duplicateRate?: number;
  /**
   * Share of base people who are namesakes of an earlier person of the same birth year and sex
   * (same full name and birth date, different person and ID), in [0, 1]. Default 0.01.
   */
  namesakeRate?: number;
  /** Per-kind corruption rates for duplicates, each in [0, 1]; missing kinds keep {@link DEFAULT_CORRUPTION_RATES}. */
  corruption?: Partial<CorruptionRates>;
  /** recordId of the first row (safe integer ≥ 0). Default 0. */
  startRecordId?: number;
  /** Add the `corruptions` field to every row (for evaluation by corruption kind). Default false. */
  labelCorruptions?: boolean;
}

/** Defaults of {@link PopulationOptions}. */
export const DEFAULT_POPULATION_OPTIONS = Object.freeze({
  size: 10_000,
  seed: 1,
  duplicateRate: 0.1,
  namesakeRate: 0.01,
  startRecordId: 0,
  labelCorruptions: false,
});

/** Options after defaults and validation. */
export interface ResolvedPopulationOptions {
  size: number;
  seed: number;
  duplicateRate: number;
  namesakeRate: number;
  corruption: Readonly<CorruptionRates>;
  startRecordId: number;
  labelCorruptions: boolean;
  /** Number of base people: size − duplicates. */
  people: number;
  /** Number of duplicate rows. */
  duplicates: number;
}

function isRate(x: unknown, maxExclusive = false): boolean {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && (maxExclusive ? x < 1 : x <= 1);
}

/**
 * Apply defaults and validate once; all problems are reported together in one KhopError
 * INVALID_OPTION whose `details.problems` lists them (option names only).
 */
const POPULATION_OPTION_KEYS: ReadonlySet<string> = new Set(['size', 'seed', 'duplicateRate', 'namesakeRate', 'corruption', 'startRecordId', 'labelCorruptions']);

export function resolvePopulationOptions(options: PopulationOptions, prefix = ''): ResolvedPopulationOptions {
  const problems: string[] = [];
  if (options === null || typeof options !== 'object') {
    throw new KhopError('INVALID_OPTION', `${prefix || 'options'} must be an object`);
  }
  const d = DEFAULT_POPULATION_OPTIONS;
  const size = options.size ?? d.size;
  const seed = options.seed ?? d.seed;
  const duplicateRate = options.duplicateRate ?? d.duplicateRate;
  const namesakeRate = options.namesakeRate ?? d.namesakeRate;
  const startRecordId = options.startRecordId ?? d.startRecordId;
  const labelCorruptions = options.labelCorruptions ?? d.labelCorruptions;
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PEOPLE) problems.push(`${prefix}size must be an integer in [0, ${MAX_PEOPLE}]`);
  if (!Number.isSafeInteger(seed)) problems.push(`${prefix}seed must be a safe integer`);
  if (!isRate(duplicateRate, true)) problems.push(`${prefix}duplicateRate must be a number in [0, 1)`);
  if (!isRate(namesakeRate)) problems.push(`${prefix}namesakeRate must be a number in [0, 1]`);
  if (!Number.isSafeInteger(startRecordId) || startRecordId < 0) problems.push(`${prefix}startRecordId must be a safe integer ≥ 0`);
  // Every row's id must be a safe integer too, else two rows would share one.
  else if (Number.isSafeInteger(size) && size > 0 && !Number.isSafeInteger(startRecordId + size - 1)) problems.push(`${prefix}startRecordId + size − 1 must be a safe integer (each row's record id)`);
  for (const k of unknownKeys(options, POPULATION_OPTION_KEYS)) problems.push(`${prefix}${k} is not an option (known: ${[...POPULATION_OPTION_KEYS].join(', ')})`);
  if (typeof labelCorruptions !== 'boolean') problems.push(`${prefix}labelCorruptions must be a boolean`);
  const corruption: CorruptionRates = { ...DEFAULT_CORRUPTION_RATES };
  if (options.corruption !== undefined) {
    if (options.corruption === null || typeof options.corruption !== 'object') {
      problems.push(`${prefix}corruption must be an object of rates`);
    } else {
      for (const [k, v] of Object.entries(options.corruption)) {
        if (!Object.prototype.hasOwnProperty.call(DEFAULT_CORRUPTION_RATES, k)) {
          problems.push(`${prefix}corruption.${k} is not a corruption kind`);
        } else if (v !== undefined) {
          if (!isRate(v)) problems.push(`${prefix}corruption.${k} must be a number in [0, 1]`);
          else corruption[k as CorruptionKind] = v;
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid population options: ${problems.join('; ')}`, { details: { problems } });
  }
  const duplicates = size === 0 ? 0 : Math.min(Math.round(size * duplicateRate), size - 1);
  return {
    size,
    seed,
    duplicateRate,
    namesakeRate,
    corruption: Object.freeze(corruption),
    startRecordId,
    labelCorruptions,
    people: size - duplicates,
    duplicates,
  };
}

/** The clean register row of a base person. */
export function baseRow(p: Person, recordId: string): PopulationRow {
  return {
    recordId,
    personId: p.personId,
    id: p.id,
    fullName: personFullName(p),
    dob: personDob(p),
    sex: sexLabel(p.sex),
    province: VN_PROVINCES_63[p.provinceIndex].shortName,
    address: personAddressOld(p),
  };
}

const STREAM_ROWS = 101;

/**
 * Generate a synthetic population as a synchronous stream of rows.
 *
 * Options are validated when this function is called (not at the first `next()`); a bad
 * option throws KhopError INVALID_OPTION naming it.
 *
 * ```ts
 * for (const row of generatePopulation({ size: 1_000_000, seed: 7 })) { ... }
 * ```
 */
export function generatePopulation(options: PopulationOptions = {}): Generator<PopulationRow, void, undefined> {
  const o = resolvePopulationOptions(options);
  const model = new PersonModel({ people: o.people, seed: o.seed, namesakeRate: o.namesakeRate });
  return rows(o, model);
}

function* rows(o: ResolvedPopulationOptions, model: PersonModel): Generator<PopulationRow, void, undefined> {
  const rng = new Rng(deriveSeed(foldSeed(o.seed), STREAM_ROWS));
  const applied: CorruptionKind[] = [];
  const cmndOf = (k: number): string => model.cmnd(k);
  let basesLeft = o.people;
  let dupsLeft = o.duplicates;
  let emitted = 0; // base people emitted so far
  for (let i = 0; i < o.size; i++) {
    const recordId = '' + (o.startRecordId + i);
    // Algorithm S: duplicate with probability dupsLeft / rowsLeft (never before the first base).
    const dup = emitted > 0 && (basesLeft === 0 || rng.int(basesLeft + dupsLeft) < dupsLeft);
    if (!dup) {
      const row = baseRow(model.person(emitted), recordId);
      if (o.labelCorruptions) row.corruptions = '';
      emitted++;
      basesLeft--;
      yield row;
    } else {
      dupsLeft--;
      const p = model.person(rng.int(emitted));
      applied.length = 0;
      const f = corruptPerson(p, cmndOf, o.corruption, rng, applied);
      const row: PopulationRow = {
        recordId,
        personId: p.personId,
        id: f.id,
        fullName: f.fullName,
        dob: f.dob,
        sex: f.sex,
        province: f.province,
        address: f.address,
      };
      if (o.labelCorruptions) row.corruptions = applied.join('|');
      yield row;
    }
  }
}
