/**
 * Comparison levels for categories (province, district, ethnicity…) on int32 dictionary codes
 * — 0 = missing, values numbered from 1, so a store's null int32 cell (which holds 0) reads as
 * missing, as for dates and sex — with an optional equivalence between codes that denote the same thing under two code lists —
 * above all Vietnam's 63 provinces (until 30/06/2025) and the 34 provinces that absorbed them.
 *
 * An equivalence is a class per dictionary code (`classOf[code]`, −1 = none): two codes are
 * equivalent when their classes are equal and not −1. {@link buildProvinceEquivalence} builds
 * a finer one from src/data/vn-provinces.ts (provinceIdentity: each name's place, the 2025
 * province it names and the one it lies in; former names and common aliases in
 * VN_PROVINCE_FORMER_NAMES): two names of one place are exact; an old province and the new
 * province that absorbed it — under any of the new one's names ("Hà Giang" / "Tuyên Quang",
 * "Bình Dương" / "Sài Gòn") — equivalent; two old provinces merged into a third, or any other
 * two, else ("Hà Giang" ≢ "Hà Nội", "Bình Dương" ≢ "Bà Rịa - Vũng Tàu").
 *
 * Levels (first that holds):
 *   0 missing      either code is 0
 *   1 exact        same code — or, with a province equivalence, two spellings of one province
 *                  ("Tỉnh Hà Giang" / "Hà Giang", "TP. HCM" / "Hồ Chí Minh", "Thừa Thiên Huế" / "Huế")
 *   2 equivalent   different codes of one equivalence class; with a province equivalence, an
 *                  old province and the new one that absorbed it (not two old ones merged
 *                  into one: they were different places)
 *   3 one-typo     the two values (as the dictionary holds them: folded) one slip apart — one
 *                  character substituted, inserted, deleted, or two adjacent ones swapped
 *                  ("lonon" / "london", "birmingahm" / "birmingham"); only with a
 *                  {@link CategorySpelling} of the dictionary; never two province names
 *                  (Quảng Ninh / Quảng Bình, Thanh Hóa / Khánh Hòa are one slip apart)
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
import { invalidArgument } from '../util/arg-check.js';
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

/**
 * Equivalence classes of dictionary codes: `classOf[code]` is the class id, −1 = no class.
 * A province equivalence ({@link buildProvinceEquivalence}) also carries, per code, `sameOf`
 * (the place a name denotes: two spellings of one province — with or without "Tỉnh", a former
 * name — compare `exact`) and `newName` / `newOf` (the 34-province a name is the name of, and the
 * one its province lies in): then `equivalent` is an old province against the new province that
 * absorbed it, NOT two old provinces merged into one (Bình Dương ≢ Bà Rịa - Vũng Tàu, both now
 * in Thành phố Hồ Chí Minh), and two distinct province names are never `one-typo` (Quảng Ninh /
 * Quảng Bình).
 */
export interface CategoryEquivalence {
  readonly classOf: Int32Array;
  readonly sameOf?: Int32Array;
  readonly newName?: Int32Array;
  readonly newOf?: Int32Array;
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
    if (!Array.isArray(dictionary)) throw invalidArgument('CategorySpelling', 'dictionary', 'an array of strings or nulls', dictionary);
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
  if (typeof a !== 'number') throw invalidArgument('compareCategories', 'a', 'a category code (non-negative int32)', a);
  if (typeof b !== 'number') throw invalidArgument('compareCategories', 'b', 'a category code (non-negative int32)', b);
  if (eq !== undefined && (eq === null || typeof eq !== 'object' || !(eq.classOf instanceof Int32Array))) {
    throw invalidArgument('compareCategories', 'eq', 'undefined or a CategoryEquivalence ({ classOf: Int32Array })', eq);
  }
  if (spelling !== undefined && !(spelling instanceof CategorySpelling)) {
    throw invalidArgument('compareCategories', 'spelling', 'undefined or a CategorySpelling', spelling);
  }
  return compareCategoryCodes(a, b, eq, spelling);
}

/**
 * {@link compareCategories} without the type tests of its arguments — the per-pair kernel of
 * src/pipeline/comparisons.ts (codes from an int32 store column, `eq` and `spelling` built by
 * the plan). A number that is not a non-negative int32 still throws INVALID_ARGUMENT.
 */
