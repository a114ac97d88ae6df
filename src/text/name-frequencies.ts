/**
 * How often a token is a Vietnamese family, middle or given name — the evidence
 * parsePersonName uses to recognise family names and to flag a likely reversed order.
 *
 * Built once at load from the vendored lists (src/data/vn-family-names.ts,
 * src/data/vn-name-parts.ts; the UIT member sample, see src/data/README.md), CLEANED:
 *   - every entry is normalised (normalizeText) and kept only if it spells one Vietnamese
 *     syllable (isVietnameseSyllable) — this drops the mojibake in the sample ("Buøi", "Laâm",
 *     "Ñoã", "BĂši" … VNI/TCVN3/CP1252 decoding accidents) and fragments ("Y-");
 *   - misplaced tones are merged by normalisation ("Hùynh" → "huỳnh");
 *   - "Y" is not a family name: it is the male-name prefix of Ê Đê and Jarai names
 *     ("Y Moan Ênuôl", whose family name comes last);
 *   - a few well-known family names absent from the sample are added with a small share
 *     ({@link EXTRA_FAMILY_NAMES}: Wikipedia, "Vietnamese name" and "List of common Vietnamese
 *     surnames"; ethnic-minority names of the northern mountains — Bế, Giàng, Thào, Sùng …).
 *
 * Compound family names (họ kép) recognised at the start of a name: {@link COMPOUND_FAMILY_NAMES}.
 * "Nguyễn Phúc/Phước" (the royal clan) is deliberately NOT in the list: Phúc/Phước is a very
 * common middle name of ordinary Nguyễns, and reading it as part of the family would misparse
 * far more names than it fixes.
 *
 * Lookups take a normalised token. A token written with diacritics is looked up as written;
 * a token without any (ASCII) is looked up by its folded form, so "nguyen" finds Nguyễn but
 * "lệ" (a given name) does not find Lê.
 *
 * The UIT sample is young, male-biased and southern; shares are evidence for a likelihood
 * ratio, not a national distribution. Unseen tokens get {@link UNSEEN_SHARE}.
 *
 * Trade-off: three pairs of Maps (a few thousand entries) built lazily on the first lookup,
 * so importing khop costs nothing for programs that never parse names. For the parser, one
 * more pair (tokenLogShares) holds each token's three log-shares and its family-name flag, so
 * a parse does one lookup per token instead of three or four, and no logarithm.
 */
import { VN_FAMILY_NAME_SHARES } from '../data/vn-family-names.js';
import {
  VN_BOY_SYLLABLES,
  VN_GIRL_SYLLABLES,
  VN_GIVEN_NAME_SHARES,
  VN_MIDDLE_NAME_SHARES,
} from '../data/vn-name-parts.js';
import { foldToAscii } from './fold.js';
import { normalizeText } from './normalize.js';
import { isVietnameseSyllable } from './syllable.js';
import { checkString } from '../util/arg-check.js';

/** Share assumed for a token never seen in a role (smoothing). */
export const UNSEEN_SHARE = 1e-5;
/** Share given to added family names and to listed given-name syllables without a share. */
const LISTED_SHARE = 2e-4;

/** Family names added to the sample (see the header). */
export const EXTRA_FAMILY_NAMES: readonly string[] = [
  'Giáp', 'Khuất', 'Cung', 'Quan', 'Chử', 'Đường', 'Ứng', 'Bế', 'Giàng', 'Thào', 'Lầu', 'Sùng',
  'Mùa', 'Hầu', 'Cầm', 'Điêu', 'Tòng', 'Quàng',
];

/** Compound family names (họ kép), normalised tokens. */
export const COMPOUND_FAMILY_NAMES: ReadonlyArray<readonly string[]> = [
  ['công', 'tằng', 'tôn', 'nữ'],
  ['tôn', 'thất'],
  ['tôn', 'nữ'],
  ['âu', 'dương'],
  ['tư', 'mã'],
  ['hoàng', 'phủ'],
  ['thượng', 'quan'],
];

/** Tokens excluded as family names (see the header). */
const NOT_FAMILY = new Set(['y']);

interface ShareMaps {
  exact: Map<string, number>;
  folded: Map<string, number>;
}

function newMaps(): ShareMaps {
  return { exact: new Map(), folded: new Map() };
}

function add(maps: ShareMaps, token: string, share: number): void {
  maps.exact.set(token, (maps.exact.get(token) ?? 0) + share);
  const f = foldToAscii(token);
  maps.folded.set(f, (maps.folded.get(f) ?? 0) + share);
}

function floor(maps: ShareMaps, token: string, share: number): void {
  if ((maps.exact.get(token) ?? 0) < share) add(maps, token, share - (maps.exact.get(token) ?? 0));
}

