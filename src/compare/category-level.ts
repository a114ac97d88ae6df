/**
 * Comparison levels for categories (province, district, ethnicity…) on int32 dictionary codes
 * — 0 = missing, values numbered from 1, so a store's null int32 cell (which holds 0) reads as
 * missing, as for dates and sex — with an optional equivalence between codes that denote the same thing under two code lists —
 * above all Vietnam's 63 provinces (until 30/06/2025) and the 34 provinces that absorbed them.
 *
 * An equivalence is a class per dictionary code (`classOf[code]`, −1 = none): two codes are
 * equivalent when their classes are equal and not −1. {@link buildProvinceEquivalence} fills it
 * from src/data/vn-provinces.ts: every old province (by name, or a former name listed in
 * VN_PROVINCE_FORMER_NAMES) belongs to the class of the new
 * province that absorbed it (VN_PROVINCES_34.legacy), every new province to its own class — so
 * "Hà Giang" (old) ≡ "Tuyên Quang" (new) ≡ "Tuyên Quang" (old), but "Hà Giang" ≢ "Hà Nội".
 *
 * Levels (first that holds):
 *   0 missing      either code is 0
 *   1 exact        same code
 *   2 equivalent   different codes of one equivalence class
 *   3 one-typo     the two values (as the dictionary holds them: folded) one slip apart — one
 *                  character substituted, inserted, deleted, or two adjacent ones swapped
 *                  ("lonon" / "london", "birmingahm" / "birmingham"); only with a
 *                  {@link CategorySpelling} of the dictionary
 *   4 else
 *
 * Why level 3: a category typed by hand (a city, a district, an ethnicity written out) carries
 * typos like any text, and without the level a misspelt city is evidence AGAINST a match, as
 * strong as a different city. One slip, not more: distinct categories can be two letters apart
 * ("ha nam" / "ha noi", two provinces), and the level's weight is learned (u from random pairs:
 * how often distinct values of this dictionary are one slip apart), so a dictionary of
 * look-alike codes gives it little weight. Measured with bench/quality/run.ts (Splink's fake
 * data, whose city column is misspelt; defaults otherwise unchanged): F1 fake_20000 0.8846 →
 * 0.8894, fake_1000 0.9267 → 0.9276; datasets without a category unchanged. A model saved with
 * the 4 levels before it (else = 3) no longer fits the plan and is refused (INVALID_OPTION).
 *
 * Trade-off: the name matching of the builder runs once per dictionary (not per pair) and
 * uses its own small diacritic fold for the table names; the per-pair path is two array reads
 * (and, for two codes whose values differ in length by at most one, a byte of the spelling memo).
 */
import { KhopError } from '../errors.js';
import { VN_PROVINCES_34, VN_PROVINCES_63 } from '../data/vn-provinces.js';
import { defineLevels } from './levels.js';
import { EditShape, editShape } from './identifier-level.js';

/** Level codes of {@link compareCategories}. */
export const CategoryLevel = { MISSING: 0, EXACT: 1, EQUIVALENT: 2, ONE_TYPO: 3, ELSE: 4 } as const;
export type CategoryLevel = (typeof CategoryLevel)[keyof typeof CategoryLevel];

/** The category level list as data (index = code). */
export const CATEGORY_LEVELS = defineLevels([
  ['missing', 'category missing on either side'],
  ['exact', 'same category'],
  ['equivalent', 'equivalent categories (e.g. an old province and the new province that absorbed it)'],
  ['one-typo', 'categories one typo apart (a character substituted, inserted, deleted or swapped with a neighbour)'],
  ['else', 'categories differ'],
]);

/** Equivalence classes of dictionary codes: `classOf[code]` is the class id, −1 = no class. */
export interface CategoryEquivalence {
  readonly classOf: Int32Array;
}

/** Dictionaries up to this many codes memoise in a dense n × n table (≤ 4 MiB); larger ones in a Map. */
const SPELLING_DENSE_CODES = 2048;
/** Entries kept by the Map memo of a larger dictionary; past it, pairs are decided without memo. */
const SPELLING_MEMO_LIMIT = 1 << 20;

