/**
 * Prepare: input rows → a columnar RecordStore of comparable forms, with a rejected-row report.
 *
 * Each schema kind turns one input value into a few store columns, computed once per record
 * so that blocking and comparison only read bytes:
 *
 *   kind         columns (`<field>.<form>`)
 *   nationalId   id (ascii canonical digits: 12, a lost leading zero restored, or 9), idkind (uint8)
 *   personName   norm (utf8, normalised with diacritics, parts in family-middle-given order),
 *                fold, family, middle, given, familyKey, middleKey, givenKey, keySet (ascii;
 *                keySet = the family and given keys in sorted order, for swapped names)
 *   given/familyName  grouped into one name group with the same columns (middle empty)
 *   date         date (int32 packed yyyymmdd, 0 = unknown part)
 *   sex          sex (uint8: 0 unknown, 1 male, 2 female)
 *   category     cat (int32 dictionary code of the folded value), fold (ascii)
 *   text         fold (ascii)
 *   identifier   id (ascii: identifierForm — an address (with an @) keeps its punctuation, a
 *                number or code is folded with its separators removed)
 *
 * Data errors: a value that cannot be parsed (a date like 31/02/1990, an ID with letters)
 * becomes a missing value and is counted per field and reason in `issues` — it carries no
 * evidence rather than false evidence. A row that is not an object, holds a value of the wrong
 * type (object, array, boolean, NaN, ±Infinity) or has no usable field at all is REJECTED with
 * its position and a reason (field names only, never values). Input rows = prepared + rejected.
 * A reader's RecordSource is read as its rows; a row the reader rejected is rejected here at its
 * position with the reader's code (src/io/record-source-rows.ts). With `idField`, a row whose id
 * repeats an earlier row's of the same source is rejected DUPLICATE_ID (seen-ids.ts): a cluster
 * id is the smallest record id of its cluster and must name one row. (Its unusable values were
 * already counted in the issues when it is found a duplicate.)
 *
 * Names without letters: a whole name, or a given / family name, with no letter ("0", "#",
 * 12345, 42) is missing and counted "name has no letters" (per field for a given / family name,
 * as the register counts it) — two people named "0" share nothing. A token without a letter
 * inside a name ("Mary Smith 2", "Nguyễn Văn An 3") is dropped before the parts are read, and not
 * counted: the name is used (as an emoji in a name is dropped), and the token would otherwise be
 * a name part — the family name "2" of "Mary 2" and "Anna 2", agreeing "exact". (The register
 * keeps such a token in a full name as written: its verdicts compare written forms, and a claim
 * without it is "close", never VERIFIED by the default policy.)
 *
 * Name locale 'auto': decided per name group from a sample of the rows that HAVE a name in it
 * (LocaleSample: the first localeSampleSize such rows, over both inputs of a link), before the
 * rows that need it are prepared — a row's phonetic keys depend on it, and a stream is read once.
 * Rows are read in order; until the first named row they go through, prepared with a provisional
 * locale (a row without a name has no cell that depends on one); from it on they are held (at
 * most LOCALE_SAMPLE_MAX_ROWS) until the sample is complete, the limit is reached or the inputs
 * end, and then prepared with the decided locale. So nameless rows ahead of the names — older
 * records first in an export — do not decide it (they did: 2,000 of them made English names
 * 'vi', with Vietnamese keys and blocking rules, F1 0.988 → 0.666), and with at most
 * localeSampleSize named rows in a group the decision is the same for the rows in any order
 * (for any input of up to LOCALE_SAMPLE_MAX_ROWS rows; beyond, when the named rows lie within
 * that many rows of the first one). Trade-off: the limit bounds the rows a stream hands over that
 * wait in memory; past it the sample is the named rows seen so far.
 */
import { isWellFormedText } from '../util/well-formed.js';
import { ownString } from '../util/own-string.js';
import { KhopError } from '../errors.js';
import { RecordStore, type CellValue, type ColumnSpec, type RecordStoreDescriptor } from '../block/record-store.js';
import { defineSchema, type FieldSpec, type Schema, type SchemaField, type NameLocale } from '../schema.js';
import { foldKeepingScripts, foldToAscii, foldsToEmpty } from '../text/fold.js';
import { hasLetter, parseNormalizedPersonName, parsePersonName } from '../text/person-name.js';
import { identifierForm } from '../text/identifier-form.js';
import { parseDateWith, resolveDateOptions, typedDateDigitsWith, type ResolvedDateOptions } from '../text/date.js';
import { parseNationalId } from '../text/national-id.js';
import { parseSex } from '../text/sex.js';
import { familyNameShare } from '../text/name-frequencies.js';
import { namePartForms } from '../keys/name-part-key.js';
import { readerReasonOf, rowsOf, UnreadableRow } from '../io/record-source-rows.js';
import { open, type FileHandle } from 'node:fs/promises';
import { DEFAULT_CSV_MAX_PIECE_BYTES, type RowReadCounts } from '../io/csv-pieces.js';
import { idText, pieceReading, rowsOfPiece, takePieceFileOf, type PieceFormat, type PieceRowObserver, type TakenPieceFile } from '../io/file-pieces.js';
import { SeenIds } from './seen-ids.js';
import { mergeByIndex } from '../util/merge-by-index.js';
import type { RejectCode, RejectedItem } from '../io/record-types.js';
import type { CsvPieceFields } from '../io/csv-pieces.js';
import { ValueInterner, grow32 } from '../compare/value-interner.js';
import { missingValuesOf, PLACEHOLDER_ISSUE, type MissingValues } from '../text/missing-values.js';
import { isExactNumber, isInexactNumber, typeName } from '../util/type-name.js';
import { notARowReason } from '../util/row-shape.js';

/** A row that could not be prepared. */
export interface RejectedRow {
  /** 0-based position of the row in the input. */
  readonly index: number;
  /** Stable reason code: the pipeline's, or the reader's for a row a RecordSource could not read. */
  readonly code: 'NOT_AN_OBJECT' | 'WRONG_TYPE' | 'NO_VALUES' | 'NO_ID' | 'DUPLICATE_ID' | RejectCode;
  /** Human reason naming fields, never values. */
  readonly reason: string;
  /** DUPLICATE_ID: the 0-based position of the earlier row holding the same record id. */
  readonly firstIndex?: number;
}

/**
 * The reason of a DUPLICATE_ID rejection; `row` names the earlier row ("input row 5" through
 * the API: its 1-based position; the command line names the file's data-row number instead).
 */
export function duplicateIdReason(idField: string, row: string): string {
  return `the record id (column "${idField}") is that of ${row}`;
}

/** A name group: one logical person-name comparison over the columns of one or two fields. */
export interface NameGroup {
  /** Group name: the personName field's name, or "<family>+<given>" for split fields. */
  readonly name: string;
  readonly locale: 'vi' | 'generic';
  /** Store column prefix: columns are `${prefix}.norm`, `${prefix}.fold`, … */
  readonly prefix: string;
  /** Whether the group has middle names at all (false for split given/family fields). */
  readonly hasMiddle: boolean;
  readonly fields: readonly SchemaField[];
}

export interface PreparedDataset {
  readonly schema: Schema;
  readonly store: RecordStore;
  /** Store row → source (0 = the only or left input, 1 = right input of a link). */
  readonly source: Uint8Array;
  /** Store rows per source. */
  readonly sourceRows: readonly number[];
  /** Store row → 0-based input position. */
  readonly inputIndex: Uint32Array;
  /** Store row → user record id (the idField value, or the input position). */
  readonly userIds: ReadonlyArray<string | number>;
  readonly rejected: readonly RejectedRow[];
  /** The same rejections per source, positions within each (set by prepare; absent on a hand-made dataset). */
  readonly rejectedBySource?: readonly (readonly RejectedRow[])[];
  /** Total input rows seen (= store rows + rejected). */
  readonly inputRows: number;
  /** Per field, per reason: how many values were unusable and treated as missing. */
  readonly issues: Readonly<Record<string, Record<string, number>>>;
  readonly nameGroups: readonly NameGroup[];
  /** Category dictionaries (field → folded value → code ≥ 1). */
  readonly dictionaries: Map<string, Map<string, number>>;
  /**
   * Per source: the schema fields whose column no row of it holds (absent, or undefined, in
   * every row — a value of null or '' counts as held). See absentFieldsProblem (util/absent-fields.ts).
   */
  readonly absentFields: ReadonlyArray<readonly SchemaField[]>;
}

