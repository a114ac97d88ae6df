/**
 * The schema of a command-line run, from one of three sources (first that applies):
 *
 *   --schema FILE   a JSON file holding the object defineSchema takes (keys are field names;
 *                   a field's input column is its `column`, else its own name — so a file keyed
 *                   by column name needs no `column` at all);
 *   --map PAIRS     field=column pairs (parseMapArgument checks every column against the header,
 *                   for NDJSON the keys of its first records — readNdjson's lookahead);
 *                   the kind of each field is decided, first rule that applies, by
 *                     1. the field name, when it is one of the names the header guesser uses
 *                        (id, name, dob, sex, province, address… — FIELD_NAME_KINDS below),
 *                     2. the column's header name (suggestColumnMapping),
 *                     3. the field name read as a header name (`cccd`, `fullName`, `ngay_sinh`);
 *                   a field none of these recognises is a usage error asking for --schema;
 *   neither         suggestColumnMapping of the header; the mapping chosen is printed on stderr.
 *                   A header with a name that looks like a data value (headerLooksLikeValue: ≥ 5
 *                   digits, a date, an ID, an e-mail address) is refused INVALID_INPUT naming its positions only:
 *                   the file most likely has no header line, and guessing would print its first
 *                   record on stderr, map its values as column names and lose it from the counts.
 *
 * Decisions: a column the guesser recognises as a record id (`id`, `stt`, `uid`…) is never
 * compared as a person field — it becomes the record-id column when --id-field is not given —
 * unless no other column is a national ID and its first values (`sampleColumn`: up to 200 rows)
 * are national ID numbers (at least 9 in 10 of those not empty, half of them 12-digit CCCD
 * numbers): then it is the `id` field (nationalId). `id,ho_ten,ngay_sinh` is a natural header
 * for a file of CCCD numbers — README's own examples name the field so — and read as record ids
 * they were written into every output, and a person's second record was rejected DUPLICATE_ID.
 * Every schema column must be in the header of CSV and Parquet inputs (a typo must stop the run,
 * not silently compare nothing); for NDJSON, whose header is the keys of its first records, a missing
 * column is only noted. Messages name fields, columns and files — never a record value.
 */
import { readJsonFile } from './args.js';
import { KhopError, isKhopError } from '../errors.js';
import { defineSchema, type FieldKind, type FieldSpec, type Schema } from '../schema.js';
import { parseMapArgument, suggestColumnMapping, valueLikeHeaderPositions, valueLikeNote, type ColumnSuggestion } from '../io/column-mapping.js';
import { parseNationalId } from '../text/national-id.js';
import { caseMatchNotes, HeaderLookup } from '../io/header-lookup.js';
import { guessDateOrder } from '../text/date-order.js';
import { padEndDisplay } from './text-width.js';
import { STDIN_LABEL } from './input.js';

/**
 * Kinds of the field names the header guesser (suggestColumnMapping) assigns. Null prototype:
 * it is looked up by the field names of --map, and `toString` or `__proto__` must find nothing,
 * not Object.prototype's members.
 */
export const FIELD_NAME_KINDS: Readonly<Record<string, FieldKind>> = Object.freeze(Object.assign(Object.create(null) as Record<string, FieldKind>, {
  id: 'nationalId',
  oldId: 'nationalId',
  name: 'personName',
  givenName: 'givenName',
  familyName: 'familyName',
  middleName: 'text',
  dob: 'date',
  sex: 'sex',
  province: 'category',
  city: 'category',
  district: 'category',
  commune: 'category',
  ethnicity: 'category',
  nationality: 'category',
  hometown: 'text',
  birthPlace: 'text',
  address: 'text',
  email: 'identifier',
  phone: 'identifier',
  socialInsuranceId: 'identifier',
  healthInsuranceId: 'identifier',
  taxId: 'identifier',
}));

/** The field name the guesser gives a record-id column. */
const RECORD_ID_FIELD = 'recordId';