/**
 * "One slip apart" between the values of one category dictionary, decided per code pair on the
 * dictionary's strings (editShape of src/compare/identifier-level.ts) and memoised: a category
 * has few distinct values, and candidate pairs repeat the same code pairs, so each distinct pair
 * is decided once. Values whose lengths differ by more than one are never one slip apart and
 * are answered without the memo. A dictionary of ≤ 2,048 codes memoises in a dense table (one
 * byte per code pair: unknown / no / yes — a typed-array read; with a Map on heap-number keys
 * for every dictionary, the random-pair comparison of an 8-field schema ran at ×0.86 of its
 * speed before the level, with the table at ×0.97);
 * a larger one in a Map that stops growing at 2^20 entries (codes ≥ 2^21 are not memoised).
 * Not shared between threads: each thread's plan builds its own from the same dictionary.
 */
export class CategorySpelling {
  private readonly units: Array<Uint16Array | null>;
  private readonly lengths: Int32Array;
  private readonly n: number;
  /** The dense memo, made on first use (a plan built only to be inspected never pays for it). */
  private dense: Uint8Array | undefined;
  private readonly memo = new Map<number, boolean>();

  /** `dictionary[code]` = the value's text (entry 0, the missing code's slot, is never read). */
  constructor(dictionary: ReadonlyArray<string | null>) {
    this.units = dictionary.map((v, code) => {
      if (code === 0 || v === null || v === undefined) return null;
      if (typeof v !== 'string') throw new KhopError('INVALID_ARGUMENT', 'CategorySpelling: dictionary entries must be strings or null');
      const u = new Uint16Array(v.length);
      for (let i = 0; i < v.length; i++) u[i] = v.charCodeAt(i);
      return u;
    });
    this.n = this.units.length;
    // −1: no value (the missing slot, null, or beyond the dictionary), never one slip from anything.
    this.lengths = Int32Array.from(this.units, (u) => (u === null || u.length === 0 ? -1 : u.length));
  }

  /** Whether the values of two different codes are one slip apart (false for unknown codes). */
  oneTypo(a: number, b: number): boolean {
    if (a >= this.n || b >= this.n) return false;
    const la = this.lengths[a]!;
    const lb = this.lengths[b]!;
    if (la < 0 || lb < 0 || la - lb > 1 || lb - la > 1) return false;
    let dense = this.dense;
    if (dense === undefined && this.n <= SPELLING_DENSE_CODES) dense = this.dense = new Uint8Array(this.n * this.n);
    if (dense !== undefined) {
      const k = a * this.n + b;
      const m = dense[k]!;
      if (m !== 0) return m === 2;
      const r = this.decide(a, b);
      dense[k] = r ? 2 : 1;
      dense[b * this.n + a] = r ? 2 : 1;
      return r;
    }
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const memoised = lo < 0x200000;
    const key = lo * 0x100000000 + hi;
    if (memoised) {
      const m = this.memo.get(key);
      if (m !== undefined) return m;
    }
    const r = this.decide(lo, hi);
    if (memoised && this.memo.size < SPELLING_MEMO_LIMIT) this.memo.set(key, r);
    return r;
  }

  private decide(a: number, b: number): boolean {
    const ua = this.units[a]!;
    const ub = this.units[b]!;
    const shape = editShape(ua, 0, ua.length, ub, 0, ub.length);
    return shape === EditShape.SUBSTITUTION || shape === EditShape.INDEL || shape === EditShape.TRANSPOSITION;
  }
}

/**
 * Category level of two dictionary codes (0 = missing). With `eq`, codes of one class are
 * "equivalent"; codes beyond `eq.classOf.length` have no class. With `spelling`, codes whose
 * values are one slip apart are "one-typo". Throws KhopError INVALID_ARGUMENT for a code that is
 * not a non-negative int32 (not a dictionary code).
 */
