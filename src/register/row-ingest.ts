/**
 * Row ingestion: one register row (a plain object) → the store cells of the lean layout
 * (register-layout.ts) and the keys the indexes need — the canonical ID digits, the earlier
 * IDs' digits and the "did you mean" key — or a rejection.
 *
 * Rejected (with the row's position and a reason naming fields, never values):
 *   NOT_AN_OBJECT   the row is not a plain object
 *   WRONG_TYPE      a schema column (or the record-id / earlier-IDs column) holds an object,
 *                   array, boolean, NaN or ±Infinity; a record id with a lone UTF-16 surrogate
 *   INVALID_ID      the national ID is missing or not a valid ID (the register is keyed by it)
 *   NO_RECORD_ID    `idField` is set and the row has no usable record id
 *   (a reader's code) the row a RecordSource could not read (src/io/record-source-rows.ts)
 *
 * Other unusable values (a date like 31/02/1990, an unrecognised sex, a name with no letters,
 * an invalid earlier ID) become MISSING values — no evidence rather than false evidence — and
 * are counted per field and reason in `issues`, as src/pipeline/prepare.ts does.
 *
 * Trade-off: the ingester reuses its cell array and key fields for every row (non-re-entrant:
 * the caller consumes them before the next row); it allocates the few strings the values
 * become.
 */
import type { CellValue } from '../block/record-store.js';
import { ownString } from '../util/own-string.js';
import { foldKeepingScripts, foldToAscii } from '../text/fold.js';
import { identifierForm } from '../text/identifier-form.js';
import { parseDateWith } from '../text/date.js';
import { parseSex } from '../text/sex.js';
import { normalizeText } from '../text/normalize.js';
import { idNumber, parseIdInput } from './national-id-input.js';
import { canonicalPersonName, candidateKeyHead } from './person-name-form.js';
import { hasLetter } from '../text/person-name.js';
import { PLACEHOLDER_ISSUE } from '../text/missing-values.js';
import type { CategoryDictionary } from './category-dictionary.js';
import type { FieldPlan, RegisterLayout } from './register-layout.js';
import { dateFormatOf, nameStyleOf, nameTailOf, packDateCell, packForm, packSex, sexCodeOf, sexFormOf, withNameStyle } from './written-form.js';
import { UnreadableRow } from '../io/record-source-rows.js';
import type { RejectCode } from '../io/record-types.js';
import { isExactNumber, typeName } from '../util/type-name.js';
import { isWellFormedText } from '../util/well-formed.js';
import { notARowReason } from '../util/row-shape.js';


/** Issue reasons of a row KEPT as given (its CCCD contradicts its own date of birth or sex), not of a value read as missing. */
export const ID_CONTRADICTS_DOB = 'id contradicts the date of birth';
export const ID_CONTRADICTS_SEX = 'id contradicts the sex';
export const KEPT_VALUE_REASONS: ReadonlySet<string> = new Set([ID_CONTRADICTS_DOB, ID_CONTRADICTS_SEX]);

/** A row the register could not use. */
/** The register's own rejection codes (any other code of a RegisterRejectedRow is its reader's). */
export const REGISTER_REJECT_CODES = ['NOT_AN_OBJECT', 'WRONG_TYPE', 'INVALID_ID', 'NO_RECORD_ID'] as const;

export interface RegisterRejectedRow {
  /** 0-based position of the row in the input (of the build, or of the `add` call). */
  readonly index: number;
  /** The register's code, or the reader's for a row a RecordSource could not read. */
  readonly code: (typeof REGISTER_REJECT_CODES)[number] | RejectCode;
  /** Human reason naming fields, never values. */
  readonly reason: string;
  /**
   * The row's first physical line in the file, when the rows came from a reader's RecordSource
   * of a CSV or NDJSON file (absent for Parquet, for rows given as objects, and for `add`).
   */
  readonly line?: number;
  /**
   * A row the reader could not read: its raw text as the reader kept it (the reader's
   * `keepRaw`, default true; cut like RejectedItem.raw, then `rawTruncated`), for the user's own
   * rejected-rows file. Never in a message.
   */
  readonly raw?: string;
  readonly rawTruncated?: boolean;
}