const FAMILY = newMaps();
const MIDDLE = newMaps();
const GIVEN = newMaps();

/** Tables are built on first use (not at import): most programs never parse names. */
let built = false;

function build(): void {
  built = true;
  for (const [name, share] of VN_FAMILY_NAME_SHARES) {
    const t = normalizeText(name);
    if (isVietnameseSyllable(t) && !NOT_FAMILY.has(t)) add(FAMILY, t, share);
  }
  for (const name of EXTRA_FAMILY_NAMES) floor(FAMILY, normalizeText(name), LISTED_SHARE);
  for (const [name, share] of VN_MIDDLE_NAME_SHARES) {
    for (const t of normalizeText(name).split(' ')) if (isVietnameseSyllable(t)) add(MIDDLE, t, share);
  }
  for (const [name, share] of VN_GIVEN_NAME_SHARES) {
    const parts = normalizeText(name).split(' ');
    const t = parts[parts.length - 1]!;
    if (isVietnameseSyllable(t)) add(GIVEN, t, share);
  }
  for (const s of VN_BOY_SYLLABLES) floor(GIVEN, normalizeText(s), LISTED_SHARE);
  for (const s of VN_GIRL_SYLLABLES) floor(GIVEN, normalizeText(s), LISTED_SHARE);
}

/**
 * What the reversal likelihoods of parsePersonName need of one token: the natural log of its
 * share as a family, middle and given name — Math.log(share), the share raised to
 * {@link UNSEEN_SHARE} when smaller (0 when unseen) — and whether it is a known family name.
 */
export interface TokenLogShares {
  readonly family: number;
  readonly middle: number;
  readonly given: number;
  /** familyNameShare(token) > 0, i.e. isKnownFamilyName(token). */
  readonly knownFamily: boolean;
}

/** Math.log of a share floored at UNSEEN_SHARE (what the parser's likelihoods add up). */
export function logShare(share: number): number {
  return Math.log(share > UNSEEN_SHARE ? share : UNSEEN_SHARE);
}

/** tokenLogShares of a token in no table. */
let UNSEEN_LOGS: TokenLogShares | null = null;
/** Per token written with diacritics (exact) and without (folded): its TokenLogShares. */
const EXACT_LOGS = new Map<string, TokenLogShares>();
const FOLDED_LOGS = new Map<string, TokenLogShares>();

function buildLogs(): void {
  UNSEEN_LOGS = Object.freeze({ family: logShare(0), middle: logShare(0), given: logShare(0), knownFamily: false });
  for (const [which, logs] of [['exact', EXACT_LOGS], ['folded', FOLDED_LOGS]] as const) {
    const tokens = new Set<string>([...FAMILY[which].keys(), ...MIDDLE[which].keys(), ...GIVEN[which].keys()]);
    for (const t of tokens) {
      const f = FAMILY[which].get(t) ?? 0;
      logs.set(t, Object.freeze({ family: logShare(f), middle: logShare(MIDDLE[which].get(t) ?? 0), given: logShare(GIVEN[which].get(t) ?? 0), knownFamily: f > 0 }));
    }
  }
}

/**
 * The log-shares of `token` (normalised) in the three roles — equal to
 * logShare(familyNameShare(token)), logShare(middleNameShare(token)),
 * logShare(givenNameShare(token)) and isKnownFamilyName(token) (tested) — with one lookup.
 * The returned object is shared and frozen.
 */
export function tokenLogShares(token: string): TokenLogShares {
  if (!built) build();
  if (UNSEEN_LOGS === null) buildLogs();
  const v = hasDiacritics(token) ? EXACT_LOGS.get(token) : FOLDED_LOGS.get(token);
  return v ?? UNSEEN_LOGS!;
}

/** A token written with diacritics: its fold and the fold's log-shares (see foldedToken). */
interface FoldedToken {
  readonly fold: string;
  readonly shares: TokenLogShares;
}

/** Tokens written with diacritics, folded (bounded: emptied when full). */
const FOLDED_OF_EXACT = new Map<string, FoldedToken>();
const MAX_FOLDED_OF_EXACT = 65536;

function foldedOfExact(token: string): FoldedToken {
  let v = FOLDED_OF_EXACT.get(token);
  if (v === undefined) {
    if (FOLDED_OF_EXACT.size >= MAX_FOLDED_OF_EXACT) FOLDED_OF_EXACT.clear();
    const fold = foldToAscii(token);
    v = { fold, shares: tokenLogShares(fold) };
    FOLDED_OF_EXACT.set(token, v);
  }
  return v;
}

/** foldToAscii of a normalised name token, memoised (a token without diacritics is its own). */
export function foldedToken(token: string): string {
  return hasDiacritics(token) ? foldedOfExact(token).fold : token;
}