/** Where the schema comes from. */
export interface SchemaRequest {
  /** --schema path (already resolved). */
  readonly schemaPath?: string | undefined;
  /** --map argument. */
  readonly map?: string | undefined;
  /** --id-field column. */
  readonly idField?: string | undefined;
  /** Input columns (header). */
  readonly headers: readonly string[];
  /** Input file label for messages. */
  readonly inputLabel: string;
  /** The input's format (what an empty header means differs). */
  readonly inputFormat?: string;
  /** Whether the header is complete (CSV, Parquet) so schema columns must be in it. */
  readonly strictColumns: boolean;
  /** What the record id is without --id-field (default: the row number). */
  readonly positionalId?: string;
  /** Columns another option already uses (--earlier-ids): never guessed as a field. */
  readonly reserved?: ReadonlyArray<{ readonly column: string; readonly use: string }>;
  /**
   * Why no record-id column may be guessed (a keyed register: record ids are stored as written,
   * and a column the guesser reads as one — `id` — often holds the ID numbers the key hides).
   * Default: one is guessed.
   */
  readonly noGuessedId?: string;
  /**
   * The first values of a column (a few hundred rows at most), read without consuming the input;
   * given, a guessed record-id column holding national ID numbers is read as the ID field (see
   * the file header). Default: values are not looked at.
   */
  readonly sampleColumn?: (column: string) => Promise<readonly unknown[]>;
  /** The input could not be sampled (standard input, a pipe): a guessed record id is noted as unchecked. */
  readonly unsampled?: boolean;
}

/**
 * An input without a column: a CSV without a single byte, an NDJSON file of no JSON object (zero
 * bytes, blank lines only, or not NDJSON at all). Every command refuses it so (exit 2), whichever
 * file of the run it is: nothing shows that the file's producer ran — an export that failed
 * leaves the same bytes. A CSV with its header line alone has columns: read as no rows.
 */
export function noColumnsError(label: string, format: string | undefined): KhopError {
  // NDJSON's columns are the keys of its first objects: none when no line is a JSON object —
  // a CSV named .ndjson, or an empty file.
  const why = format === 'ndjson' ? 'none of its first lines is a JSON object: an empty file, or not NDJSON (the format comes from the file name, else the content)' : 'an empty file?';
  return new KhopError('INVALID_INPUT', `${label} has no columns (${why})`);
}

/** Rows a guessed record-id column's values are sampled from. */
export const ID_SAMPLE_ROWS = 200;

/** True when most of `values` are national ID numbers (see the file header). */
export function looksLikeNationalIds(values: readonly unknown[]): boolean {
  let given = 0;
  let ids = 0;
  let cccd = 0;
  for (const v of values) {
    if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) continue;
    given++;
    const p = parseNationalId(v);
    if (!p.ok) continue;
    ids++;
    if (p.kind === 'cccd') cccd++;
  }
  return given > 0 && ids >= 0.9 * given && cccd >= 0.5 * ids;
}

/** The schema chosen, the record-id column, and lines describing the choice. */
export interface SchemaChoice {
  readonly schema: Schema;
  readonly idField: string | undefined;
  /** The record-id column was guessed from the header, not named by --id-field. */
  readonly idGuessed?: boolean;
  /** Lines for stderr (the mapping chosen, notes). */
  readonly notes: readonly string[];
}