/** The rejection of a row its reader could not read (UnreadableRow) at position `index`. */
export function unreadableRejection(index: number, row: UnreadableRow): RegisterRejectedRow {
  const r: { -readonly [K in keyof RegisterRejectedRow]: RegisterRejectedRow[K] } = { index, code: row.code, reason: row.reason };
  if (row.line !== undefined) r.line = row.line;
  if (row.raw !== undefined) r.raw = row.raw;
  if (row.rawTruncated) r.rawTruncated = true;
  return r;
}

/** Per field, per reason: values that were unusable and stored as missing. */
export type IngestIssues = Record<string, Record<string, number>>;

const hasOwn = Object.prototype.hasOwnProperty;

/** A value of a type a field reads: text, a bigint, a number that is exact (isExactNumber). */
function usableType(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'bigint' || isExactNumber(v);
}

/** Text of a cell value: null for missing or blank. */
function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : String(v);
  const t = s.trim();
  return t === '' ? null : t;
}

/**
 * A personName value's forms as the build stores and keys them, remembered per field by its text
 * (names repeat: in the synthetic 1M population the most common 65,536 spellings cover ~80 % of
 * the records). `style` and `head` are computed when first needed.
 */
export interface NameEntry {
  /** canonicalPersonName(text, locale, undefined, false).norm: the written order. */
  readonly norm: string;
  /** Its guessedNorm: the order the parser's guess gives (the "did you mean" key's). */
  readonly keyNorm: string;
  /** nameStyleOf(text, norm), or −1 before it is needed. */
  style: number;
  /** candidateKeyHead(keyNorm), or undefined before it is needed. */
  head: string | null | undefined;
  /** candidateKeyHead(norm) when it differs from `head` (else null), or undefined before it is needed. */
  writtenHead: string | null | undefined;
}

/**
 * Distinct name texts a personName field remembers (the memo is emptied when it is full):
 * 131,072 as dedupe's (prepare.ts MAX_MEMO_NAMES) — Register.build of the 1M-row e2e register
 * CSV on 2 threads ×0.968 (6 alternating rounds, medians 5.05 → 4.88 s).
 */
export const MAX_MEMO_NAMES = 131_072;

/**
 * Per field (by index): name text → its forms (null: no letters), or null for a field that is
 * not a personName. An entry depends on its text alone, so ingesters of one layout may share
 * the memos (a thread's successive chunks of one build do: ingest-tasks.ts).
 */
export type NameMemos = ReadonlyArray<Map<string, NameEntry | null> | null>;

/** Empty name memos for `layout`. */
export function newNameMemos(layout: RegisterLayout): NameMemos {
  return layout.fields.map((f) => (f.group === 'name' && f.kind === 'personName' ? new Map<string, NameEntry | null>() : null));
}

/** True for the separators of an earlier-IDs list: ; | , */
function isListSeparator(c: number): boolean {
  return c === 0x3b || c === 0x7c || c === 0x2c;
}

export class RowIngester {
  /** Cells of the last accepted row, in store column order. */
  readonly cells: CellValue[];
  /** Canonical digits of the last accepted row's ID. */
  idDigits = '';
  /** Keyed register: the lookup key of the last accepted row's ID (HMAC, keyed-id-hash.ts). */
  idLo = 0;
  idHi = 0;
  /** Canonical digits of its earlier IDs (distinct, without the current ID). */
  readonly earlier: string[] = [];
  /** Its "did you mean" key (the name in the order the parser's guess gives), or null. */
  candidate: string | null = null;
  /**
   * Its second "did you mean" key — the name in its written order, when the guess re-orders
   * it — or null: a row is found from a claim written in either order, and from a claim whose
   * own flag differs (a middle name dropped changes the guess).
   */
  candidate2: string | null = null;
  readonly issues: IngestIssues;
  /**
   * Per layout field (by index): 1 once a row read by this ingester (or packed for a worker on
   * its behalf: parallel-ingest.ts) held its column — Register.build refuses a field no row holds.
   */
  readonly present: Uint8Array;
  /**
   * 1 once a row read by this ingester (or packed for a worker: parallel-ingest.ts) held the
   * earlier-IDs column — Register.build refuses an earlierIdsField no row holds, as a field.
   */
  earlierPresent = 0;