/**
 * The log-shares of `token`'s diacritic-free spelling: the shares of every spelling that folds
 * like it, pooled (tokenLogShares of foldToAscii(token)). "Dương" and "Duong" get the same —
 * what a decision must use when it has to come out the same for a name written with and
 * without diacritics (the parser's reversal flag).
 */
export function foldedTokenLogShares(token: string): TokenLogShares {
  return hasDiacritics(token) ? foldedOfExact(token).shares : tokenLogShares(token);
}

function hasDiacritics(token: string): boolean {
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) >= 0x80) return true;
  return false;
}

function lookup(maps: ShareMaps, token: string): number {
  if (!built) build();
  const v = hasDiacritics(token) ? maps.exact.get(token) : maps.folded.get(token);
  return v ?? 0;
}

/** Share of `token` (normalised) among family names, 0 when it is not a known family name. */
export function familyNameShare(token: string): number {
  return lookup(FAMILY, token);
}

/**
 * True when `token` (normalised) is a known Vietnamese family name. Throws KhopError
 * INVALID_ARGUMENT for a non-string (the public entry; row preparation calls familyNameShare).
 */
export function isKnownFamilyName(token: string): boolean {
  checkString('isKnownFamilyName', 'token', token);
  return lookup(FAMILY, token) > 0;
}

/** Share of `token` among middle-name tokens (0 when unseen). */
export function middleNameShare(token: string): number {
  return lookup(MIDDLE, token);
}

/** Share of `token` among given names (0 when unseen). */
export function givenNameShare(token: string): number {
  return lookup(GIVEN, token);
}

/**
 * The compound family names as both sides of a token comparison need them: normalised (a token
 * with diacritics must equal it) and folded (a token without must equal the folded form), and
 * the set of possible first tokens, so most names are rejected by one Set lookup.
 */
let compoundTable: {
  exact: readonly (readonly string[])[];
  folded: readonly (readonly string[])[];
  first: ReadonlySet<string>;
  /** The folded first tokens alone (mayStartCompoundFamily). */
  foldedFirst: ReadonlySet<string>;
  minLength: number;
} | null = null;

function compounds(): NonNullable<typeof compoundTable> {
  if (compoundTable === null) {
    const folded = COMPOUND_FAMILY_NAMES.map((c) => c.map((t) => foldToAscii(t)));
    const first = new Set<string>();
    for (let i = 0; i < COMPOUND_FAMILY_NAMES.length; i++) {
      first.add(COMPOUND_FAMILY_NAMES[i]![0]!);
      first.add(folded[i]![0]!);
    }
    const foldedFirst = new Set(folded.map((c) => c[0]!));
    compoundTable = { exact: COMPOUND_FAMILY_NAMES, folded, first, foldedFirst, minLength: Math.min(...COMPOUND_FAMILY_NAMES.map((c) => c.length)) };
  }
  return compoundTable;
}

/**
 * Length of the compound family name at the start of `tokens` (normalised), 0 when none.
 * Only counts when at least one token remains for the given name.
 */
export function compoundFamilyLength(tokens: readonly string[]): number {
  const t = compounds();
  if (tokens.length <= t.minLength || !t.first.has(tokens[0]!)) return 0;
  for (let i = 0; i < t.exact.length; i++) {
    const c = t.exact[i]!;
    if (tokens.length <= c.length) continue;
    const f = t.folded[i]!;
    let ok = true;
    for (let k = 0; k < c.length && ok; k++) {
      const tok = tokens[k]!;
      ok = hasDiacritics(tok) ? tok === c[k] : tok === f[k];
    }
    if (ok) return c.length;
  }
  return 0;
}

/**
 * Whether a name of `tokens` tokens whose first token folds to `foldedFirst` may start with a
 * compound family name. False means compoundFamilyLength is 0 for every such name: a first
 * token in the `first` set folds into `foldedFirst`'s set (its own fold, or a folded first
 * token, whose fold is itself), so a folded word outside that set rules it out — one Set
 * lookup for a caller that has the folded words but not the text (name-verdict.ts).
 */
export function mayStartCompoundFamily(foldedFirst: string, tokens: number): boolean {
  const t = compounds();
  return tokens > t.minLength && t.foldedFirst.has(foldedFirst);
}

/**
 * compoundFamilyLength(s.split(' ')) without the split (the tokens of a canonical name are
 * its space-separated words): a name whose first word cannot start a compound family name —
 * nearly all — is answered with one slice and one Set lookup. Equal for every string (tested).
 */
export function compoundFamilyLengthOf(s: string): number {
  const t = compounds();
  let tokens = 1;
  for (let i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', i + 1)) tokens++;
  if (tokens <= t.minLength) return 0;
  const sp = s.indexOf(' ');
  if (!t.first.has(s.slice(0, sp))) return 0;
  return compoundFamilyLength(s.split(' '));
}
