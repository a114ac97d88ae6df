/**
 * Placeholders that stand for "no value": "N/A", "NULL", "unknown", "Không rõ" written into a
 * name, category, text or identifier cell by the system that exported it. Read as what they
 * are, two records with the name "N/A" agree exactly on their name, and a claim "N/A" is
 * VERIFIED against a stored "N/A"; read as missing, they are no evidence either way.
 *
 *   value ─► trim ─► (first unit, last unit, length) in the variants' filter? ─► Set.has
 *                    └─ not found and it holds a combining mark ─► Set.has(its NFC form)
 *
 * A value is a placeholder when the WHOLE value, trimmed, is one of the field's list in a usual
 * letter case: as listed, lower, UPPER, Title Case (each word), Sentence case — each in NFC and
 * NFD, or in any other composition of its marks (composed first: "Unicode tổ hợp").
 * Spelling the variants out once keeps the check a filter test and one Set lookup: no
 * lower-casing (a string per value) on the paths that read every cell. The
 * filter — a bit per hash of (first code unit, last code unit, length) of every variant — turns
 * away nearly every real value with two reads and a table lookup; a Set lookup of each name
 * (its hash computed over every unit of a string read once) cost 4 % of authenticating a claim.
 *
 * Trade-off: the default list holds only words no person, place or identifier is written as
 * (no "Na", "Nan" or "Nil", which are given names; no "-" or "?": a value without a letter or
 * digit is missing already). "Null" is a real family name (rare); a field that may hold it
 * takes its own list: `missingValues: []` in the schema reads every value as written.
 */
import { isLatinCombiningMark } from './char-class.js';

/**
 * The default placeholders of name, category, text and identifier fields: English and
 * Vietnamese words for "not available / unknown / none" (with and without diacritics).
 */
export const DEFAULT_MISSING_VALUES: readonly string[] = Object.freeze([
  'n/a',
  'n.a.',
  '#n/a',
  'null',
  'none',
  'unknown',
  'undefined',
  'không rõ',
  'khong ro',
  'không có',
  'khong co',
  'chưa rõ',
  'chua ro',
  'chưa có',
  'chua co',
  'không xác định',
  'khong xac dinh',
  'chưa xác định',
  'chua xac dinh',
  'không biết',
  'khong biet',
]);

/** Most entries a field's list may hold, and the longest entry (code units). */
export const MAX_MISSING_VALUES = 256;
export const MAX_MISSING_VALUE_LENGTH = 64;

/** Every word with its first letter upper case, the rest as given. */
function titleCase(s: string): string {
  return s.replace(/(^|\s)(\p{L})/gu, (_, space: string, letter: string) => space + letter.toUpperCase());
}

const FILTER_SIZE = 4096;
/** A combining mark of the blocks that attach to Latin letters (char-class.ts isLatinCombiningMark). */
const LATIN_MARK = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/;

/** The filter's slot of a non-empty string: a hash of its first and last code units and length. */
function filterSlot(s: string): number {
  return (Math.imul(s.charCodeAt(0), 0x9e37) ^ Math.imul(s.charCodeAt(s.length - 1), 0x85eb) ^ Math.imul(s.length, 0xc2b3)) & (FILTER_SIZE - 1);
}

/** A field's placeholders: `has(trimmed value)` is true for a placeholder in a usual letter case. */
export class MissingValues {
  private readonly set = new Set<string>();
  /** Longest variant (code units): a longer value is not looked up. */
  private readonly longest: number;
  /** One bit per filterSlot of a variant (see the file header). */
  private readonly filter = new Uint8Array(FILTER_SIZE);
  /** For a value with combining marks: bit L set when some NFC variant is L units long (< 32)… */
  private readonly nfcLengths: number;
  private readonly longNfc: boolean;
  /** …and the first units of the variants (a mark never comes first, so composing keeps it). */
  private readonly firstUnits = new Set<number>();

  constructor(values: readonly string[]) {
    let longest = 0;
    let nfcLengths = 0;
    let longNfc = false;
    for (const v of values) {
      const t = v.trim();
      if (t === '') continue;
      const lower = t.toLowerCase();
      for (const c of [t, lower, t.toUpperCase(), titleCase(lower), lower.charAt(0).toUpperCase() + lower.slice(1)]) {
        for (const form of [c.normalize('NFC'), c.normalize('NFD')]) {
          this.set.add(form);
          this.filter[filterSlot(form)] = 1;
          this.firstUnits.add(form.charCodeAt(0));
          if (form.length > longest) longest = form.length;
        }
        const nfc = c.normalize('NFC').length;
        if (nfc < 32) nfcLengths |= 1 << nfc;
        else longNfc = true;
      }
    }
    this.longest = longest;
    this.nfcLengths = nfcLengths;
    this.longNfc = longNfc;
  }

  /** True when `trimmed` (a value without leading or trailing white space) is a placeholder. */
  has(trimmed: string): boolean {
    const n = trimmed.length;
    if (n === 0 || n > this.longest) return false;
    if (this.filter[filterSlot(trimmed)] === 1 && this.set.has(trimmed)) return true;
    // Neither NFC nor NFD — precomposed letters with combining tone marks ("Unicode tổ hợp",
    // what Unikey's composite mode types): composed, it is one of the NFC variants. Composing
    // (costly) only when the units that are not marks could make such a variant: as many as
    // one has, and a variant's first unit — a decomposed NAME is turned away here.
    // The test for a mark is a regex: a charCodeAt loop over the (mostly two-byte) names of
    // claims measured 120–210 ns a name against ~0 over the memory read both pay.
    if (!LATIN_MARK.test(trimmed)) return false;
    let marks = 0;
    for (let i = 0; i < n; i++) if (isLatinCombiningMark(trimmed.charCodeAt(i))) marks++;
    const base = n - marks;
    if (!(base < 32 ? ((this.nfcLengths >>> base) & 1) === 1 : this.longNfc) || !this.firstUnits.has(trimmed.charCodeAt(0))) return false;
    return this.set.has(trimmed.normalize('NFC'));
  }

  /** True when the list is empty (every value is read as written). */
  get empty(): boolean {
    return this.longest === 0;
  }
}

/** The issue counted for a value read as missing because it is a placeholder. */
export const PLACEHOLDER_ISSUE = 'placeholder for a missing value';

let defaults: MissingValues | undefined;

/**
 * The placeholders of a field: its schema's `missingValues` list, or DEFAULT_MISSING_VALUES;
 * null when the list is empty (the caller skips the check).
 */
export function missingValuesOf(spec: { readonly missingValues?: readonly string[] | undefined }): MissingValues | null {
  if (spec.missingValues === undefined) return (defaults ??= new MissingValues(DEFAULT_MISSING_VALUES));
  const m = new MissingValues(spec.missingValues);
  return m.empty ? null : m;
}

/** Problems of a schema field's `missingValues` option (for defineSchema), [] when it is valid. */
export function missingValuesProblems(field: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [`field "${field}": missingValues must be an array of strings`];
  if (v.length > MAX_MISSING_VALUES) return [`field "${field}": missingValues holds at most ${MAX_MISSING_VALUES} values`];
  for (const s of v) {
    if (typeof s !== 'string' || s.trim() === '') return [`field "${field}": missingValues must hold non-empty strings`];
    if (s.length > MAX_MISSING_VALUE_LENGTH) return [`field "${field}": a missingValues entry is longer than ${MAX_MISSING_VALUE_LENGTH} characters`];
  }
  return [];
}