  private readonly layout: RegisterLayout;
  readonly idField: string | null;
  private readonly earlierIdsField: string | null;
  private readonly candidates: boolean;
  private readonly dictionary: CategoryDictionary;
  /** Its name memos (its own, or those it was given). */
  readonly nameMemos: NameMemos;
  /** The entry of the personName value field() last stored (null: none). */
  private nameEntry: NameEntry | null = null;
  /**
   * Per layout field (by index): the row's value, read ONCE per row — a getter (update() reads
   * the caller's object as it is) is not asked twice, so a value checked for its type is the
   * value stored (a getter answering text, then an object, had the object's toString() stored).
   */
  private readonly raw: unknown[];

  constructor(
    layout: RegisterLayout,
    dictionary: CategoryDictionary,
    idField: string | null,
    earlierIdsField: string | null,
    candidateSearch: boolean,
    issues?: IngestIssues,
    nameMemos?: NameMemos,
    /** Without an idField: the record id of position 0 (RegisterBuildOptions.firstRecordId). */
    private readonly firstRecordId = 0,
  ) {
    this.layout = layout;
    this.dictionary = dictionary;
    this.issues = issues ?? (Object.create(null) as IngestIssues);
    this.idField = idField;
    this.earlierIdsField = earlierIdsField;
    this.candidates = candidateSearch && layout.fullName !== null && layout.date !== null;
    this.cells = new Array<CellValue>(layout.columns.length).fill(null);
    this.nameMemos = nameMemos ?? newNameMemos(layout);
    this.present = new Uint8Array(layout.fields.length);
    this.raw = new Array<unknown>(layout.fields.length).fill(undefined);
  }

  private issue(field: string, reason: string): void {
    const m = (this.issues[field] ??= Object.create(null) as Record<string, number>);
    m[reason] = (m[reason] ?? 0) + 1;
  }

  /**
   * The record id a row writes in the idField column, as text (as the register keys record
   * ids: String of a number), or null when there is no idField or the row leaves it blank or
   * holds no usable id there. For update(), which keeps a record's id: a row naming another is
   * refused, not quietly stored under the old id.
   */
  rowRecordIdText(row: object): string | null {
    if (this.idField === null) return null;
    const r = row as Record<string, unknown>;
    const v = hasOwn.call(r, this.idField) ? r[this.idField] : undefined;
    if (typeof v === 'string') return v.trim() === '' ? null : v;
    return isExactNumber(v) || typeof v === 'bigint' ? String(v) : null;
  }

