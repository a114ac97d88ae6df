/**
 * generateClaims: identity claims (ID + full name + date of birth + sex) against a clean
 * register, each with the verdict an authenticator should return and why.
 *
 * Default mix (weights, normalised; counts per kind are exact by largest remainder, and their
 * positions are shuffled by a seeded permutation):
 *
 * | kind           | weight | expected        | expectedReason                                  |
 * |----------------|--------|-----------------|-------------------------------------------------|
 * | verified       | 0.60   | VERIFIED        | 'exact', or 'benign:' + the benign kinds applied |
 * | wrongName      | 0.08   | MISMATCH        | 'wrongName'                                     |
 * | wrongDob       | 0.07   | MISMATCH        | 'wrongDobSameYear'                              |
 * | notFound       | 0.10   | NOT_FOUND       | 'idNotInRegister'                               |
 * | invalidId      | 0.08   | INVALID_ID      | 'idLetters' / 'idLength10' / 'idLength13' / 'idUnknownProvince' |
 * | inconsistentId | 0.07   | INCONSISTENT_ID | 'sexContradictsId' / 'birthYearContradictsId'   |
 *
 * Benign noise of VERIFIED claims — each equal to the register value after normalisation
 * (NFC, canonical tone placement, case and spaces folded, dates parsed, leading zeros
 * restored): nameToneStyle 20 % (when the name has an oa/oe/uy syllable with a tone),
 * nameNoDiacritics 30 %, nameNfd 10 %, nameCaseSpacing 15 %, dobFormat 30 %,
 * idLeadingZeroLost 10 % (all leading zeros, as a spreadsheet does).
 *
 * Wrong names are another register person's name of the same sex whose diacritic-free given
 * name differs from the true one by more than one edit (so no fuzzy comparison can call them
 * equal); wrong dates keep the year (so the ID's year digits still agree) and differ by more
 * than a day and from the day/month swap. IDs "not in the register" are well-formed, with a
 * valid prefix and digits consistent with the claimed sex and birth year.
 *
 * Sampling the register without holding it: when `register` is population options, base
 * person k is recomputed from (seed, k) by the PersonModel in O(log cells) — claim i draws k
 * uniformly — and unused IDs are serial ranks beyond a cell's quota. When `register` is an
 * array of rows, rows are sampled by index and unused IDs are checked against a Set of the
 * register's IDs.
 *
 * Each claim is computed from (seed, i) alone, so claims can be regenerated independently.
 */
import { unknownKeys } from '../util/option-keys.js';
import { KhopError } from '../errors.js';
import { deriveSeed, Rng } from '../util/rng.js';
import { caseSpacingVariant, dropLeadingZeros, formatDate, DATE_FORMATS } from './corruption.js';
import { dayOfYear, daysInMonth, daysInYear, formatDmy, MALE_SHARE, monthDayOf, pad2, REFERENCE_YEAR } from './demography.js';
import { FeistelPermutation, foldSeed } from './feistel.js';
import { drawName, joinName, type NameParts } from './names.js';
import { drawBirthYear, PersonModel, sexLabel } from './person-model.js';
import { resolvePopulationOptions, type PopulationOptions } from './population.js';
import { ModelSource, PREFIXES, RowsSource, type RegisterPerson, type RegisterRowInput, type RegisterSource } from './register-source.js';
import { foldToAscii } from '../text/fold.js';
import { hasNonAscii, stripDiacritics, toggleTonePlacement } from './vi-text.js';

export type { RegisterRowInput } from './register-source.js';

/** The verdicts a claim may expect (AMBIGUOUS is never generated). */
export type ClaimVerdict = 'VERIFIED' | 'MISMATCH' | 'NOT_FOUND' | 'INVALID_ID' | 'INCONSISTENT_ID';

/** One synthetic claim with its expected verdict. */
export interface Claim {
  /** String(claim number), 0-based. */
  claimId: string;
  id: string;
  fullName: string;
  dob: string;
  /** "Nam" | "Nữ". */
  sex: string;
  expected: ClaimVerdict;
  /** Why: see the table in the file header. */
  expectedReason: string;
  /** Ground truth: the register person whose record the claim is built from, −1 for NOT_FOUND. */
  personId: number;
}

/** Relative weights of the claim kinds. */
export interface ClaimMix {
  verified: number;
  wrongName: number;
  wrongDob: number;
  notFound: number;
  invalidId: number;
  inconsistentId: number;
}