/** Build the schema of a run (see the file header). @throws KhopError (exit code 2). */
export async function loadSchema(req: SchemaRequest): Promise<SchemaChoice> {
  if (req.schemaPath !== undefined && req.map !== undefined) {
    throw new KhopError('INVALID_ARGUMENT', 'give either --schema or --map, not both');
  }
  if (req.headers.length === 0) throw noColumnsError(req.inputLabel, req.inputFormat);
  refuseJoinedHeader(req.headers, req.inputFormat, req.inputLabel);
  // Columns are found in any Unicode form, or in other letter case when one header alone matches
  // so (said in a note), and used in the header's own spelling (header-lookup.ts).
  const lookup = new HeaderLookup(req.headers, req.inputLabel);
  if (req.idField !== undefined) {
    const found = lookup.find(req.idField);
    if (found === undefined && req.strictColumns) {
      throw new KhopError('INVALID_ARGUMENT', `--id-field: column "${req.idField}" is not in the header of ${req.inputLabel}`);
    }
    if (found !== undefined) req = { ...req, idField: found };
  }
  if (req.schemaPath !== undefined) return withCaseNotes(await fromSchemaFile(req.schemaPath, req, lookup), lookup, req.inputLabel);
  if (req.map !== undefined) return withCaseNotes(await fromMap(req.map, req, lookup), lookup, req.inputLabel);
  return withCaseNotes(await fromHeader(req, await idColumnsHoldingIds(req)), lookup, req.inputLabel);
}

/** The choice with a note for each column it reads that was named in other letter case than the header's (--id-field, --schema, --map). */
function withCaseNotes(choice: SchemaChoice, lookup: HeaderLookup, label: string): SchemaChoice {
  const read = new Set(choice.schema.fields.map((f) => f.column));
  if (choice.idField !== undefined) read.add(choice.idField);
  const notes = caseMatchNotes(lookup, label, (h) => read.has(h));
  return notes.length === 0 ? choice : { ...choice, notes: [...choice.notes, ...notes] };
}

/**
 * The date order of each date field of a guessed or --map schema, from the first values of its
 * column (text/date-order.ts): a column whose dates can only be month first is read month first
 * (`order: 'mdy'`), one with both kinds stays day first — each said in a note (column names and
 * counts, never a value). A --schema file says `order` itself; an input that cannot be sampled
 * (standard input, a pipe) is read day first.
 */
async function withDateOrders(definition: Record<string, FieldSpec>, req: SchemaRequest): Promise<string[]> {
  const notes: string[] = [];
  if (req.sampleColumn === undefined) return notes;
  for (const [field, spec] of Object.entries(definition)) {
    if (spec.kind !== 'date' || spec.order !== undefined) continue;
    const column = spec.column ?? field;
    const guess = guessDateOrder(await req.sampleColumn(column));
    if (guess.order === 'mdy') {
      definition[field] = { ...spec, order: 'mdy' };
      notes.push(`  note: dates in "${column}" are read month first (${guess.monthFirst} of its first values can only be month first, none only day first)`);
    } else if (guess.monthFirst > 0) {
      notes.push(
        `  note: "${column}" has dates written day first (${guess.dayFirst}) and month first (${guess.monthFirst}) in its first values: read day first; a --schema field with "order": "mdy" reads them month first`,
      );
    }
  }
  return notes;
}

/**
 * A schema reads every file of a run with one date order per field (the left file's guess, or
 * --schema's), a register's claims with the register's: a file whose date column's first
 * values can only be written the other way gets a note — its dates with a day above 12 would be
 * unusable and the rest read with day and month swapped — so that one file's dates can be
 * rewritten. Column names and counts only, never a value.
 * @param columnOf the file's column for a field
 * @param whose    how the note names the file's column ("the right file's", "the claims'")
 * @param reader   what reads the file ("one schema reads both files", "the register reads claims")
 */
export async function dateOrderConflictNotes(
  schema: Schema,
  columnOf: (field: Schema['fields'][number]) => string,
  sampleColumn: (column: string) => Promise<readonly unknown[]>,
  whose: string,
  reader: string,
): Promise<string[]> {
  const notes: string[] = [];
  for (const f of schema.fields) {
    if (f.kind !== 'date') continue;
    const column = columnOf(f);
    const order = f.spec.order ?? 'dmy';
    const g = guessDateOrder(await sampleColumn(column));
    const against = order === 'dmy' ? g.monthFirst > 0 && g.dayFirst === 0 : g.dayFirst > 0 && g.monthFirst === 0;
    if (!against) continue;
    const theirs = order === 'dmy' ? 'month' : 'day';
    const count = order === 'dmy' ? g.monthFirst : g.dayFirst;
    notes.push(`  note: dates in ${whose} "${column}" look written ${theirs} first (${count} of its first values can only be), but ${reader} ${order === 'dmy' ? 'day' : 'month'} first: rewrite one file's dates to match`);
  }
  return notes;
}