  /**
   * Prepare one row. Returns null when accepted (read `cells`, `idDigits`, `earlier`,
   * `candidate`), else the rejection. `recordId` overrides the row's record id (update keeps
   * the old one); without an idField the record id is firstRecordId + `position`.
   */
  ingest(row: unknown, index: number, position: number, recordId?: string | number): RegisterRejectedRow | null {
    if (row instanceof UnreadableRow) return unreadableRejection(index, row);
    const notARow = notARowReason(row);
    if (notARow !== null) return { index, code: 'NOT_AN_OBJECT', reason: notARow };
    const r = row as Record<string, unknown>;
    const L = this.layout;
    const bad: string[] = [];
    const raws = this.raw;
    for (const f of L.fields) {
      const v = hasOwn.call(r, f.column) ? r[f.column] : undefined;
      raws[f.index] = v;
      if (v !== undefined) this.present[f.index] = 1;
      if (!usableType(v)) bad.push(`field "${f.name}" holds ${typeName(v)}, expected text`);
    }
    const earlierRaw = this.earlierIdsField !== null && hasOwn.call(r, this.earlierIdsField) ? r[this.earlierIdsField] : undefined;
    if (earlierRaw !== undefined) this.earlierPresent = 1;
    if (!usableType(earlierRaw)) bad.push(`column "${this.earlierIdsField}" holds ${typeName(earlierRaw)}, expected text`);
    let rid: string | number;
    let ridIsNumber: boolean;
    if (recordId !== undefined) {
      rid = recordId;
      ridIsNumber = typeof recordId === 'number';
    } else if (this.idField !== null) {
      const v = hasOwn.call(r, this.idField) ? r[this.idField] : undefined;
      if (isExactNumber(v)) {
        rid = v;
        ridIsNumber = true;
      } else if (typeof v === 'string' && v.trim() !== '') {
        // Stored exactly, as UTF-8: a lone surrogate (no UTF-8 form) failed the store's append —
        // the whole build, or an add() half done.
        if (!isWellFormedText(v)) bad.push(`column "${this.idField}" holds text with a lone UTF-16 surrogate (it has no UTF-8 form), expected a record id`);
        rid = v;
        ridIsNumber = false;
      } else if (typeof v === 'bigint') {
        // An exact integer beyond 2^53 through the API: the record id is its decimal text.
        rid = String(v);
        ridIsNumber = false;
      } else {
        if (!usableType(v)) bad.push(`column "${this.idField}" holds ${typeName(v)}, expected a record id`);
        else if (bad.length === 0) return { index, code: 'NO_RECORD_ID', reason: `record id column "${this.idField}" is missing or empty` };
        rid = '';
        ridIsNumber = false;
      }
    } else {
      rid = this.firstRecordId + position;
      ridIsNumber = true;
    }
    if (bad.length > 0) return { index, code: 'WRONG_TYPE', reason: bad.join('; ') };

    // The lookup ID first: without it the row cannot be in the register.
    const idRaw = raws[L.id.index];
    const id = parseIdInput(typeof idRaw === 'bigint' ? String(idRaw) : idRaw);
    if (!id.ok) {
      return id.reason === 'empty'
        ? { index, code: 'INVALID_ID', reason: `national ID field "${L.id.name}" is missing` }
        : { index, code: 'INVALID_ID', reason: `national ID field "${L.id.name}" is not a valid ID (${id.reason})` };
    }
    const cells = this.cells;
    cells.fill(null);
    this.idDigits = id.digits;
    let nameStyles = 0;
    let nameTail = false;
    let full: NameEntry | null = null;
    let dob = 0;
    for (const f of L.fields) {
      const raw = raws[f.index];
      if (f === L.id) {
        if (f.keyed === null) cells[f.storeColumn] = idNumber(id.digits);
        else {
          // Keyed: the store holds the 48-bit tag, never the number (register-layout.ts).
          f.keyed.hash(id.digits);
          cells[f.storeColumn] = f.keyed.tag;
          this.idLo = f.keyed.lo;
          this.idHi = f.keyed.hi;
        }
        continue;
      }
      this.nameEntry = null;
      this.field(f, raw);
      const v = cells[f.storeColumn];
      if (v === null) continue;
      const e = this.nameEntry as NameEntry | null;
      if (f.group === 'name') {
        // Its written form (written-form.ts): the style in the form byte, or in a tail of the cell.
        const text = textOf(raw)!;
        const norm = v as string;
        const style = e === null ? nameStyleOf(text, norm) : e.style >= 0 ? e.style : (e.style = nameStyleOf(text, e.norm));
        if (f.nameSlot >= 0) nameStyles = withNameStyle(nameStyles, f.nameSlot, style);
        const tail = nameTailOf(style, text, f.nameSlot >= 0);
        if (tail !== null) {
          cells[f.storeColumn] = norm + tail;
          nameTail = true;
        }
      }
      if (f === L.fullName) full = e;
      if (f.group === 'date') {
        const packed = v as number;
        if (f === L.date) dob = packed;
        cells[f.storeColumn] = packDateCell(packed, dateFormatOf(textOf(raw)!, packed, f.dateOptions!.mdy));
      }
    }
    // A row that contradicts its own ID (the CCCD's birth year or sex digit) is kept as the
    // register holds it, but counted: a claim that agrees with the row will be INCONSISTENT_ID.
    if (id.kind === 'cccd') {
      if (dob > 0 && Math.floor(dob / 10000) !== id.birthYear) this.issue(L.id.name, ID_CONTRADICTS_DOB);
      const sexCell = L.sex === null ? null : cells[L.sex.storeColumn];
      if (typeof sexCell === 'number' && sexCodeOf(sexCell) !== (id.sex === 'male' ? 1 : 2)) this.issue(L.id.name, ID_CONTRADICTS_SEX);
    }
    cells[L.formColumn] = packForm(nameStyles, nameTail, ridIsNumber);
    cells[L.recordIdColumn] = L.recordIdType === 'float64' ? (rid as number) : String(rid);
    this.readEarlier(earlierRaw);
    // candidateKey(norm, dob): the name's head (memoised with the name) and the date.
    if (!this.candidates || full === null || dob <= 0) this.candidate = this.candidate2 = null;
    else {
      const locale = L.fullName!.locale;
      if (full.head === undefined) full.head = candidateKeyHead(full.keyNorm, locale);
      if (full.writtenHead === undefined) {
        const w = full.keyNorm === full.norm ? null : candidateKeyHead(full.norm, locale);
        full.writtenHead = w === full.head ? null : w;
      }
      this.candidate = full.head === null ? null : full.head + dob;
      this.candidate2 = full.writtenHead === null ? null : full.writtenHead + dob;
    }
    return null;
  }