export function compareCategories(a: number, b: number, eq?: CategoryEquivalence, spelling?: CategorySpelling): CategoryLevel {
  // (x | 0) !== x is true for fractions, NaN and values outside int32.
  if ((a | 0) !== a || (b | 0) !== b || a < 0 || b < 0) {
    throw new KhopError('INVALID_ARGUMENT', 'compareCategories: codes must be non-negative int32 dictionary codes (0 = missing)');
  }
  if (a === 0 || b === 0) return CategoryLevel.MISSING;
  if (a === b) return CategoryLevel.EXACT;
  if (eq !== undefined) {
    const c = eq.classOf;
    if (a < c.length && b < c.length) {
      const ca = c[a]!;
      if (ca >= 0 && ca === c[b]) return CategoryLevel.EQUIVALENT;
    }
  }
  if (spelling !== undefined && spelling.oneTypo(a, b)) return CategoryLevel.ONE_TYPO;
  return CategoryLevel.ELSE;
}

/**
 * Former official names still common in records, with the GSO code of the province that
 * carries them now: Thừa Thiên Huế became "Thành phố Huế" on 01/01/2025 (the 63-table in
 * src/data already uses the new name); Hà Tây merged into Hà Nội on 01/08/2008.
 */
export const VN_PROVINCE_FORMER_NAMES: ReadonlyArray<readonly [name: string, gso: string]> = Object.freeze([
  ['Thừa Thiên Huế', '46'],
  ['Hà Tây', '01'],
] as const);

/**
 * Fold a province name for matching: NFD, drop combining marks, đ→d, lower case, single
 * spaces, and drop the administrative prefix ("tinh", "thanh pho", "tp"). Build-time only.
 */
export function foldProvinceName(s: string): string {
  let t = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'd').toLowerCase();
  t = t.replace(/[^a-z0-9]+/g, ' ').trim();
  return t.replace(/^(tinh|thanh pho|tp) /, '');
}

/**
 * Build the province equivalence for a category dictionary (`dictionary[code]` = the value's
 * text, any spelling: with or without diacritics or "Tỉnh"/"Thành phố"; entry 0 is the
 * missing code's slot, conventionally null, and always gets −1). Names of old (63) and new
 * (34) provinces get the class of the new province (its 34-table index); other values, and
 * `null` entries, get −1. Throws KhopError INVALID_ARGUMENT for a non-string, non-null entry.
 */
export function buildProvinceEquivalence(dictionary: ReadonlyArray<string | null>): CategoryEquivalence {
  // folded name → class (index into VN_PROVINCES_34)
  const classByName = new Map<string, number>();
  const classByGso = new Map<string, number>();
  VN_PROVINCES_34.forEach((p, i) => {
    for (const g of p.legacy) classByGso.set(g, i);
  });
  for (const old of VN_PROVINCES_63) {
    const cls = classByGso.get(old.gso);
    if (cls === undefined) throw new KhopError('INTERNAL', `province table: GSO code ${old.gso} belongs to no 34-province entry`);
    classByName.set(foldProvinceName(old.shortName), cls);
    classByName.set(foldProvinceName(old.name), cls);
  }
  for (const [name, gso] of VN_PROVINCE_FORMER_NAMES) {
    const cls = classByGso.get(gso);
    if (cls === undefined) throw new KhopError('INTERNAL', `province former-name table: GSO code ${gso} belongs to no 34-province entry`);
    classByName.set(foldProvinceName(name), cls);
  }
  VN_PROVINCES_34.forEach((p, i) => {
    const key = foldProvinceName(p.name);
    const prev = classByName.get(key);
    if (prev !== undefined && prev !== i) {
      throw new KhopError('INTERNAL', `province table: new province ${p.code} shares its name with an old province merged elsewhere`);
    }
    classByName.set(key, i);
  });

  const classOf = new Int32Array(dictionary.length).fill(-1);
  for (let code = 1; code < dictionary.length; code++) {
    const v = dictionary[code];
    if (v === null) continue;
    if (typeof v !== 'string') throw new KhopError('INVALID_ARGUMENT', `buildProvinceEquivalence: dictionary entry ${code} must be a string or null`);
    classOf[code] = classByName.get(foldProvinceName(v)) ?? -1;
  }
  return { classOf };
}