export interface PrepareOptions {
  /** Column holding the user's record id; default: the input position. */
  idField?: string;
  /**
   * Rows that have a name in an 'auto' name group, per group, its locale is decided from (rows
   * without one do not count; see LocaleSample). Default {@link DEFAULT_LOCALE_SAMPLE_SIZE}.
   */
  localeSampleSize?: number;
  /** Category dictionaries to extend (share them between the two sides of a link). */
  dictionaries?: Map<string, Map<string, number>>;
  /** Name locales already decided (the other side of a link): group name → locale. */
  locales?: ReadonlyMap<string, 'vi' | 'generic'>;
}

const NAME_FORMS = ['norm', 'fold', 'family', 'middle', 'given', 'familyKey', 'middleKey', 'givenKey', 'keySet'] as const;

/** Decide the name groups of a schema (before the locale is known). */
export function nameGroupsOf(schema: Schema): Array<{ name: string; prefix: string; hasMiddle: boolean; fields: SchemaField[]; locale: NameLocale }> {
  const groups: Array<{ name: string; prefix: string; hasMiddle: boolean; fields: SchemaField[]; locale: NameLocale }> = [];
  for (const f of schema.fields) {
    if (f.kind === 'personName') groups.push({ name: f.name, prefix: f.name, hasMiddle: true, fields: [f], locale: f.spec.locale ?? 'auto' });
  }
  const fam = schema.fields.filter((f) => f.kind === 'familyName');
  const giv = schema.fields.filter((f) => f.kind === 'givenName');
  const n = Math.max(fam.length, giv.length);
  for (let i = 0; i < n; i++) {
    const fields = [fam[i], giv[i]].filter((x): x is SchemaField => x !== undefined);
    const name = fields.map((f) => f.name).join('+');
    const locale = fields.find((f) => f.spec.locale !== undefined)?.spec.locale ?? 'auto';
    groups.push({ name, prefix: name, hasMiddle: false, fields, locale });
  }
  return groups;
}

/**
 * Store columns two fields would share (a personName field named "surname+first_name" and the
 * name group of the familyName "surname" and givenName "first_name"; a field named "a.b" of
 * one kind against "a" of another): [] for a schema whose fields can all be stored.
 */
export function storeColumnCollisions(schema: Schema): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of storeColumnsFor(schema)) {
    if (seen.has(c.name)) out.push(c.name);
    seen.add(c.name);
  }
  return out;
}

/** The store columns for a schema. */
export function storeColumnsFor(schema: Schema): ColumnSpec[] {
  const cols: ColumnSpec[] = [];
  for (const f of schema.fields) {
    switch (f.kind) {
      case 'nationalId':
        cols.push({ name: `${f.name}.id`, type: 'ascii' }, { name: `${f.name}.idkind`, type: 'uint8' });
        break;
      case 'date':
        // .dateTyped: the digits of a full date typed with a part out of range
        // (typedDateDigits), for compareTypedDates; null otherwise.
        cols.push({ name: `${f.name}.date`, type: 'int32' }, { name: `${f.name}.dateTyped`, type: 'int32' });
        break;
      case 'sex':
        cols.push({ name: `${f.name}.sex`, type: 'uint8' });
        break;
      case 'category':
        cols.push({ name: `${f.name}.cat`, type: 'int32' }, { name: `${f.name}.fold`, type: 'ascii' });
        break;
      case 'text':
        cols.push({ name: `${f.name}.fold`, type: 'ascii' });
        break;
      case 'identifier':
        cols.push({ name: `${f.name}.id`, type: 'ascii' });
        break;
      default:
        break; // name kinds: grouped below
    }
  }
  for (const g of nameGroupsOf(schema)) {
    for (const form of NAME_FORMS) cols.push({ name: `${g.prefix}.${form}`, type: form === 'norm' ? 'utf8' : 'ascii' });
  }
  return cols;
}

/** Named rows per 'auto' name group that its locale is decided from (PrepareOptions.localeSampleSize). */
export const DEFAULT_LOCALE_SAMPLE_SIZE = 2000;

/**
 * Most rows held (from the first named row on) while the locales are not decided: bounds the
 * memory of rows a stream hands over and that wait for their locale (a row object each; the
 * memory budget's first check comes after as many rows read). Past it the sample is the named
 * rows among them.
 */
export const LOCALE_SAMPLE_MAX_ROWS = 65_536;

/**
 * The locale of an 'auto' name group no sampled row has a name in. Then no row read has one: the
 * locale changes no stored cell, only the default blocking rules, and the generic ones pair
 * records on each date with each category — what a schema without a name field gets — where the
 * Vietnamese ones have only name keys, which such rows lack (default-rules.ts).
 */
export const LOCALE_WITHOUT_NAMES: 'vi' | 'generic' = 'generic';

/**
 * The sample the locales of 'auto' name groups are decided from: per group, its first
 * `size` rows that HAVE a name in it — a string with a Latin letter that is not the field's
 * placeholder in one of the group's fields (a name without one has no name forms in any locale).
 * Rows without a name do not count, so 2,000 nameless rows ahead of the names (older records
 * first in an export) do not decide the locale; with at most `size` named rows in the group
 * (and LOCALE_SAMPLE_MAX_ROWS rows from the first of them) the sample is all of them, whatever
 * their order. The decision: 'vi' when at least half of the sampled names look Vietnamese
 * (a known Vietnamese family name first or last), else 'generic'; LOCALE_WITHOUT_NAMES when
 * the group has no named row.
 */
class LocaleSample {
  readonly groups: ReadonlyArray<{ index: number; fields: ReadonlyArray<{ column: string; missing: MissingValues | null }>; seen: number; vi: number }>;
  private readonly size: number;

  constructor(groups: ReadonlyArray<{ index: number; fields: readonly SchemaField[] }>, size: number) {
    this.groups = groups.map((g) => ({ index: g.index, fields: g.fields.map((f) => ({ column: f.column, missing: missingValuesOf(f.spec) })), seen: 0, vi: 0 }));
    this.size = size;
  }

  /**
   * Count `row` into the sample of each group it has a name in (while that group's sample is
   * short). True when the row may have name forms — a value with a letter that folds to
   * something, not a placeholder: a superset of the rows with a name cell, which depend on the
   * locale (a value like "Иван2" has one, "2", but is no name for the sample). False: no cell of
   * the row depends on a locale.
   */
  add(row: unknown): boolean {
    if (row === null || typeof row !== 'object' || Array.isArray(row) || row instanceof UnreadableRow) return false;
    let forms = false;
    for (const g of this.groups) {
      let text: string | null = null;
      for (const f of g.fields) {
        const v = Object.prototype.hasOwnProperty.call(row, f.column) ? (row as Record<string, unknown>)[f.column] : undefined;
        if (typeof v !== 'string' || !hasLetter(v) || foldsToEmpty(v) || (f.missing !== null && f.missing.has(v.trim()))) continue;
        forms = true;
        if (hasLatinLetter(v)) text = text === null ? v : `${text} ${v}`;
      }
      if (text === null || g.seen >= this.size) continue;
      g.seen++;
      if (isVietnameseName(text)) g.vi++;
    }
    return forms;
  }

  /** Every group's sample is full. */
  complete(): boolean {
    return this.groups.every((g) => g.seen >= this.size);
  }

  localeOf(g: { seen: number; vi: number }): 'vi' | 'generic' {
    if (g.seen === 0) return LOCALE_WITHOUT_NAMES;
    return g.vi / g.seen >= 0.5 ? 'vi' : 'generic';
  }
}

/** `text` folds to at least one Latin letter (a name part the comparisons can use). */
function hasLatinLetter(text: string): boolean {
  const f = foldToAscii(text);
  for (let i = 0; i < f.length; i++) {
    const c = f.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return true;
  }
  return false;
}

function isVietnameseName(value: string): boolean {
  const tokens = foldToAscii(value).split(' ');
  // familyNameShare(t) > 0 is isKnownFamilyName(t) without its argument check (the tokens are strings).
  if (tokens.length < 2) return familyNameShare(tokens[0] ?? '') > 0;
  return familyNameShare(tokens[0]!) > 0 || familyNameShare(tokens[tokens.length - 1]!) > 0;
}

/** Rows as the API accepts them: an array or an (async) iterable of plain objects. */
export type RowSource = Iterable<unknown> | AsyncIterable<unknown>;

/** A name group with its locale decided. */
export type ResolvedNameGroup = { name: string; prefix: string; hasMiddle: boolean; fields: SchemaField[]; locale: 'vi' | 'generic' };