export function compareCategoryCodes(a: number, b: number, eq?: CategoryEquivalence, spelling?: CategorySpelling): CategoryLevel {
  // (x | 0) !== x is true for fractions, NaN and values outside int32.
  if ((a | 0) !== a || (b | 0) !== b || a < 0 || b < 0) {
    throw new KhopError('INVALID_ARGUMENT', 'compareCategories: codes must be non-negative int32 dictionary codes (0 = missing)');
  }
  if (a === 0 || b === 0) return CategoryLevel.MISSING;
  if (a === b) return CategoryLevel.EXACT;
  if (eq !== undefined) {
    const c = eq.classOf;
    if (a < c.length && b < c.length) {
      const same = eq.sameOf;
      if (same !== undefined) {
        // A province equivalence (see CategoryEquivalence).
        const sa = same[a]!;
        const sb = same[b]!;
        if (sa >= 0 && sb >= 0) {
          if (sa === sb) return CategoryLevel.EXACT;
          const name = eq.newName!;
          const of = eq.newOf!;
          const na = name[a]!;
          const nb = name[b]!;
          if ((na >= 0 && na === of[b]) || (nb >= 0 && nb === of[a])) return CategoryLevel.EQUIVALENT;
          return CategoryLevel.ELSE; // two provinces: never a typo of each other
        }
      } else {
        const ca = c[a]!;
        if (ca >= 0 && ca === c[b]) return CategoryLevel.EQUIVALENT;
      }
    }
  }
  if (spelling !== undefined && spelling.oneTypo(a, b)) return CategoryLevel.ONE_TYPO;
  return CategoryLevel.ELSE;
}

/**
 * Former official names still common in records, with the GSO code of the province that
 * carries them now: Thừa Thiên Huế became "Thành phố Huế" on 01/01/2025 (the 63-table in
 * src/data already uses the new name); and common names and abbreviations of one province.
 */
export const VN_PROVINCE_FORMER_NAMES: ReadonlyArray<readonly [name: string, gso: string]> = Object.freeze([
  ['Thừa Thiên Huế', '46'],
  // Common names and abbreviations of one province (not two-letter ones such as "HN", which
  // stand for other things too).
  ['Sài Gòn', '79'],
  ['TP HCM', '79'],
  ['TPHCM', '79'],
  ['Thủ đô Hà Nội', '01'],
  ['Đắc Lắc', '66'],
  ['Bà Rịa Vũng Tàu', '77'],
  ['BRVT', '77'],
  ['BR-VT', '77'],
] as const);

/**
 * Provinces absorbed before 2025, with the GSO code of the province that absorbed them: Hà Tây
 * into Hà Nội on 01/08/2008. Like an old province of 2025 against its new one: `equivalent` to
 * the absorbing province's name, a place of its own otherwise.
 */
export const VN_PROVINCES_ABSORBED_EARLIER: ReadonlyArray<readonly [name: string, gso: string]> = Object.freeze([['Hà Tây', '01']] as const);

/**
 * Fold a province name for matching: NFD, drop combining marks, đ→d, lower case, single
 * spaces, and drop the administrative prefix ("tinh", "thanh pho", "tp"). Build-time only.
 */
export function foldProvinceName(s: string): string {
  let t = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'd').toLowerCase();
  t = t.replace(/[^a-z0-9]+/g, ' ').trim();
  return t.replace(/^(tinh|thanh pho|tp) /, '');
}

/** The key a province name is looked up by: foldProvinceName without spaces ("daklak" = "dak lak"). */
function provinceKey(s: string): string {
  return foldProvinceName(s).replace(/ /g, '');
}

/**
 * What a province name denotes: `same` — the place (a 63-province GSO code as a number; a name
 * only of a 34-province: 1000 + its index), `newName` — the 34-province (index) it is the name
 * of, or −1, `newOf` — the 34-province its place lies in.
 */
export interface ProvinceIdentity {
  readonly same: number;
  readonly newName: number;
  readonly newOf: number;
}

let provinceNames: Map<string, ProvinceIdentity> | null = null;

/** The province tables as identities by key (built once, on first use). */
function provinceTable(): Map<string, ProvinceIdentity> {
  if (provinceNames !== null) return provinceNames;
  const newOfGso = new Map<string, number>();
  VN_PROVINCES_34.forEach((p, i) => {
    for (const g of p.legacy) newOfGso.set(g, i);
  });
  const newByKey = new Map<string, number>();
  VN_PROVINCES_34.forEach((p, i) => newByKey.set(provinceKey(p.name), i));
  const gsoByKey = new Map<string, string>();
  for (const old of VN_PROVINCES_63) {
    gsoByKey.set(provinceKey(old.shortName), old.gso);
    gsoByKey.set(provinceKey(old.name), old.gso);
  }
  for (const [name, gso] of VN_PROVINCE_FORMER_NAMES) gsoByKey.set(provinceKey(name), gso);
  // The old province whose name a new one carries (Tuyên Quang, Hồ Chí Minh, Huế…): every name of
  // that place — its own, a former one, an alias (Sài Gòn) — names the new province too.
  const newNameOfGso = new Map<string, number>();
  for (const [key, gso] of gsoByKey) {
    const i = newByKey.get(key);
    if (i === undefined) continue;
    if (newOfGso.get(gso) !== i) throw new KhopError('INTERNAL', `province table: "${key}" names a new province its old one did not merge into`);
    newNameOfGso.set(gso, i);
  }
  const out = new Map<string, ProvinceIdentity>();
  for (const [key, gso] of gsoByKey) {
    const newOf = newOfGso.get(gso);
    if (newOf === undefined) throw new KhopError('INTERNAL', `province table: GSO code ${gso} belongs to no 34-province entry`);
    out.set(key, { same: Number(gso), newName: newNameOfGso.get(gso) ?? -1, newOf });
  }
  for (const [key, i] of newByKey) if (!out.has(key)) out.set(key, { same: 1000 + i, newName: i, newOf: i });
  VN_PROVINCES_ABSORBED_EARLIER.forEach(([name, gso], i) => {
    const newOf = newOfGso.get(gso);
    if (newOf === undefined) throw new KhopError('INTERNAL', `province table: GSO code ${gso} belongs to no 34-province entry`);
    out.set(provinceKey(name), { same: 2000 + i, newName: -1, newOf });
  });
  provinceNames = out;
  return out;
}