/**
 * Stop a run whose CSV input was read as one column named by several known names joined by one
 * character (joinedHeaderDelimiter): INVALID_INPUT naming --delimiter and the character (column
 * names only). Every command's CSV input is checked: the schema's file, a link's right file, the
 * claims of authenticate.
 */
export function refuseJoinedHeader(headers: readonly string[], format: string | undefined, label: string): void {
  if (format !== 'csv' || headers.length !== 1) return;
  const joiner = joinedHeaderDelimiter(headers[0]!);
  if (joiner === null) return;
  throw new KhopError('INVALID_INPUT', `${label} was read as one column, whose name is several column names joined by "${joiner}": give --delimiter '${joiner}'`, {
    details: { delimiter: joiner },
  });
}

/**
 * The delimiter of a CSV read as one column because its delimiter is none the reader detects
 * (comma, semicolon, tab, pipe — csv-dialect.ts): an ASCII punctuation character that cuts the
 * header into at least two names the header guesser recognises (`so_cccd:ho_ten:ngay_sinh`).
 * Such a file read on gave one column guessed as one field and every row rejected as unusable.
 * Null when no character does (a real one-column file: `ho_ten`). `_ - . ( ) ' "` are parts of
 * names, never taken.
 */
export function joinedHeaderDelimiter(header: string): string | null {
  return splittingCharacter(header, 2);
}