/**
 * Rows of a chunk as they travel: per row, the K schema fields' own-property values (undefined
 * when absent) and, with an idField, the record id value — flat, `values[i * W + k]` with
 * W = K + (idField ? 1 : 0). Every value is null, undefined, a string, a finite number or a
 * bigint (rows with other values were rejected by the calling thread, WRONG_TYPE), except the
 * id value, which is null when it is not a string or a finite number (then NO_ID); a bigint id
 * travels as its decimal text.
 */
export interface ChunkRows {
  values: unknown[];
  /** Input position of each row. */
  at: number[];
}

/**
 * One chunk, prepared: the accepted rows' store cells (the category `.cat` cells are left null:
 * codes are assigned in input order when the chunk is appended), rejections and issues in input
 * order. Plain data: it crosses threads by structured clone.
 */
export interface PreparedChunk {
  /** Accepted rows. */
  count: number;
  /** count × C store cells (empty when `rows` holds them). */
  cells: CellValue[];
  /**
   * A worker's chunk: its accepted rows as a store of their own (on shared memory, so only
   * handles cross the thread), appended with RecordStore.appendRows — the calling thread then
   * decodes and encodes no cell (parallel-prepare.ts). Category codes are still null in it.
   */
  rows?: RecordStoreDescriptor;
  at: number[];
  userIds: Array<string | number>;
  rejected: RejectedRow[];
  /** [field, reason, count, …] in first-seen order. */
  issues: Array<string | number>;
  /**
   * A piece of a CSV or NDJSON file's (parsed where it was prepared: parallel-prepare.ts): `at` and the
   * rejections' indices count from the piece's first position, which the calling thread adds
   * when it appends the chunk (the positions before it are known only then).
   */
  piece?: PieceOutcome;
}

/** What a prepared piece of a file gives besides its rows (see PreparedChunk.piece). */
export interface PieceOutcome {
  /** Positions the piece takes: every record; with a report, the readable ones. */
  readonly positions: number;
  /** Records the reader could not read. */
  readonly unreadable: number;
  /**
   * 1 for each schema field (in schema order) some readable row of the piece holds a value of —
   * a CSV row every column of its header, an NDJSON row its own keys (null counts): the fields
   * no row of a source holds are its absentFields, as on the row-by-row read.
   */
  readonly held: Uint8Array;
  /** With a report: per readable row, its 1-based data-row number, its first line and its id column's value (ids null: none asked for). */
  readonly rowNumbers?: number[];
  readonly lines?: number[];
  readonly ids?: Array<string | undefined> | null;
  /** With a report: the reader's rejections (no position). */
  readonly readRejected?: RejectedItem[];
}

/** A piece of a CSV or NDJSON file (file-pieces.ts) to be parsed where it is prepared (ReadChunk.piece). */
export interface PreparePiece extends CsvPieceFields {
  readonly format: PieceFormat;
  /**
   * The file's columns (an NDJSON file's keys) of a row's values: the schema fields' (in order), the idField's, then the
   * report's id column when it is none of those (null: a column no row has).
   */
  readonly columns: ReadonlyArray<string | null>;
  /** The reader's rejections reported, not given positions, and the index in `columns` of the id column to report (−1: none); null: no report. */
  readonly report: { readonly idColumn: number } | null;
}

/** What a thread needs to prepare chunks (a worker receives it once per job). */
export interface PrepareJob {
  readonly schema: Record<string, FieldSpec>;
  readonly idField: string | undefined;
  /** Decided locale of each name group, in nameGroupsOf order. */
  readonly locales: ReadonlyArray<'vi' | 'generic'>;
}

/** A non-name field of RowPreparer: where its value is and which store columns it fills. */
interface FieldCells {
  readonly f: SchemaField;
  /** Position in a row's values. */
  readonly pos: number;
  /** Store column indices (c1: the second column — `.idkind`, `.dateTyped` — or −1). */
  readonly c0: number;
  readonly c1: number;
  /** A date field's parse options, resolved once (parseDateWith). */
  readonly dateOptions: ResolvedDateOptions | null;
  /** A category, text or identifier field's placeholders (missing-values.ts), or null. */
  readonly missing: MissingValues | null;
}

/** A name group of RowPreparer. */
interface GroupCells {
  readonly g: ResolvedNameGroup;
  /** Position of the group's first field (the full name of a personName group). */
  readonly fullPos: number;
  /** Positions of the familyName / givenName fields (−1: none). */
  readonly familyPos: number;
  readonly givenPos: number;
  /** Store column index of each name form. */
  readonly forms: Readonly<Record<(typeof NAME_FORMS)[number], number>>;
  /** Placeholders of the full name / family / given field (missing-values.ts), or null. */
  readonly fullMissing: MissingValues | null;
  readonly familyMissing: MissingValues | null;
  readonly givenMissing: MissingValues | null;
  /** Names of the familyName / givenName fields ('' when none): a placeholder is counted per field, as the register counts it. */
  readonly familyField: string;
  readonly givenField: string;
  /** Full name as written → its forms (this preparer's; bounded by MAX_MEMO_NAMES). */
  readonly memo: Map<string, NameForms | null | typeof PLACEHOLDER>;
}

/** A memo entry: the full name is a placeholder (read as missing, counted PLACEHOLDER_ISSUE). */
const PLACEHOLDER = Symbol('placeholder');

/** The text of a name part: '' when it is missing, PLACEHOLDER when it is one of the field's placeholders. */
function partText(v: unknown, missing: MissingValues | null): string | typeof PLACEHOLDER {
  const raw = textOf(v);
  if (raw === null) return '';
  return missing !== null && missing.has(raw.trim()) ? PLACEHOLDER : raw;
}

/**
 * The normalised tokens of a given or family name that hold a letter, space-separated: '' when
 * none does ("0", "#", 42 — no name part: the caller counts it "name has no letters").
 */
function letterTokens(text: string): string {
  const t = parsePersonName(text).tokens;
  return t.every(hasLetter) ? t.join(' ') : t.filter(hasLetter).join(' ');
}

/** The non-empty parts, space-separated (no array per row). */
function joinParts(a: string, b: string, c: string): string {
  let out = a;
  if (b !== '') out = out === '' ? b : `${out} ${b}`;
  if (c !== '') out = out === '' ? c : `${out} ${c}`;
  return out;
}

/** A row value as text: null for null, undefined and blank strings; numbers and bigints as their digits. */
function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : String(v);
  return s.trim() === '' ? null : s;
}

/** The name-form cells of one name (see NAME_FORMS); keySet null when a key is empty. */
interface NameForms {
  readonly norm: string;
  readonly fold: string;
  readonly family: string;
  readonly middle: string;
  readonly given: string;
  readonly familyKey: string;
  readonly middleKey: string;
  readonly givenKey: string;
  readonly keySet: string | null;
}

/**
 * Distinct full names a name group remembers (the memo is emptied when it is full). 131,072,
 * not 65,536: the 1M-row e2e dedupe's prepare phase ×0.945 in two runs (5 alternating rounds
 * each, medians 6.03 → 5.72 s and 5.91 → 5.59 s; 262,144 no faster) — more hits (51 % of a
 * worker's rows at 65,536; 61–64 % counted for twice the size) and half as many emptied memos,
 * whose promoted entries old-space collections then sweep. ~450 B an entry: ~60 MB a preparing
 * thread at most, not at the run's peak (1M rows: peak RSS 1,224 / 1,227 MiB before, 1,165 /
 * 1,185 MiB after).
 */
export const MAX_MEMO_NAMES = 131_072;

/** The forms of a full name (null: it has no letters, or none that fold to ASCII). */
function fullNameForms(raw: string, locale: 'vi' | 'generic'): NameForms | null {
  if (!hasLetter(raw)) return null;
  let p = parsePersonName(raw);
  // A token without a letter ("2", "#1") is no name part: parsed again without it.
  if (!p.tokens.every(hasLetter)) p = parseNormalizedPersonName(p.tokens.filter(hasLetter).join(' '));
  const t = p.tokens;
  if (t.length === 0) return null;
  if (locale === 'vi') {
    // Vietnamese order is family-middle-given; a likely given-first name is compared in
    // canonical order (the flag is the parser's, computed from name-part frequencies).
    if (p.likelyReversed && t.length >= 2) {
      if (p.reason === 'given-name-first') return partForms(t[1]!, t.slice(2).join(' '), t[0]!, locale);
      return partForms(t[t.length - 1]!, t.slice(0, t.length - 2).join(' '), t[t.length - 2]!, locale);
    }
    return partForms(p.family, p.middle.join(' '), p.given, locale);
  }
  // Western order: given first, family last.
  return partForms(t.length > 1 ? t[t.length - 1]! : '', t.slice(1, Math.max(1, t.length - 1)).join(' '), t[0]!, locale);
}