/**
 * Answers of provinceIdentity by value: the register asks it per claim whose category differs
 * from the record's (a category has few values), and the key — NFD, two regular expressions —
 * cost ~330 ns a call. Emptied at PROVINCE_MEMO_LIMIT values (a column of junk cannot grow it).
 */
const provinceMemo = new Map<string, ProvinceIdentity | null>();
const PROVINCE_MEMO_LIMIT = 4096;

/** The province a category value names (any spelling, "Tỉnh" / "Thành phố" / "TP" or not), or null. */
export function provinceIdentity(value: string): ProvinceIdentity | null {
  const known = provinceMemo.get(value);
  if (known !== undefined) return known;
  const p = provinceTable().get(provinceKey(value)) ?? null;
  if (provinceMemo.size >= PROVINCE_MEMO_LIMIT) provinceMemo.clear();
  provinceMemo.set(value, p);
  return p;
}

/**
 * Whether the values of a category are Vietnamese province names — at least half of its
 * distinct non-empty values name a province (any spelling). Only then are they read as
 * provinces: a district or city field holds a few names such as "Thành phố Lào Cai" that read
 * as a province once the prefix is dropped, and two cities are not an old province and its
 * successor.
 */
export function mostlyProvinceNames(values: Iterable<string | null | undefined>): boolean {
  let names = 0;
  let provinces = 0;
  for (const v of values) {
    if (typeof v !== 'string' || v === '') continue;
    names++;
    if (provinceIdentity(v) !== null) provinces++;
  }
  return provinces > 0 && 2 * provinces >= names;
}

/** How two province identities relate: the same place, an old one and the new one that absorbed it, or two places. */
export function relateProvinces(a: ProvinceIdentity, b: ProvinceIdentity): 'same' | 'merged' | 'different' {
  if (a.same === b.same) return 'same';
  if ((a.newName >= 0 && a.newName === b.newOf) || (b.newName >= 0 && b.newName === a.newOf)) return 'merged';
  return 'different';
}

/**
 * Build the province equivalence for a category dictionary (`dictionary[code]` = the value's
 * text, any spelling: with or without diacritics or "Tỉnh"/"Thành phố"; entry 0 is the
 * missing code's slot, conventionally null, and always gets −1). Names of old (63) and new
 * (34) provinces get the class of the new province (its 34-table index) and their
 * `sameOf` / `newName` / `newOf` (see CategoryEquivalence, provinceIdentity); other values, and
 * `null` entries, get −1. Throws KhopError INVALID_ARGUMENT for a non-string, non-null entry.
 */
export function buildProvinceEquivalence(dictionary: ReadonlyArray<string | null>): CategoryEquivalence {
  if (!Array.isArray(dictionary)) throw invalidArgument('buildProvinceEquivalence', 'dictionary', 'an array of strings or nulls', dictionary);
  const n = dictionary.length;
  const classOf = new Int32Array(n).fill(-1);
  const sameOf = new Int32Array(n).fill(-1);
  const newName = new Int32Array(n).fill(-1);
  const newOf = new Int32Array(n).fill(-1);
  for (let code = 1; code < n; code++) {
    const v = dictionary[code];
    if (v === null) continue;
    if (typeof v !== 'string') throw new KhopError('INVALID_ARGUMENT', `buildProvinceEquivalence: dictionary entry ${code} must be a string or null`);
    const p = provinceIdentity(v);
    if (p === null) continue;
    classOf[code] = p.newOf;
    sameOf[code] = p.same;
    newName[code] = p.newName;
    newOf[code] = p.newOf;
  }
  return { classOf, sameOf, newName, newOf };
}