/** Characters joinedHeaderDelimiter may take for a delimiter (never `_ - . ( ) ' "` or a space). */
const JOINER = /^[!#$%&*+,/:;<=>?@\\^`{|}~\t]$/;

/**
 * The first punctuation character (JOINER) that cuts `header` into non-empty parts of which at
 * least `known` are names the header guesser recognises (0: any two or more non-empty parts).
 */
function splittingCharacter(header: string, known = 0): string | null {
  const seen = new Set<string>();
  for (const c of header) {
    if (seen.has(c) || !JOINER.test(c)) continue;
    seen.add(c);
    const parts = header.split(c).map((p) => p.trim());
    if (parts.length < 2 || parts.some((p) => p === '')) continue;
    if (suggestColumnMapping(parts).filter((g) => g.kind !== null || g.field !== null).length >= known) return c;
  }
  return null;
}

/**
 * The guessed record-id columns whose values are national ID numbers, when no other column is
 * a national ID (at most one: the first such column).
 */
async function idColumnsHoldingIds(req: SchemaRequest): Promise<ReadonlySet<string>> {
  if (req.sampleColumn === undefined || valueLikeHeaderPositions(req.headers).length > 0) return new Set();
  const suggestions = suggestColumnMapping(req.headers);
  if (suggestions.some((s) => s.kind === 'nationalId' && s.field !== null && s.header !== req.idField && req.reserved?.find((r) => r.column === s.header) === undefined)) return new Set();
  for (const s of suggestions) {
    if (!isRecordIdLike(s, suggestions) || s.header === req.idField || req.reserved?.some((r) => r.column === s.header)) continue;
    if (looksLikeNationalIds(await req.sampleColumn(s.header))) return new Set([s.header]);
  }
  return new Set();
}

async function fromSchemaFile(path: string, req: SchemaRequest, lookup: HeaderLookup): Promise<SchemaChoice> {
  const definition = await readJsonFile(path, 'schema file', 'INVALID_SCHEMA');
  let schema = defineSchema(definition as Record<string, FieldSpec>);
  // A column named in another Unicode form than the header's ("Họ tên" composed, the header
  // decomposed): the field reads the header's spelling, the key its rows have.
  const respelled = schema.fields.filter((f) => {
    const found = lookup.find(f.column);
    return found !== undefined && found !== f.column;
  });
  if (respelled.length > 0) {
    const fixed: Record<string, FieldSpec> = Object.create(null) as Record<string, FieldSpec>;
    for (const [name, spec] of Object.entries(definition as Record<string, FieldSpec>)) {
      const field = respelled.find((f) => f.name === name);
      fixed[name] = field === undefined ? spec : { ...spec, column: lookup.find(field.column)! };
    }
    schema = defineSchema(fixed);
  }
  const notes: string[] = [];
  const missing = schema.fields.filter((f) => !lookup.has(f.column));
  if (missing.length > 0) {
    const list = missing.map((f) => `"${f.column}" (field "${f.name}")`).join(', ');
    if (req.strictColumns) {
      throw new KhopError('INVALID_SCHEMA', `schema columns not in the header of ${req.inputLabel}: ${list}`, {
        details: { problems: missing.map((f) => `column "${f.column}" of field "${f.name}" is not in the header`) },
      });
    }
    notes.push(`note: schema columns not in the first records of ${req.inputLabel}: ${list}`);
  }
  return { schema, idField: req.idField, notes };
}

async function fromMap(map: string, req: SchemaRequest, lookup: HeaderLookup): Promise<SchemaChoice> {
  // Checked against the header for every format (for NDJSON: the keys of its first records), since
  // a typo in --map must stop the run; --schema is the way to name keys those records lack.
  const mapping = parseMapArgument(map, req.headers, lookup);
  const suggestions = suggestColumnMapping(req.headers);
  const byHeader = new Map(suggestions.map((s) => [s.header, s]));
  // Null prototype: `--map __proto__=gioi_tinh` must be an own field that defineSchema refuses,
  // not an assignment that replaces this object's prototype and drops the field unseen.
  const definition: Record<string, FieldSpec> = Object.create(null) as Record<string, FieldSpec>;
  const unknown: string[] = [];
  const lines: string[] = [];
  for (const field of Object.keys(mapping)) {
    const column = mapping[field]!;
    const kind = FIELD_NAME_KINDS[field] ?? byHeader.get(column)?.kind ?? suggestColumnMapping([field])[0]?.kind ?? null;
    if (kind === null) {
      unknown.push(field);
      continue;
    }
    definition[field] = { kind, column };
    lines.push(mappingLine(column, `${field} (${kind})`));
  }
  if (unknown.length > 0) {
    throw new KhopError(
      'INVALID_ARGUMENT',
      `--map: cannot tell the kind of field ${unknown.map((f) => `"${f}"`).join(', ')}; use a known field name (${Object.keys(FIELD_NAME_KINDS).join(', ')}) or --schema`,
    );
  }
  const dateNotes = await withDateOrders(definition, req);
  const schema = defineSchema(definition);
  return { schema, idField: req.idField, notes: ['column mapping (from --map):', ...lines, ...dateNotes, ...idLine(req.idField, false, req.positionalId)] };
}

/** A column the guesser reads as a record id, or as a look-alike of one (`id` beside `stt`). */
function isRecordIdLike(s: ColumnSuggestion, all: readonly ColumnSuggestion[]): boolean {
  return s.field === RECORD_ID_FIELD || (s.field === null && s.sameAs !== undefined && all[s.sameAs - 1]?.field === RECORD_ID_FIELD);
}

async function fromHeader(req: SchemaRequest, idNumbers: ReadonlySet<string>): Promise<SchemaChoice> {
  const valueLike = valueLikeHeaderPositions(req.headers);
  if (valueLike.length > 0) {
    throw new KhopError('INVALID_INPUT', `${req.inputLabel}: ${valueLikeNote(valueLike)}`, { details: { columns: valueLike } });
  }
  const suggestions = suggestColumnMapping(req.headers);
  const definition: Record<string, FieldSpec> = {};
  const lines: string[] = [];
  let idField = req.idField;
  let idGuessed = false;
  for (const s of suggestions) {
    if (s.header === req.idField) continue;
    const reserved = req.reserved?.find((r) => r.column === s.header);
    if (reserved !== undefined) {
      lines.push(mappingLine(s.header, reserved.use));
      continue;
    }
    if (idNumbers.has(s.header) && isRecordIdLike(s, suggestions) && definition['id'] === undefined) {
      definition['id'] = { kind: 'nationalId', column: s.header };
      lines.push(mappingLine(s.header, 'id (nationalId) (its values are ID numbers, not record ids)'));
      continue;
    }
    // `id,stt` with `id` holding ID numbers: the look-alike `stt` is the record id after all.
    const recordIdAfterAll = s.field === null && s.sameAs !== undefined && idNumbers.has(suggestions[s.sameAs - 1]!.header);
    if (s.field === RECORD_ID_FIELD || recordIdAfterAll) {
      if (idField === undefined && req.noGuessedId !== undefined) lines.push(mappingLine(s.header, `not used (${req.noGuessedId})`));
      else if (idField === undefined) {
        idField = s.header;
        idGuessed = true;
      } else lines.push(mappingLine(s.header, 'not used (a record id; --id-field names another column)'));
      continue;
    }
    if (s.field === null || s.kind === null) {
      lines.push(mappingLine(s.header, notUsed(s, suggestions)));
      continue;
    }
    definition[s.field] = { kind: s.kind, column: s.header };
    lines.push(mappingLine(s.header, `${s.field} (${s.kind})`));
  }
  if (Object.keys(definition).length === 0) {
    const joiner = req.inputFormat === 'csv' && req.headers.length === 1 ? splittingCharacter(req.headers[0]!) : null;
    const hint = joiner === null ? '' : ` (it was read as one column: if its delimiter is "${joiner}", give --delimiter '${joiner}')`;
    throw new KhopError('INVALID_SCHEMA', `no column of ${req.inputLabel} was recognised as a person field; give --map or --schema${hint}`);
  }
  const unchecked: string[] = [];
  if (idGuessed && req.unsampled === true && !Object.values(definition).some((f) => f.kind === 'nationalId')) {
    const instead = req.inputLabel === STDIN_LABEL ? "the file's name instead of -" : 'a file instead of the pipe';
    unchecked.push(`  note: ${req.inputLabel} is not read twice, so the values of "${idField}" were not checked: if it holds ID numbers, give --map id=${idField},… (or ${instead})`);
  }
  const dateNotes = await withDateOrders(definition, req);
  let schema: Schema;
  try {
    schema = defineSchema(definition);
  } catch (e) {
    if (isKhopError(e)) throw new KhopError(e.code, `${e.message} (guessed from the header; give --map or --schema)`, { details: e.details ?? {}, cause: e });
    throw e;
  }
  return {
    schema,
    idField,
    idGuessed,
    notes: ['column mapping (guessed from the header; override with --map or --schema):', ...lines, ...dateNotes, ...idLine(idField, idGuessed, req.positionalId), ...unchecked],
  };
}

/** Why a column is not used: unrecognised, or a look-alike of a field another column got. */
function notUsed(s: ColumnSuggestion, all: readonly ColumnSuggestion[]): string {
  if (s.sameAs === undefined) return 'not used (not recognised)';
  // `recordId` and `id` side by side: `id` may well hold national ID numbers (khop's own
  // synthetic files do) — never guessed (a second surrogate key compared as an ID would score
  // every duplicate as two people), but said how to use it.
  if (all[s.sameAs - 1]?.field === RECORD_ID_FIELD) return `not used (a record id like column ${s.sameAs}; if it holds ID numbers, name it in --map or --schema)`;
  return `not used (same field as column ${s.sameAs})`;
}

function idLine(idField: string | undefined, guessed: boolean, positional = 'the row number'): string[] {
  if (idField === undefined) return [`  record id: ${positional} (give --id-field to use a column)`];
  return [mappingLine(idField, guessed ? 'record id (recognised; override with --id-field)' : 'record id (--id-field)')];
}

function mappingLine(column: string, what: string): string {
  return `  ${padEndDisplay(column, 18)} → ${what}`;
}