/** The forms of a name from its normalised parts (null: they fold to nothing). */
function partForms(family: string, middle: string, given: string, locale: 'vi' | 'generic'): NameForms | null {
  // Each part's fold and phonetic key, memoised per part (name parts repeat: a few
  // thousand make up nearly every name).
  const pf = namePartForms(family, locale);
  const pm = namePartForms(middle, locale);
  const pg = namePartForms(given, locale);
  const fold = joinParts(pf.folded, pm.folded, pg.folded);
  if (fold === '') return null;
  const familyKey = pf.key;
  const givenKey = pg.key;
  return {
    norm: joinParts(family, middle, given),
    fold,
    family: pf.folded,
    middle: pm.folded,
    given: pg.folded,
    familyKey,
    middleKey: pm.key,
    givenKey,
    // Family and given keys in sorted order: a blocking key that survives swapped parts.
    keySet: familyKey === '' || givenKey === '' ? null : familyKey < givenKey ? `${familyKey}|${givenKey}` : `${givenKey}|${familyKey}`,
  };
}

/**
 * Prepares rows given as flat values (ChunkRows) into store cells — the per-row work of
 * prepareRows, the same in the calling thread and in a worker (parallel-prepare.ts).
 * Non-re-entrant: one chunk at a time.
 */
export class RowPreparer {
  readonly columns: ColumnSpec[];
  /** Values per row in ChunkRows. */
  readonly width: number;
  readonly fields: readonly SchemaField[];
  /** Per non-name field: its position in a row's values and its store column indices. */
  private readonly fieldCells: readonly FieldCells[];
  /** Per name group: the positions of its fields and the indices of its name-form columns. */
  private readonly groupCells: readonly GroupCells[];
  readonly idField: string | undefined;
  private readonly cells: CellValue[];
  private issueCounts = new Map<string, Map<string, number>>();

  constructor(schema: Schema, idField: string | undefined, locales: ReadonlyArray<'vi' | 'generic'>) {
    this.fields = schema.fields;
    this.columns = storeColumnsFor(schema);
    // Column indices resolved once: a row sets ~15 cells, and finding each by its name (a
    // template string hashed into a Map) cost ~11 % of preparing a row.
    const colIndex = new Map(this.columns.map((c, i) => [c.name, i]));
    const col = (name: string): number => {
      const i = colIndex.get(name);
      if (i === undefined) throw new KhopError('INTERNAL', `prepare: no store column ${name}`);
      return i;
    };
    const pos = new Map(schema.fields.map((f, k) => [f, k]));
    this.fieldCells = schema.fields.flatMap((f, k): FieldCells[] => {
      switch (f.kind) {
        case 'nationalId':
          return [{ f, pos: k, c0: col(`${f.name}.id`), c1: col(`${f.name}.idkind`), dateOptions: null, missing: null }];
        case 'date':
          return [{
            f, pos: k, c0: col(`${f.name}.date`), c1: col(`${f.name}.dateTyped`),
            dateOptions: resolveDateOptions(f.spec), // its order / years / excelSerial; defaults as parseDate's
            missing: null,
          }];
        case 'sex':
          return [{ f, pos: k, c0: col(`${f.name}.sex`), c1: -1, dateOptions: null, missing: null }];
        case 'category':
        case 'text':
          return [{ f, pos: k, c0: col(`${f.name}.fold`), c1: -1, dateOptions: null, missing: missingValuesOf(f.spec) }];
        case 'identifier':
          return [{ f, pos: k, c0: col(`${f.name}.id`), c1: -1, dateOptions: null, missing: missingValuesOf(f.spec) }];
        default:
          return []; // name kinds: grouped
      }
    });
    this.groupCells = nameGroupsOf(schema).map((g, i) => {
      const famField = g.fields.find((f) => f.kind === 'familyName');
      const givField = g.fields.find((f) => f.kind === 'givenName');
      const forms = {} as Record<(typeof NAME_FORMS)[number], number>;
      for (const form of NAME_FORMS) forms[form] = col(`${g.prefix}.${form}`);
      return {
        g: { ...g, locale: locales[i]! },
        fullPos: pos.get(g.fields[0]!)!,
        familyPos: famField === undefined ? -1 : pos.get(famField)!,
        givenPos: givField === undefined ? -1 : pos.get(givField)!,
        forms,
        fullMissing: g.hasMiddle ? missingValuesOf(g.fields[0]!.spec) : null,
        familyMissing: famField === undefined ? null : missingValuesOf(famField.spec),
        givenMissing: givField === undefined ? null : missingValuesOf(givField.spec),
        familyField: famField?.name ?? '',
        givenField: givField?.name ?? '',
        memo: new Map<string, NameForms | null | typeof PLACEHOLDER>(),
      };
    });
    this.idField = idField;
    this.width = schema.fields.length + (idField !== undefined ? 1 : 0);
    this.cells = new Array<CellValue>(this.columns.length).fill(null);
  }

  /** A worker's preparer for `job`. */
  static fromJob(job: PrepareJob): RowPreparer {
    return new RowPreparer(defineSchema(job.schema), job.idField, job.locales);
  }

  /**
   * Prepare rows [from, to) of `rows` into `out` (call with out from emptyChunk(); may be called
   * for consecutive ranges). With `into` (a store of `columns`), each accepted row's cells are
   * appended to it instead of to `out.cells` (a worker's chunk: parallel-prepare.ts).
   */
  prepare(rows: ChunkRows, from: number, to: number, out: PreparedChunk, into?: RecordStore): void {
    for (let i = from; i < to; i++) this.row(rows.values, i * this.width, rows.at[i]!, out, into);
  }

  /** Move the issues counted so far into `out.issues` (after the last range of a chunk). */
  finish(out: PreparedChunk): void {
    for (const [field, m] of this.issueCounts) for (const [reason, n] of m) out.issues.push(field, reason, n);
    this.issueCounts = new Map();
  }

  private issue(field: string, reason: string): void {
    let m = this.issueCounts.get(field);
    if (m === undefined) this.issueCounts.set(field, (m = new Map()));
    m.set(reason, (m.get(reason) ?? 0) + 1);
  }