/** Default claim mix (see the file header). */
export const DEFAULT_CLAIM_MIX: Readonly<ClaimMix> = Object.freeze({
  verified: 0.6,
  wrongName: 0.08,
  wrongDob: 0.07,
  notFound: 0.1,
  invalidId: 0.08,
  inconsistentId: 0.07,
});

/** Probability of each benign noise kind in a VERIFIED claim. */
export const BENIGN_NOISE_RATES = Object.freeze({
  nameToneStyle: 0.2,
  nameNoDiacritics: 0.3,
  nameNfd: 0.1,
  nameCaseSpacing: 0.15,
  dobFormat: 0.3,
  idLeadingZeroLost: 0.1,
});

/** Options of {@link generateClaims}. */
export interface ClaimOptions {
  /**
   * The register: either the population options it was generated with (duplicateRate must be
   * explicitly 0 — a clean register), or its rows.
   */
  register: PopulationOptions | readonly RegisterRowInput[];
  /** Number of claims (integer ≥ 0). */
  count: number;
  /** Seed of the claims (independent of the register's seed). Default 1. */
  seed?: number;
  /** Relative weights of the claim kinds; missing kinds keep {@link DEFAULT_CLAIM_MIX}. */
  mix?: Partial<ClaimMix>;
}

export const DEFAULT_CLAIM_SEED = 1;

const MIX_KEYS = ['verified', 'wrongName', 'wrongDob', 'notFound', 'invalidId', 'inconsistentId'] as const;
type MixKey = (typeof MIX_KEYS)[number];

const CLAIM_OPTION_KEYS: ReadonlySet<string> = new Set(['register', 'count', 'seed', 'mix']);