  /** Store cell of one non-lookup field (null + an issue when unusable). */
  private field(f: FieldPlan, raw: unknown): void {
    const cells = this.cells;
    const text = textOf(raw);
    if (text === null) return;
    // A placeholder ("N/A", "Không rõ") is no value. A personName's is found once per spelling (its memo).
    if (f.missing !== null && f.kind !== 'personName' && f.missing.has(text)) {
      this.issue(f.name, PLACEHOLDER_ISSUE);
      return;
    }
    switch (f.group) {
      case 'id': {
        const p = parseIdInput(typeof raw === 'bigint' ? String(raw) : raw);
        if (!p.ok) this.issue(f.name, `id ${p.reason}`);
        else if (f.keyed === null) cells[f.storeColumn] = idNumber(p.digits);
        else {
          f.keyed.hash(p.digits);
          cells[f.storeColumn] = f.keyed.tag;
        }
        return;
      }
      case 'name': {
        if (f.kind === 'personName') {
          const memo = this.nameMemos[f.index]!;
          let e = memo.get(text);
          if (e === undefined) {
            // Key and entry from a copy of the text: a field read from a piece of a CSV file is a
            // slice of the whole piece (ownString), which a kept key would keep alive.
            const own = ownString(text);
            // A name without a letter ("0", "12345") is no name: missing, counted.
            const c = f.missing !== null && f.missing.has(own) ? null : hasLetter(own) ? canonicalPersonName(own, f.locale, undefined, false) : null;
            e = c === null ? null : { norm: c.norm, keyNorm: c.guessedNorm, style: -1, head: undefined, writtenHead: undefined };
            if (memo.size >= MAX_MEMO_NAMES) memo.clear();
            memo.set(own, e);
          }
          if (e === null) this.issue(f.name, f.missing !== null && f.missing.has(text) ? PLACEHOLDER_ISSUE : hasLetter(text) ? 'name has no Latin letters' : 'name has no letters');
          else {
            cells[f.storeColumn] = e.norm;
            this.nameEntry = e;
          }
        } else {
          const n = normalizeText(text);
          if (!hasLetter(n)) this.issue(f.name, 'name has no letters');
          else if (foldToAscii(n) === '') this.issue(f.name, 'name has no Latin letters');
          else cells[f.storeColumn] = n;
        }
        return;
      }
      case 'date': {
        const d = parseDateWith(typeof raw === 'number' ? raw : text, f.dateOptions!);
        if (d.ok) cells[f.storeColumn] = d.packed;
        else this.issue(f.name, `date ${d.reason}`);
        return;
      }
      case 'sex': {
        const s = parseSex(typeof raw === 'number' ? raw : text);
        if (s === null) this.issue(f.name, 'sex unrecognised');
        else {
          const code = s === 'male' ? 1 : 2;
          cells[f.storeColumn] = packSex(code, sexFormOf(text, code));
        }
        return;
      }
      default: {
        // An identifier's form is dedupe's (identifierForm: an address keeps its punctuation).
        const folded = f.identifier ? identifierForm(text) : foldKeepingScripts(text);
        if (folded === '') this.issue(f.name, 'no letters or digits');
        else cells[f.storeColumn] = f.category ? this.dictionary.encode(f.index, folded) : folded;
      }
    }
  }

  private readEarlier(raw: unknown): void {
    const out = this.earlier;
    out.length = 0;
    if (raw === null || raw === undefined) return;
    const s = typeof raw === 'string' ? raw : String(raw);
    let start = 0;
    for (let i = 0; i <= s.length; i++) {
      if (i < s.length && !isListSeparator(s.charCodeAt(i))) continue;
      const part = s.slice(start, i).trim();
      start = i + 1;
      if (part === '') continue;
      const p = parseIdInput(part);
      if (!p.ok) {
        this.issue(this.earlierIdsField!, `earlier id ${p.reason}`);
        continue;
      }
      if (p.digits !== this.idDigits && !out.includes(p.digits)) out.push(p.digits);
    }
  }
}