  private row(values: readonly unknown[], base: number, at: number, out: PreparedChunk, into: RecordStore | undefined): void {
    const cells = this.cells;
    cells.fill(null);
    let usable = 0;
    for (const plan of this.fieldCells) {
      const f = plan.f;
      let raw = textOf(values[base + plan.pos]);
      if (raw !== null && plan.missing !== null && plan.missing.has(raw.trim())) {
        this.issue(f.name, PLACEHOLDER_ISSUE);
        raw = null;
      }
      switch (f.kind) {
        case 'nationalId': {
          if (raw === null) break;
          const p = parseNationalId(raw, { country: f.spec.country ?? 'VN' });
          if (!p.ok) {
            this.issue(f.name, `id ${p.reason}`);
            break;
          }
          cells[plan.c0] = p.digits;
          cells[plan.c1] = p.kind === 'cccd' ? 1 : 2;
          usable++;
          break;
        }
        case 'date': {
          if (raw === null) break;
          const v = values[base + plan.pos];
          const input = typeof v === 'number' ? v : raw;
          const options = plan.dateOptions!;
          const d = parseDateWith(input, options);
          if (!d.ok) {
            this.issue(f.name, `date ${d.reason}`);
            // A full date with a part out of range: its digits, for compareTypedDates (a second
            // parse, for invalid values only).
            const typed = typedDateDigitsWith(input, options);
            if (typed !== 0) cells[plan.c1] = typed;
            break;
          }
          cells[plan.c0] = d.packed;
          usable++;
          break;
        }
        case 'sex': {
          if (raw === null) break;
          const s = parseSex(raw);
          if (s === null) {
            this.issue(f.name, 'sex unrecognised');
            break;
          }
          cells[plan.c0] = s === 'male' ? 1 : 2;
          usable++;
          break;
        }
        case 'category': {
          if (raw === null) break;
          const folded = foldKeepingScripts(raw);
          if (folded === '') {
            this.issue(f.name, 'no letters or digits');
            break;
          }
          // The code (`.cat`) is assigned in input order when the chunk is appended.
          cells[plan.c0] = folded;
          usable++;
          break;
        }
        case 'text': {
          if (raw === null) break;
          const folded = foldKeepingScripts(raw);
          if (folded === '') {
            this.issue(f.name, 'no letters or digits');
            break;
          }
          cells[plan.c0] = folded;
          usable++;
          break;
        }
        case 'identifier': {
          if (raw === null) break;
          const folded = identifierForm(raw);
          if (folded === '') {
            this.issue(f.name, 'no letters or digits');
            break;
          }
          cells[plan.c0] = folded;
          usable++;
          break;
        }
        default:
          break;
      }
    }
    for (const gp of this.groupCells) {
      let forms: NameForms | null | typeof PLACEHOLDER | undefined;
      /** The name's text (for the issue's wording when it has no usable letter). */
      let text = '';
      if (gp.g.hasMiddle) {
        const raw = textOf(values[base + gp.fullPos]);
        if (raw === null) continue;
        text = raw;
        // A full name seen before has the same forms: names repeat (in the synthetic 1M
        // population the most common 65,536 spellings cover ~80 % of the records).
        const memo = gp.memo;
        forms = memo.get(raw);
        if (forms === undefined) {
          // The memo's key and forms from a copy of the text: a field is often a slice of its
          // whole piece of the file (V8's sliced strings), which a kept key would keep alive.
          const own = ownString(raw);
          forms = gp.fullMissing !== null && gp.fullMissing.has(own.trim()) ? PLACEHOLDER : fullNameForms(own, gp.g.locale);
          if (memo.size >= MAX_MEMO_NAMES) memo.clear();
          memo.set(own, forms);
        }
        if (forms === PLACEHOLDER) {
          this.issue(gp.g.name, PLACEHOLDER_ISSUE);
          continue;
        }
      } else {
        // A part that is a placeholder is a missing part ("N/A" as the family name of "Anna").
        const fam = gp.familyPos >= 0 ? partText(values[base + gp.familyPos], gp.familyMissing) : '';
        const giv = gp.givenPos >= 0 ? partText(values[base + gp.givenPos], gp.givenMissing) : '';
        if (fam === PLACEHOLDER) this.issue(gp.familyField, PLACEHOLDER_ISSUE);
        if (giv === PLACEHOLDER) this.issue(gp.givenField, PLACEHOLDER_ISSUE);
        // Tokens as the name parser splits them, so `norm` and the folded parts agree token by
        // token; those without a letter dropped. A part with no letter at all ("0", "#", 42) is
        // missing, counted per field as the register counts it.
        const family = fam === PLACEHOLDER || fam === '' ? '' : letterTokens(fam);
        const given = giv === PLACEHOLDER || giv === '' ? '' : letterTokens(giv);
        if (family === '' && fam !== '' && fam !== PLACEHOLDER) this.issue(gp.familyField, 'name has no letters');
        if (given === '' && giv !== '' && giv !== PLACEHOLDER) this.issue(gp.givenField, 'name has no letters');
        if (family === '' && given === '') continue;
        text = `${family} ${given}`;
        forms = hasLetter(text) ? partForms(family, '', given, gp.g.locale) : null;
        // One part of another script beside a Latin one ("Петров" / "Ivan"): that part is
        // missing to the comparisons — counted, as a whole name of another script is below.
        if (forms !== null) {
          if (family !== '' && foldsToEmpty(family)) this.issue(gp.familyField, hasLetter(family) ? 'name has no Latin letters' : 'name has no letters');
          if (given !== '' && foldsToEmpty(given)) this.issue(gp.givenField, hasLetter(given) ? 'name has no Latin letters' : 'name has no letters');
        }
      }
      if (forms === null) {
        // Letters of other scripts fold to nothing: say so rather than "no letters".
        this.issue(gp.g.name, hasLetter(text) ? 'name has no Latin letters' : 'name has no letters');
        continue;
      }
      const c = gp.forms;
      cells[c.norm] = forms.norm;
      cells[c.fold] = forms.fold;
      cells[c.family] = forms.family;
      cells[c.middle] = forms.middle;
      cells[c.given] = forms.given;
      cells[c.familyKey] = forms.familyKey;
      cells[c.middleKey] = forms.middleKey;
      cells[c.givenKey] = forms.givenKey;
      cells[c.keySet] = forms.keySet;
      usable++;
    }
    if (usable === 0) {
      out.rejected.push({ index: at, code: 'NO_VALUES', reason: 'no schema field has a usable value' });
      return;
    }
    // The record id names the row's cluster: a row without one (or with an object, NaN…) is
    // rejected rather than given a made-up id that could equal another row's.
    let userId: string | number = at;
    if (this.idField !== undefined) {
      const v = values[base + this.fields.length];
      if (!((typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v)))) {
        out.rejected.push({ index: at, code: 'NO_ID', reason: `the record id column "${this.idField}" has no usable value` });
        return;
      }
      // Kept for the result: a copy, not a slice of the text the row was parsed from (ownString).
      userId = typeof v === 'string' ? ownString(v) : v;
    }
    if (into !== undefined) into.append(cells);
    else for (let c = 0; c < cells.length; c++) out.cells.push(cells[c]);
    out.at.push(at);
    out.userIds.push(userId);
    out.count++;
  }
}

/** An empty PreparedChunk to fill. */
export function emptyChunk(): PreparedChunk {
  return { count: 0, cells: [], at: [], userIds: [], rejected: [], issues: [] };
}

/** Sizes of the chunks rows are prepared in (the unit of work of a pooled prepare). */
export const PREPARE_CHUNK_ROWS = 4096;

/**
 * Why a row cannot be prepared — a WRONG_TYPE rejection's reason — or null: field k's value is
 * `values[base + k]`, `id` the idField's raw value. A field holds text, a number that is exact,
 * a bigint, null or nothing; a record id is no rounded number (beyond 2^53 it would be another
 * row's id) and no text with a lone UTF-16 surrogate (it has no UTF-8 form: written to a CSV it
 * became U+FFFD, which the readers refuse — the register rejects such an id the same way).
 */
export function wrongTypeReason(fields: readonly SchemaField[], values: readonly unknown[], base: number, idField: string | undefined, id: unknown): string | null {
  let bad: string[] | null = null;
  for (let k = 0; k < fields.length; k++) {
    const v = values[base + k];
    if (v === null || v === undefined || typeof v === 'string' || typeof v === 'bigint' || isExactNumber(v)) continue;
    (bad ??= []).push(`field "${fields[k]!.name}" holds ${typeName(v)}, expected text`);
  }
  if (idField !== undefined) {
    if (isInexactNumber(id)) (bad ??= []).push(`the record id column "${idField}" holds ${typeName(id)}`);
    else if (typeof id === 'string' && !isWellFormedText(id)) (bad ??= []).push(`the record id column "${idField}" holds text with a lone UTF-16 surrogate (it has no UTF-8 form)`);
  }
  return bad === null ? null : bad.join('; ');
}

/**
 * The record id a row carries into its chunk: text and numbers as they are, a bigint (an exact
 * integer beyond 2^53) as its decimal text; anything else (which might not cross a thread) is
 * "no id" (null).
 */
export function idCell(v: unknown): string | number | null {
  return typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'bigint' ? String(v) : null;
}

/** A chunk read from a source: its rows to prepare and the rows the calling thread already rejected. */
export interface ReadChunk {
  readonly source: number;
  readonly rows: ChunkRows;
  /** NOT_AN_OBJECT / WRONG_TYPE rejections of the chunk's input range, in input order. */
  readonly rejected: RejectedRow[];
  /** Instead of rows: a piece of a CSV or NDJSON file, parsed where it is prepared (a pooled runner only). */
  readonly piece?: PreparePiece;
}

/** Runs the chunks of prepareRows: in the calling thread, or on a pool (parallel-prepare.ts). */
export interface ChunkRunner {
  /** Take a chunk (resolves when there is room for the next: back-pressure). */
  push(chunk: ReadChunk): Promise<void>;
  /** Every chunk pushed has been appended. */
  drain(): Promise<void>;
  /** The phase is over (or failed): release what the runner holds (workers' cached state). */
  close?(): void;
}

/** A pool runner factory (parallel-prepare.ts installs it; prepare.ts does not import the pool). */
export type PooledRunnerFactory = (job: PrepareJob, preparer: RowPreparer, append: (chunk: ReadChunk, prepared: PreparedChunk) => void) => ChunkRunner;