function resolveClaimOptions(options: ClaimOptions): { source: RegisterSource; count: number; seed: number; mix: ClaimMix } {
  if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'claim options must be an object');
  const problems: string[] = [];
  const count = options.count;
  const seed = options.seed ?? DEFAULT_CLAIM_SEED;
  if (!Number.isSafeInteger(count) || count < 0) problems.push('count must be an integer ≥ 0');
  if (!Number.isSafeInteger(seed)) problems.push('seed must be a safe integer');
  for (const k of unknownKeys(options, CLAIM_OPTION_KEYS)) problems.push(`${k} is not an option (known: ${[...CLAIM_OPTION_KEYS].join(', ')})`);
  const mix: ClaimMix = { ...DEFAULT_CLAIM_MIX };
  if (options.mix !== undefined) {
    if (options.mix === null || typeof options.mix !== 'object') {
      problems.push('mix must be an object of weights');
    } else {
      for (const [k, v] of Object.entries(options.mix)) {
        if (!(MIX_KEYS as readonly string[]).includes(k)) problems.push(`mix.${k} is not a claim kind`);
        else if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) problems.push(`mix.${k} must be a finite number ≥ 0`);
        else if (v !== undefined) mix[k as MixKey] = v;
      }
      if (MIX_KEYS.reduce((s, k) => s + mix[k], 0) <= 0) problems.push('mix weights must not all be 0');
    }
  }
  const reg = options.register;
  let source: RegisterSource | undefined;
  if (Array.isArray(reg)) {
    if (reg.length === 0) problems.push('register must not be empty');
  } else if (reg === null || typeof reg !== 'object') {
    problems.push('register must be population options or an array of rows');
  } else if ((reg as PopulationOptions).duplicateRate !== 0) {
    problems.push('register.duplicateRate must be explicitly 0 (claims are checked against a clean register)');
  }
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid claim options: ${problems.join('; ')}`, { details: { problems } });
  }
  if (Array.isArray(reg)) {
    source = new RowsSource(reg as readonly RegisterRowInput[]);
  } else {
    const o = resolvePopulationOptions(reg as PopulationOptions, 'register.');
    if (o.people === 0) throw new KhopError('INVALID_OPTION', 'register.size must be ≥ 1');
    source = new ModelSource(new PersonModel({ people: o.people, seed: o.seed, namesakeRate: o.namesakeRate }));
  }
  return { source, count, seed, mix };
}

/** Exact count per kind (largest remainder), in MIX_KEYS order. */
function kindCounts(count: number, mix: ClaimMix): number[] {
  const total = MIX_KEYS.reduce((s, k) => s + mix[k], 0);
  const exact = MIX_KEYS.map((k) => (count * mix[k]) / total);
  const counts = exact.map(Math.floor);
  let left = count - counts.reduce((s, c) => s + c, 0);
  const order = MIX_KEYS.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) counts[order[j]]++;
  return counts;
}

const STREAM_ORDER = 1;
const STREAM_CLAIM = 2;

/**
 * Generate `count` claims against a clean register as a synchronous stream. Options are
 * validated when called; a bad option throws KhopError INVALID_OPTION naming it, bad register
 * rows throw INVALID_ARGUMENT naming the row and field.
 */
export function generateClaims(options: ClaimOptions): Generator<Claim, void, undefined> {
  const o = resolveClaimOptions(options);
  return claims(o.source, o.count, o.seed, o.mix);
}

function* claims(source: RegisterSource, count: number, seed: number, mix: ClaimMix): Generator<Claim, void, undefined> {
  if (count === 0) return;
  const counts = kindCounts(count, mix);
  const ends: number[] = [];
  let acc = 0;
  for (const c of counts) ends.push((acc += c));
  const order = new FeistelPermutation(count, deriveSeed(foldSeed(seed), STREAM_ORDER));
  const claimSeed = deriveSeed(foldSeed(seed), STREAM_CLAIM);
  const scratch: NameParts = { family: '', middle: '', given: '' };
  for (let i = 0; i < count; i++) {
    const slot = order.apply(i);
    let kind = 0;
    while (slot >= ends[kind]) kind++;
    const rng = new Rng(deriveSeed(claimSeed, i));
    yield makeClaim(MIX_KEYS[kind], '' + i, source, rng, scratch);
  }
}

function makeClaim(kind: MixKey, claimId: string, src: RegisterSource, rng: Rng, scratch: NameParts): Claim {
  if (kind === 'notFound') {
    const year = drawBirthYear(rng);
    const sex: 0 | 1 = rng.chance(MALE_SHARE) ? 0 : 1;
    const id = src.unusedId(rng, year, sex);
    const fullName = joinName(drawName(rng, sex, scratch));
    const md = monthDayOf(year, rng.int(daysInYear(year)));
    return {
      claimId,
      id,
      fullName,
      dob: formatDmy(year, Math.floor(md / 100), md % 100),
      sex: sexLabel(sex),
      expected: 'NOT_FOUND',
      expectedReason: 'idNotInRegister',
      personId: -1,
    };
  }
  const p = src.person(rng.int(src.size));
  const claim: Claim = {
    claimId,
    id: p.id,
    fullName: p.fullName,
    dob: formatDmy(p.year, p.month, p.day),
    sex: sexLabel(p.sex),
    expected: 'VERIFIED',
    expectedReason: 'exact',
    personId: p.personId,
  };
  switch (kind) {
    case 'verified':
      addBenignNoise(claim, p, rng);
      break;
    case 'wrongName':
      claim.fullName = otherName(p, src, rng, scratch);
      claim.expected = 'MISMATCH';
      claim.expectedReason = 'wrongName';
      break;
    case 'wrongDob': {
      claim.dob = otherDateSameYear(p, rng);
      claim.expected = 'MISMATCH';
      claim.expectedReason = 'wrongDobSameYear';
      break;
    }
    case 'invalidId': {
      const r = malformId(p.id, rng);
      claim.id = r.id;
      claim.expected = 'INVALID_ID';
      claim.expectedReason = r.reason;
      break;
    }
    case 'inconsistentId':
      claim.expected = 'INCONSISTENT_ID';
      if (rng.chance(0.5)) {
        claim.sex = sexLabel(p.sex === 0 ? 1 : 0);
        claim.expectedReason = 'sexContradictsId';
      } else {
        claim.dob = otherYear(p, rng);
        claim.expectedReason = 'birthYearContradictsId';
      }
      break;
  }
  return claim;
}

function addBenignNoise(claim: Claim, p: RegisterPerson, rng: Rng): void {
  const kinds: string[] = [];
  let name = p.fullName;
  if (rng.chance(BENIGN_NOISE_RATES.nameToneStyle)) {
    const t = name.split(' ').map(toggleTonePlacement).join(' ');
    if (t !== name) {
      name = t;
      kinds.push('nameToneStyle');
    }
  }
  if (rng.chance(BENIGN_NOISE_RATES.nameNoDiacritics)) {
    const t = stripDiacritics(name);
    if (t !== name) {
      name = t;
      kinds.push('nameNoDiacritics');
    }
  }
  if (rng.chance(BENIGN_NOISE_RATES.nameNfd) && hasNonAscii(name)) {
    const t = name.normalize('NFD');
    if (t !== name) {
      name = t;
      kinds.push('nameNfd');
    }
  }
  if (rng.chance(BENIGN_NOISE_RATES.nameCaseSpacing)) {
    const t = caseSpacingVariant(name, rng);
    if (t !== name) {
      name = t;
      kinds.push('nameCaseSpacing');
    }
  }
  claim.fullName = name;
  if (rng.chance(BENIGN_NOISE_RATES.dobFormat)) {
    const plain = claim.dob;
    const candidates = DATE_FORMATS.map((f) => formatDate(p.year, p.month, p.day, f)).filter((t) => t !== plain);
    claim.dob = candidates[rng.int(candidates.length)];
    kinds.push('dobFormat');
  }
  if (rng.chance(BENIGN_NOISE_RATES.idLeadingZeroLost)) {
    const t = dropLeadingZeros(claim.id);
    if (t !== claim.id) {
      claim.id = t;
      kinds.push('idLeadingZeroLost');
    }
  }
  claim.expectedReason = kinds.length === 0 ? 'exact' : 'benign:' + kinds.join('+');
}

/** True when a and b are equal or one insertion, deletion or substitution apart. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) return a.slice(i + 1) === b.slice(i + 1);
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function givenKey(fullName: string): string {
  const k = foldToAscii(fullName);
  return k.slice(k.lastIndexOf(' ') + 1);
}

/** Another person's name of the same sex, clearly different from p's (see the file header). */
function otherName(p: RegisterPerson, src: RegisterSource, rng: Rng, scratch: NameParts): string {
  const mine = givenKey(p.fullName);
  for (let attempt = 0; attempt < 64; attempt++) {
    const q = src.person(rng.int(src.size));
    if (q.sex !== p.sex && attempt < 48) continue;
    if (!withinOneEdit(givenKey(q.fullName), mine)) return q.fullName;
  }
  for (;;) {
    const name = joinName(drawName(rng, p.sex, scratch));
    if (!withinOneEdit(givenKey(name), mine)) return name;
  }
}

/** A date in the same year, more than one day away and not the day/month swap. */
function otherDateSameYear(p: RegisterPerson, rng: Rng): string {
  const doy = dayOfYear(p.year, p.month, p.day);
  const n = daysInYear(p.year);
  for (;;) {
    const other = rng.int(n);
    if (Math.abs(other - doy) <= 1) continue;
    const md = monthDayOf(p.year, other);
    const m = Math.floor(md / 100);
    const d = md % 100;
    if (m === p.day && d === p.month) continue;
    return formatDmy(p.year, m, d);
  }
}

/** Same day and month, birth year moved by 1–5 years (inside 1900..REFERENCE_YEAR). */
function otherYear(p: RegisterPerson, rng: Rng): string {
  for (;;) {
    const delta = (1 + rng.int(5)) * (rng.chance(0.5) ? 1 : -1);
    const y = p.year + delta;
    if (y < 1900 || y > REFERENCE_YEAR) continue;
    const d = Math.min(p.day, daysInMonth(y, p.month)); // 29/02 → 28/02 in a common year
    return formatDmy(y, p.month, d);
  }
}

const LOOKALIKE_LETTERS = 'OoIlSBZGA';
/** '0xx' prefixes that are not in the 63-province table. */
const UNKNOWN_PREFIXES: readonly string[] = Array.from({ length: 100 }, (_, i) => '0' + pad2(i)).filter((x) => !PREFIXES.has(x));

/** A malformed version of a valid 12-digit ID, and which malformation. */
function malformId(id: string, rng: Rng): { id: string; reason: string } {
  switch (rng.int(4)) {
    case 0: {
      const i = 3 + rng.int(9);
      return { id: id.slice(0, i) + LOOKALIKE_LETTERS[rng.int(LOOKALIKE_LETTERS.length)] + id.slice(i + 1), reason: 'idLetters' };
    }
    case 1: {
      // drop two digits of the serial part: still starts with '0', so it is not a number whose
      // leading zeros a spreadsheet dropped
      let s = id;
      for (let k = 0; k < 2; k++) {
        const i = 6 + rng.int(s.length - 6);
        s = s.slice(0, i) + s.slice(i + 1);
      }
      return { id: s, reason: 'idLength10' };
    }
    case 2: {
      const i = 6 + rng.int(7);
      return { id: id.slice(0, i) + rng.int(10) + id.slice(i), reason: 'idLength13' };
    }
    default:
      return { id: UNKNOWN_PREFIXES[rng.int(UNKNOWN_PREFIXES.length)] + id.slice(3), reason: 'idUnknownProvince' };
  }
}