export interface PrepareRowsOptions extends PrepareOptions {
  /**
   * Prepare chunks on a pool: a factory from parallel-prepare.ts (`pooledPrepare(pool)`); the
   * result is identical to the calling thread's. Default: the calling thread.
   */
  runner?: PooledRunnerFactory;
  /**
   * Called with the rows read so far (all sources) and a sample of them (the first
   * {@link BUDGET_SAMPLE_ROWS} object rows) after 65,536 rows, then each time the count doubles,
   * and after the last row: a memory budget's check for rows that are not an array (it throws to
   * stop the read; the source is closed).
   */
  budget?: (rowsRead: number, sample: readonly unknown[]) => Promise<void>;
  /**
   * With a pooled `runner`: a source that is a CSV or NDJSON file (a CSV or NDJSON RecordSource
   * of a UTF-8 file path not yet iterated, or rows that hand one over: file-pieces.ts,
   * takePieceFileOf) of at least `minBytes` is cut into pieces of ~`pieceBytes` that are parsed
   * where they are prepared — the calling thread no longer parses every row (see readPieces).
   * false: never. The name is older than NDJSON's piece read.
   * Default {@link DEFAULT_PREPARE_CSV_MIN_BYTES}, {@link DEFAULT_PREPARE_PIECE_BYTES}.
   */
  csvPieces?: { minBytes?: number; pieceBytes?: number; maxPieceBytes?: number } | false;
  /**
   * Called after each chunk of rows is in the store, with the input rows handled so far (all
   * sources: accepted and rejected) — dedupe/link's 'prepare' progress. A row the reader could
   * not read and reported itself (a CSV observer's) is not counted.
   */
  onRows?: (handled: number) => void;
}

/** CSV and NDJSON files from this size are read in pieces when the rows are prepared on a pool (PrepareRowsOptions.csvPieces). */
export const DEFAULT_PREPARE_CSV_MIN_BYTES = 1 << 20;
/**
 * Bytes of a piece: ~1,700 rows of a 150-byte person row. Measured on 1M rows, 2 threads
 * (prepare phase, alternating runs): 256 KiB, 512 KiB and 1 MiB pieces take the same time; the
 * workers hold less text and fewer parsed fields at a time with the smaller ones (RSS after the
 * phase ~850 against ~930 MB).
 */
export const DEFAULT_PREPARE_PIECE_BYTES = 256 << 10;

/** Rows kept as the sample of PrepareRowsOptions.budget. */
export const BUDGET_SAMPLE_ROWS = 2048;
/** Rows read before PrepareRowsOptions.budget is first called (then at every doubling). */
const BUDGET_FIRST_CHECK = 65_536;

/**
 * Read rows into a prepared store. With several sources (a link's left and right inputs) the
 * rows of source s follow those of source s−1 in one store, and `source` tells them apart;
 * `inputIndex` and rejected `index` count within each source.
 *
 *   source ─► row checks here (not an object, a value of the wrong type → rejected) ─► chunks of
 *   PREPARE_CHUNK_ROWS rows as flat values ─► RowPreparer (here, or on a pool) ─► appended IN
 *   INPUT ORDER: category codes assigned in first-seen order, cells to the store, rejections
 *   and issue counts merged — so the result does not depend on where a chunk was prepared.
 */
export async function prepareRows(
  sources: readonly RowSource[],
  schema: Schema,
  options: PrepareRowsOptions = {},
): Promise<PreparedDataset & { rejectedBySource: RejectedRow[][] }> {
  const list = sources;
  const idField = options.idField;
  if (idField !== undefined && (typeof idField !== 'string' || idField === '')) {
    throw new KhopError('INVALID_OPTION', 'idField must be a non-empty column name', { details: { option: 'idField' } });
  }
  const sampleSize = options.localeSampleSize ?? DEFAULT_LOCALE_SAMPLE_SIZE;
  const columns = storeColumnsFor(schema);
  const store = new RecordStore(columns);
  const colIndex = new Map(columns.map((c, i) => [c.name, i]));
  const groups = nameGroupsOf(schema);
  const rejected: RejectedRow[] = [];
  const issues: Record<string, Record<string, number>> = Object.create(null);
  const inputIndex: number[] = [];
  const userIds: Array<string | number> = [];
  const categoryCodes = options.dictionaries ?? new Map<string, Map<string, number>>();
  const C = columns.length;
  const cells: CellValue[] = new Array(C).fill(null);
  const categories = schema.fields
    .filter((f) => f.kind === 'category')
    .map((f) => ({
      name: f.name,
      cat: colIndex.get(`${f.name}.cat`)!,
      fold: colIndex.get(`${f.name}.fold`)!,
      // A worker's chunk holds the folded values as bytes: each distinct value is interned from
      // them once and given its code then (one string a distinct value, not one a row).
      interner: new ValueInterner(),
      codeOfId: new Int32Array(64),
    }));

  // The locale of each 'auto' name group is decided from a sample of rows that HAVE a name in
  // it (see LocaleSample): the rows from the first named row on are held until it is decided.
  // Before it (a provisional locale; see the file header) rows without a name go through.
  const resolved: Array<'vi' | 'generic'> = groups.map((g) => options.locales?.get(g.name) ?? (g.locale === 'auto' ? LOCALE_WITHOUT_NAMES : g.locale));
  const sampler = new LocaleSample(
    groups.flatMap((g, i) => (g.locale === 'auto' && !options.locales?.has(g.name) ? [{ index: i, fields: g.fields }] : [])),
    sampleSize,
  );
  /** Rows held from the first named row on, until the locales are decided: row, source, position. */
  const buffer: Array<{ row: unknown; source: number; at: number }> = [];
  const maxBuffered = Math.max(LOCALE_SAMPLE_MAX_ROWS, sampleSize);
  let decided = sampler.groups.length === 0;
  const decide = (): void => {
    for (const g of sampler.groups) resolved[g.index] = sampler.localeOf(g);
    decided = true;
  };

  const sourceOf: number[] = [];
  const rejectedBySource: RejectedRow[][] = list.map(() => []);
  /** Per source, per schema field: 1 once a row of the source holds its column. */
  const presentBySource = list.map(() => new Uint8Array(schema.fields.length));
  const reject = (source: number, r: RejectedRow) => {
    rejected.push(r);
    rejectedBySource[source]!.push(r);
  };

  // With idField: a row whose id repeats an earlier row's of the same source is rejected.
  const seen = idField === undefined ? null : new SeenIds((i) => userIds[i]!);
  let seenSource = -1;

  const onRows = options.onRows;
  /** A prepared chunk → the store and the bookkeeping, in input order (always this thread). */
  const append = (chunk: ReadChunk, p: PreparedChunk): void => {
    if (p.piece !== undefined) placePiece(chunk, p, p.piece);
    // Duplicate ids first (the rows' bookkeeping is pushed as they are checked), then the
    // rejections of all three kinds merged by input position.
    const dup: RejectedRow[] = [];
    let isDup: Uint8Array | null = null;
    if (seen !== null && seenSource !== chunk.source) {
      seen.clear();
      seenSource = chunk.source;
    }
    for (let r = 0; r < p.count; r++) {
      const prev = seen === null ? -1 : seen.findOrAdd(String(p.userIds[r]!), userIds.length);
      if (prev >= 0) {
        (isDup ??= new Uint8Array(p.count))[r] = 1;
        dup.push({ index: p.at[r]!, code: 'DUPLICATE_ID', reason: duplicateIdReason(idField!, `input row ${inputIndex[prev]! + 1}`), firstIndex: inputIndex[prev]! });
        continue;
      }
      inputIndex.push(p.at[r]!);
      sourceOf.push(chunk.source);
      userIds.push(p.userIds[r]!);
    }
    for (const r of mergeByIndex(chunk.rejected, mergeByIndex(p.rejected, dup))) reject(chunk.source, r);
    for (let i = 0; i < p.issues.length; i += 3) {
      const m = (issues[p.issues[i] as string] ??= Object.create(null) as Record<string, number>);
      const reason = p.issues[i + 1] as string;
      m[reason] = (m[reason] ?? 0) + (p.issues[i + 2] as number);
    }
    if (p.rows !== undefined) {
      // A worker's rows: copied store to store; only the category folds become strings here.
      const src = RecordStore.fromDescriptor(p.rows);
      if (src.rowCount !== p.count) throw new KhopError('INTERNAL', 'prepare: a prepared chunk holds another number of rows than it counts');
      const overrides = categories.map((cat) => {
        const values = new Array<number | null>(p.count);
        const folds = src.textColumn(cat.fold);
        for (let r = 0; r < p.count; r++) {
          if (folds.isNull(r)) {
            values[r] = null;
            continue;
          }
          const id = cat.interner.intern(folds.units(r), folds.start(r), folds.end(r));
          if (id >= cat.codeOfId.length) cat.codeOfId = grow32(cat.codeOfId, id + 1);
          let code = cat.codeOfId[id]!;
          if (code === 0) {
            code = categoryCode(cat.name, src.getString(cat.fold, r)!);
            if (id !== 0) cat.codeOfId[id] = code; // id 0 (an empty value) is not memoised
          }
          values[r] = code;
        }
        return { column: cat.cat, values };
      });
      // In runs between the rejected duplicates (their category codes were assigned all the same,
      // as the calling thread's path below does: the codes do not depend on where a chunk ran).
      for (let from = 0; from < p.count; ) {
        while (from < p.count && isDup !== null && isDup[from] === 1) from++;
        let to = from;
        while (to < p.count && (isDup === null || isDup[to] === 0)) to++;
        if (to > from) store.appendRows(src, from, to, from === 0 && to === p.count ? overrides : overrides.map((o) => ({ column: o.column, values: o.values.slice(from, to) })));
        from = to;
      }
    } else {
      for (let r = 0; r < p.count; r++) {
        for (let c = 0; c < C; c++) cells[c] = p.cells[r * C + c];
        for (const cat of categories) {
          const folded = cells[cat.fold];
          if (typeof folded === 'string') cells[cat.cat] = categoryCode(cat.name, folded);
        }
        if (isDup === null || isDup[r] === 0) store.append(cells);
      }
    }
    onRows?.(inputIndex.length + rejected.length);
  };
  // The file being read in pieces (readPieces): the position of the next piece's first row, the
  // unreadable records of its pieces, its observer.
  let pieceNext = 0;
  let pieceUnreadable = 0;
  let pieceObserver: PieceRowObserver | null = null;
  /** A prepared piece at its turn: its positions from the piece's first on, its rows told to the observer. */
  const placePiece = (chunk: ReadChunk, p: PreparedChunk, o: PieceOutcome): void => {
    const base = pieceNext;
    pieceNext += o.positions;
    pieceUnreadable += o.unreadable;
    if (base !== 0) {
      for (let r = 0; r < p.at.length; r++) p.at[r]! += base;
      // Without an idField a row's record id is its position.
      if (idField === undefined) for (let r = 0; r < p.userIds.length; r++) (p.userIds[r] as number) += base;
      p.rejected = p.rejected.map((x) => ({ ...x, index: x.index + base }));
    }
    const present = presentBySource[chunk.source]!;
    for (let k = 0; k < present.length; k++) if (o.held[k] === 1) present[k] = 1;
    const observer = pieceObserver;
    if (observer !== null && o.rowNumbers !== undefined) {
      for (let r = 0; r < o.rowNumbers.length; r++) observer.row(o.rowNumbers[r]!, o.lines![r]!, o.ids?.[r]);
      for (const item of o.readRejected!) observer.rejected(item);
    }
  };
  /** The code of category value `folded` of field `name`: assigned in first-seen order. */
  const categoryCode = (name: string, folded: string): number => {
    let dict = categoryCodes.get(name);
    if (!dict) categoryCodes.set(name, (dict = new Map()));
    let code = dict.get(folded);
    if (code === undefined) dict.set(ownString(folded), (code = dict.size + 1)); // kept: not a slice of a chunk's text
    return code;
  };

  let runner: ChunkRunner | null = null;
  let preparer: RowPreparer | null = null;
  const start = (): ChunkRunner => {
    preparer = new RowPreparer(schema, idField, resolved);
    if (options.runner !== undefined) return options.runner({ schema: schema.toJSON(), idField, locales: resolved.slice() }, preparer, append);
    const p = preparer;
    return {
      push: (chunk) => {
        const out = emptyChunk();
        p.prepare(chunk.rows, 0, chunk.rows.at.length, out);
        p.finish(out);
        append(chunk, out);
        return Promise.resolve();
      },
      drain: () => Promise.resolve(),
    };
  };

  let index = 0;
  /** The source of the rows being handled (the sources before it have ended: endSource). */
  let currentSource = 0;
  let chunk: { values: unknown[]; at: number[]; rejected: RejectedRow[] } = { values: [], at: [], rejected: [] };
  const flush = async (): Promise<void> => {
    if (chunk.at.length === 0 && chunk.rejected.length === 0) return;
    const c = chunk;
    chunk = { values: [], at: [], rejected: [] };
    runner ??= start();
    await runner.push({ source: currentSource, rows: { values: c.values, at: c.at }, rejected: c.rejected });
  };
  /** The calling thread's checks, then the row's flat values into the chunk; true when the chunk is full. */
  const handle = (row: unknown, at: number): boolean => {
    let notARow: string | null;
    if (row instanceof UnreadableRow) {
      chunk.rejected.push({ index: at, code: row.code, reason: row.reason });
    } else if ((notARow = notARowReason(row)) !== null) {
      chunk.rejected.push({ index: at, code: 'NOT_AN_OBJECT', reason: notARow });
    } else {
      const r = row as Record<string, unknown>;
      // Type check every schema column first, so a row is either wholly in or wholly rejected.
      const base = chunk.values.length;
      const present = presentBySource[currentSource]!;
      for (let k = 0; k < schema.fields.length; k++) {
        const f = schema.fields[k]!;
        const v = Object.prototype.hasOwnProperty.call(r, f.column) ? r[f.column] : undefined;
        chunk.values.push(v);
        if (v !== undefined) present[k] = 1;
      }
      const id = idField !== undefined && Object.prototype.hasOwnProperty.call(r, idField) ? r[idField] : undefined;
      const bad = wrongTypeReason(schema.fields, chunk.values, base, idField, id);
      if (bad !== null) {
        chunk.values.length = base;
        chunk.rejected.push({ index: at, code: 'WRONG_TYPE', reason: bad });
      } else {
        if (idField !== undefined) chunk.values.push(idCell(id));
        chunk.at.push(at);
      }
    }
    return chunk.at.length >= PREPARE_CHUNK_ROWS || chunk.rejected.length >= PREPARE_CHUNK_ROWS;
  };

  const sourceRows: number[] = [];
  let inputRows = 0;
  let before = 0;
  /** Every row of the current source has been handled: its chunks appended, its row count known; the next one starts. */
  const endSource = async (): Promise<void> => {
    await flush();
    if (runner !== null) await (runner as ChunkRunner).drain();
    sourceRows.push(inputIndex.length - before);
    before = inputIndex.length;
    currentSource++;
  };
  /** Handle row `at` of source `s` (ending the sources before it first). */
  const take = async (row: unknown, s: number, at: number): Promise<void> => {
    while (currentSource < s) await endSource();
    if (handle(row, at)) await flush();
  };
  /** After decide(): the held rows, in input order. */
  const drainBuffer = async (): Promise<void> => {
    for (const b of buffer) await take(b.row, b.source, b.at);
    buffer.length = 0;
  };
  /**
   * A row read before the locales are decided. Before the first named row it goes through (its
   * cells do not depend on a locale); the first named row stops the provisional runner — every
   * row handled so far appended — and from it on rows are held; the sample complete, or
   * maxBuffered rows held, the locales are decided and the held rows handled.
   */
  const undecided = async (row: unknown, s: number, at: number): Promise<void> => {
    const named = sampler.add(row);
    if (buffer.length === 0) {
      if (!named) return take(row, s, at);
      await flush();
      if (runner !== null) {
        await (runner as ChunkRunner).drain();
        (runner as ChunkRunner).close?.();
        runner = null; // the next one is started with the decided locales
      }
    }
    buffer.push({ row, source: s, at });
    if (sampler.complete() || buffer.length >= maxBuffered) {
      decide();
      await drainBuffer();
    }
  };
  // The memory budget's check (options.budget): rows read over every source, a sample of them.
  const budget = options.budget;
  const budgetSample: unknown[] = [];
  let readTotal = 0;
  let nextCheck = BUDGET_FIRST_CHECK;
  /** Count a row (and sample it); true when the budget is to be checked now (no promise a row). */
  const counted = (row: unknown): boolean => {
    readTotal++;
    if (budgetSample.length < BUDGET_SAMPLE_ROWS && row !== null && typeof row === 'object' && !(row instanceof UnreadableRow)) budgetSample.push(row);
    if (readTotal < nextCheck) return false;
    nextCheck *= 2;
    return true;
  };
  /** Row `index` of source `s`, read: counted for the budget, then handled (held while the locales are undecided). */
  const rowIn = async (row: unknown, s: number): Promise<void> => {
    if (budget !== undefined && counted(row)) await budget(readTotal, budgetSample);
    const at = index++;
    if (!decided) await undecided(row, s, at);
    else if (currentSource !== s) await take(row, s, at);
    else if (handle(row, at)) await flush();
  };

  const pieces = options.runner === undefined || options.csvPieces === false ? null : (options.csvPieces ?? {});
  /**
   * Source `s`, a CSV or NDJSON file, read in pieces (src/io/file-pieces.ts) that are parsed where
   * they are prepared: a worker's piece never becomes row objects on the calling thread. The first
   * pieces are still read here row by row, until the locales are decided (LocaleSample) and
   * the budget's sample is taken: those decide how every later row is prepared and checked,
   * exactly as the row-by-row read decides them; a file with no cut for maxPieceBytes has its
   * rest read row by row too (PieceReading.rest). A worker checks an NDJSON row's value types
   * itself (wrongTypeReason), and reports which fields its piece's rows hold (PieceOutcome.held). Same rows, positions, rejections and reasons as
   * reading the source row by row: the pieces' rows are placed at their turn (placePiece).
   */
  const readPieces = async (taken: TakenPieceFile, s: number): Promise<void> => {
    const { file, observer } = taken;
    const renamed = taken.columns;
    /** The file's column a row's `column` is read from (null: none). */
    const fileColumn = (column: string): string | null => (renamed === undefined ? column : (renamed.get(column) ?? null));
    const columns = schema.fields.map((f) => fileColumn(f.column));
    if (idField !== undefined) columns.push(fileColumn(idField));
    let idColumn = -1;
    if (observer !== null && observer.idColumn !== null) {
      // The observer's id column is the file's.
      idColumn = columns.indexOf(observer.idColumn);
      if (idColumn < 0) idColumn = columns.push(observer.idColumn) - 1;
    }
    const report = observer === null ? null : { idColumn };
    const pairs = renamed === undefined ? null : [...renamed];
    pieceObserver = observer;
    pieceUnreadable = 0;
    let fh: FileHandle;
    try {
      fh = await open(file.path, 'r');
    } catch (e) {
      throw new KhopError('IO_ERROR', `cannot read ${file.path}`, { cause: e });
    }
    /** A row read here: told to the observer (which takes a rejected one: it has no position), else handed on. */
    const rowHere = async (row: unknown, rowNumber: number, line: number): Promise<void> => {
      if (observer !== null) {
        if (row instanceof UnreadableRow) {
          const { code, raw, rawTruncated } = row;
          observer.rejected({ kind: 'rejected', rowNumber, line, code, reason: readerReasonOf(row.reason), ...(raw !== undefined ? { raw } : {}), ...(rawTruncated ? { rawTruncated } : {}) });
          return;
        }
        const id = observer.idColumn === null ? undefined : (row as Record<string, unknown>)[observer.idColumn];
        observer.row(rowNumber, line, idText(id));
      }
      if (pairs === null || row instanceof UnreadableRow) return rowIn(row, s);
      // Under the rows' names (no prototype: a column named __proto__ is an ordinary property).
      const out = Object.create(null) as Record<string, unknown>;
      for (const [to, from] of pairs) if (Object.hasOwn(row as object, from)) out[to] = (row as Record<string, unknown>)[from];
      return rowIn(out, s);
    };
    const needRows = (): boolean => !decided || (budget !== undefined && budgetSample.length < BUDGET_SAMPLE_ROWS && readTotal < BUDGET_FIRST_CHECK);
    const inRows: RowReadCounts = { rows: 0, unreadable: 0, blank: 0, bytes: 0 };
    const rest: RowReadCounts = { rows: 0, unreadable: 0, blank: 0, bytes: 0 };
    let records = 0;
    let pieced = false;
    try {
      const reading = pieceReading(file, fh, pieces!.pieceBytes ?? DEFAULT_PREPARE_PIECE_BYTES, pieces!.maxPieceBytes ?? DEFAULT_CSV_MAX_PIECE_BYTES, 'read');
      const { cutter, format } = reading;
      for await (const c of cutter.pieces()) {
        if (c.kind === 'rest') {
          // No cut for too long: the rest is parsed here as it streams, after every piece is placed.
          await flush();
          if (runner !== null) await (runner as ChunkRunner).drain();
          if (pieced) index = pieceNext;
          pieced = false;
          rest.bytes = c.from;
          const lines: number[] = [];
          let next = 0;
          let rowNumber = c.start;
          for await (const row of reading.rest(c.from, c.start, c.line, rest, (l) => lines.push(l))) {
            await rowHere(row, ++rowNumber, lines[next++]!);
            if (next === lines.length) next = lines.length = 0;
          }
          records += rest.rows;
          file.observe(rest.bytes, false);
          break;
        }
        records += c.rows;
        if (!pieced && needRows()) {
          const lines: number[] = [];
          const rows = rowsOfPiece(format, c, inRows, 'read', (l) => lines.push(l));
          for (let j = 0; j < rows.length; j++) await rowHere(rows[j], c.start + j + 1, lines[j]!);
        } else {
          if (!pieced) {
            while (currentSource < s) await endSource();
            await flush();
            pieceNext = index;
            pieced = true;
          }
          if (budget !== undefined) {
            readTotal += c.rows;
            if (readTotal >= nextCheck) {
              while (readTotal >= nextCheck) nextCheck *= 2;
              await budget(readTotal, budgetSample);
            }
          }
          runner ??= start();
          const piece: PreparePiece = { format, columns, start: c.start, line: c.line, rows: c.rows, last: c.last, bytes: c.bytes, part: c.part, report };
          await runner.push({ source: s, rows: { values: [], at: [] }, rejected: [], piece });
        }
        file.observe(c.end, false);
      }
      await flush();
      if (runner !== null) await (runner as ChunkRunner).drain();
      if (pieced) index = pieceNext;
      const unreadable = inRows.unreadable + pieceUnreadable + rest.unreadable;
      const bytes = Math.max(cutter.bytesRead, rest.bytes);
      file.account({ accepted: records - unreadable, rejected: unreadable, blankLines: cutter.blank + rest.blank, bytesRead: bytes });
      file.observe(bytes, true);
    } finally {
      pieceObserver = null;
      await fh.close().catch(() => undefined);
    }
  };

  try {
    for (let s = 0; s < list.length; s++) {
      index = 0;
      const taken = pieces === null ? null : takePieceFileOf(list[s], pieces.minBytes ?? DEFAULT_PREPARE_CSV_MIN_BYTES);
      if (taken !== null) {
        await readPieces(taken, s);
        inputRows += index;
        continue;
      }
      // A reader's RecordSource: its rows, a row it rejected rejected here at its position.
      const rows = rowsOf(list[s]!);
      if (rows === null || typeof rows !== 'object' || !(Symbol.iterator in rows || Symbol.asyncIterator in rows)) {
        throw new KhopError('INVALID_ARGUMENT', 'rows must be an array or an (async) iterable of objects');
      }
      // Once the locales are decided, a row of the current source is handled without a promise.
      if (Symbol.asyncIterator in rows) {
        for await (const row of rows as AsyncIterable<unknown>) {
          if (!decided || currentSource !== s) {
            await rowIn(row, s);
            continue;
          }
          if (budget !== undefined && counted(row)) await budget(readTotal, budgetSample);
          if (handle(row, index++)) await flush();
        }
      } else {
        for (const row of rows as Iterable<unknown>) {
          if (!decided || currentSource !== s) {
            await rowIn(row, s);
            continue;
          }
          if (budget !== undefined && counted(row)) await budget(readTotal, budgetSample);
          if (handle(row, index++)) await flush();
        }
      }
      inputRows += index;
    }
    // The end of the last input: the sample is what was read (a link: both inputs).
    if (!decided) {
      decide();
      await drainBuffer();
    }
    // Rows per source are known once every chunk of the source has been appended.
    while (currentSource < list.length) await endSource();
    if (budget !== undefined) await budget(readTotal, budgetSample);
  } finally {
    (runner as ChunkRunner | null)?.close?.();
  }

  return {
    schema,
    store,
    source: Uint8Array.from(sourceOf),
    sourceRows,
    rejectedBySource,
    inputIndex: Uint32Array.from(inputIndex),
    userIds,
    rejected,
    inputRows,
    issues,
    nameGroups: groups.map((g, i) => ({ name: g.name, prefix: g.prefix, hasMiddle: g.hasMiddle, fields: g.fields, locale: resolved[i]! })),
    dictionaries: categoryCodes,
    absentFields: presentBySource.map((present) => schema.fields.filter((_, k) => present[k] === 0)),
  };
}
