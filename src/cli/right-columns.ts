/**
 * `khop link`: where each schema field is in the RIGHT file. Two databases seldom share a header
 * (a sector file's `so_cccd, ho_ten` against a register extract's `so_dinh_danh, hoten`), while
 * the library's link() reads one schema — one column per field — on both sides; the command line
 * renames the right file's columns to the schema's as its rows stream in (`renameRows`).
 *
 * Each field's right column, first rule that applies:
 *   1. --map-right PAIRS: field=column pairs naming the schema's fields (the field names of
 *      --map, of the guessed mapping, or the keys of --schema); every column must be in the
 *      right file's header;
 *   2. the field's own (left) column, when the right file's header has it;
 *   3. guessed from the right file's header (suggestColumnMapping): the column the guesser gives
 *      the same field name (`id`, `name`, `dob`…); else the one column of the field's kind when
 *      the field is the only unresolved one of that kind;
 *   otherwise the run stops (a usage error naming the fields and --map-right) — for CSV and
 *   Parquet; NDJSON's header is the keys of its first records, so there a field left over keeps
 *   its own column and is noted, as a missing schema column of the left file is.
 * The record id: --id-field-right, else the left's record-id column when the right header has
 * it, else the column the guesser reads as a record id — never a column a field reads, nor one
 * whose first values are national ID numbers (looksLikeNationalIds); a left run numbered by row
 * has none. When the left's record-id column is itself a field's column (`--id-field so_cccd`),
 * the right's is that field's right column: one cell of a renamed row holds both.
 * Guessed columns are printed on stderr like the left file's mapping. Messages name fields,
 * columns and files — never a value.
 */
import { caseMatchNotes, HeaderLookup } from '../io/header-lookup.js';
import { KhopError } from '../errors.js';
import type { RecordValues } from '../io/record-types.js';
import { TAKE_PIECE_FILE, type PieceFileRows } from '../io/file-pieces.js';
import { parseMapArgument, suggestColumnMapping, valueLikeHeaderPositions, valueLikeNote } from '../io/column-mapping.js';
import { looksLikeNationalIds, noColumnsError } from './schema-loading.js';
import type { Schema } from '../schema.js';
import { padEndDisplay } from './text-width.js';

/** The field name the guesser gives a record-id column (schema-loading.ts). */
const RECORD_ID_FIELD = 'recordId';

export interface RightColumnsRequest {
  readonly schema: Schema;
  /** The left file's record-id column (--id-field or guessed); undefined: row numbers. */
  readonly idField: string | undefined;
  /** The left's record-id column was guessed: without a counterpart, both sides go by row number. */
  readonly idGuessed?: boolean;
  /** --map-right argument. */
  readonly mapRight?: string | undefined;
  /** --id-field-right column. */
  readonly idFieldRight?: string | undefined;
  readonly headers: readonly string[];
  readonly label: string;
  /** The right file's format ('csv', 'ndjson', 'parquet'), for the message of a file without columns. */
  readonly format?: string;
  /** CSV and Parquet: the header lists every column (a missing one stops the run). */
  readonly strictColumns: boolean;
  /** The first values of a right column (InputFile.sampleColumn); absent: not looked at. */
  readonly sampleColumn?: (column: string) => Promise<readonly unknown[]>;
  /** The right file could not be sampled (standard input, a pipe): a guessed record id is noted as unchecked. */
  readonly unsampled?: boolean;
}

export interface RightColumns {
  /** Schema column → the right file's column, for every field (identity entries included). */
  readonly columns: ReadonlyMap<string, string>;
  /** The right file's record-id column (undefined: none, as on the left). */
  readonly idField: string | undefined;
  /** The left's guessed record-id column has no counterpart on the right: neither side uses one. */
  readonly dropLeftId: boolean;
  /** False when every field and the id are read from the same column names as on the left. */
  readonly renamed: boolean;
  /** Lines for stderr. */
  readonly notes: readonly string[];
}

/** Resolve the right file's columns (see the file header). @throws KhopError (exit code 2). */
export async function rightColumns(req: RightColumnsRequest): Promise<RightColumns> {
  // An empty right file is refused as the left is — an NDJSON one too: it went on to "need at
  // least one usable record on each side", which reads as a data problem, not an empty file.
  if (req.headers.length === 0) throw noColumnsError(req.label, req.format);
  // Columns found in any Unicode form, or in other letter case when one header alone matches so
  // (said in a note), read in the header's spelling (header-lookup.ts).
  const have = new HeaderLookup(req.headers, req.label);
  const fields = req.schema.fields;
  const byName = new Map(fields.map((f) => [f.name, f]));
  const columns = new Map<string, string>();
  const lines: string[] = [];
  const from = new Map<string, 'map' | 'same' | 'guessed'>();

  if (req.mapRight !== undefined) {
    let mapping: ReturnType<typeof parseMapArgument>;
    try {
      mapping = parseMapArgument(req.mapRight, req.headers, have);
    } catch (e) {
      if (e instanceof KhopError) throw new KhopError(e.code, `--map-right (the header of ${req.label}): ${e.message}`, { details: e.details ?? {}, cause: e });
      throw e;
    }
    const unknown = Object.keys(mapping).filter((name) => !byName.has(name));
    if (unknown.length > 0) {
      throw new KhopError(
        'INVALID_ARGUMENT',
        `--map-right: ${unknown.map((f) => `"${f}"`).join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of the schema; its fields: ${fields.map((f) => `"${f.name}"`).join(', ')}`,
      );
    }
    // One column, one field — as the schema refuses on the left ("already used by another
    // field"): a date read from the name column would make every right date missing, and the
    // run would end with fewer links and nothing but an issue count to say why.
    const fieldsOfColumn = new Map<string, string[]>();
    for (const name of Object.keys(mapping)) {
      const col = have.find(mapping[name]!) ?? mapping[name]!;
      fieldsOfColumn.set(col, [...(fieldsOfColumn.get(col) ?? []), name]);
    }
    const shared = [...fieldsOfColumn].filter(([, names]) => names.length > 1);
    if (shared.length > 0) {
      throw new KhopError(
        'INVALID_ARGUMENT',
        `--map-right: ${shared.map(([col, names]) => `column "${col}" is named for the fields ${names.map((n) => `"${n}"`).join(' and ')}`).join('; ')}; a column of ${req.label} can be read by one field only`,
      );
    }
    for (const name of Object.keys(mapping)) {
      columns.set(byName.get(name)!.column, mapping[name]!);
      from.set(name, 'map');
    }
  }
  const mapped = new Set(columns.values());
  for (const f of fields) {
    const same = from.has(f.name) ? undefined : have.find(f.column);
    if (same !== undefined && !mapped.has(same)) {
      columns.set(f.column, same);
      from.set(f.name, 'same');
    }
  }

  let missing = fields.filter((f) => !from.has(f.name));
  if (missing.length > 0 && req.headers.length > 0 && valueLikeHeaderPositions(req.headers).length === 0) {
    const used = new Set(columns.values());
    const suggestions = suggestColumnMapping(req.headers).filter((s) => s.field !== null && s.kind !== null && s.field !== RECORD_ID_FIELD && !used.has(s.header));
    for (const f of missing) {
      let pick = suggestions.find((s) => s.field === f.name && !used.has(s.header));
      if (pick === undefined && missing.filter((g) => g.kind === f.kind).length === 1) {
        const ofKind = suggestions.filter((s) => s.kind === f.kind && !used.has(s.header));
        if (ofKind.length === 1) pick = ofKind[0];
      }
      if (pick === undefined) continue;
      used.add(pick.header);
      columns.set(f.column, pick.header);
      from.set(f.name, 'guessed');
    }
    // A national ID still without a column: a column read as a record id (`id`) whose first
    // values are ID numbers is it (as on the left: schema-loading.ts).
    const id = fields.filter((f) => !from.has(f.name) && f.kind === 'nationalId');
    if (id.length === 1 && req.sampleColumn !== undefined) {
      for (const s of suggestColumnMapping(req.headers)) {
        if (s.field !== RECORD_ID_FIELD || used.has(s.header)) continue;
        if (!looksLikeNationalIds(await req.sampleColumn(s.header))) continue;
        used.add(s.header);
        columns.set(id[0]!.column, s.header);
        from.set(id[0]!.name, 'guessed');
        break;
      }
    }
    missing = fields.filter((f) => !from.has(f.name));
  }
  if (missing.length > 0) {
    const list = missing.map((f) => `"${f.column}" (field "${f.name}")`).join(', ');
    if (req.strictColumns) {
      const valueLike = valueLikeHeaderPositions(req.headers);
      const why = valueLike.length > 0 ? `; ${req.label}: ${valueLikeNote(valueLike)}` : '';
      throw new KhopError(
        'INVALID_SCHEMA',
        `columns not in the header of ${req.label}: ${list}; name the right file's columns with --map-right field=column${why}`,
        { details: { fields: missing.map((f) => f.name) } },
      );
    }
    for (const f of missing) columns.set(f.column, f.column);
    lines.push(`  note: not in the first records of ${req.label}: ${list}`);
  }

  let idField: string | undefined;
  let dropLeftId = false;
  const idNote: string[] = [];
  try {
    idField = await rightIdField(req, have, columns, fields);
  } catch (e) {
    // A record id the user did not ask for is not worth stopping the run: row numbers on both sides.
    if (!(req.idGuessed === true && req.idFieldRight === undefined && e instanceof KhopError)) throw e;
    dropLeftId = true;
    idNote.push(`  record id: the row number on both sides (the left's "${req.idField}" has no counterpart in ${req.label}; give --id-field and --id-field-right to use columns)`);
  }
  if (req.unsampled === true && idField !== undefined && idField !== req.idField && idField !== req.idFieldRight && !fields.some((f) => columns.get(f.column) === idField)) {
    idNote.push(`  note: ${req.label} is not read twice, so the values of "${idField}" were not checked: if it holds ID numbers, give --map-right id=${idField} and --id-field-right`);
  }
  let renamed = idField !== (dropLeftId ? undefined : req.idField);
  for (const [left, right] of columns) if (left !== right) renamed = true;
  if (renamed) {
    lines.unshift(`right file ${req.label}: columns`);
    for (const f of fields) {
      const how = from.get(f.name);
      const col = columns.get(f.column)!;
      lines.push(`  ${padEndDisplay(col, 18)} → ${f.name} (${f.kind})${how === 'guessed' ? ' (guessed; override with --map-right)' : how === 'map' ? ' (--map-right)' : ''}`);
    }
    if (idField !== undefined) lines.push(`  ${padEndDisplay(idField, 18)} → record id${req.idFieldRight !== undefined ? ' (--id-field-right)' : idField === req.idField ? '' : ' (recognised; override with --id-field-right)'}`);
  }
  const read = new Set(columns.values());
  const caseNotes = caseMatchNotes(have, req.label, (h) => read.has(h) || h === idField);
  return { columns, idField, dropLeftId, renamed, notes: [...lines, ...idNote, ...caseNotes] };
}

async function rightIdField(req: RightColumnsRequest, have: HeaderLookup, columns: ReadonlyMap<string, string>, fields: Schema['fields']): Promise<string | undefined> {
  if (req.idFieldRight !== undefined && req.idField === undefined) {
    throw new KhopError('INVALID_ARGUMENT', '--id-field-right needs a record-id column on the left too: give --id-field');
  }
  // The left's record id is a field's column: the right's is that field's right column.
  const shared = req.idField === undefined ? undefined : fields.find((f) => f.column === req.idField);
  if (shared !== undefined) {
    const col = columns.get(shared.column)!;
    if (req.idFieldRight !== undefined && req.idFieldRight !== col) {
      throw new KhopError('INVALID_ARGUMENT', `--id-field-right: the left's record-id column "${req.idField}" is also the column of the field "${shared.name}", so the right's must be that field's column "${col}"`);
    }
    return col;
  }
  if (req.idFieldRight !== undefined) {
    const found = have.find(req.idFieldRight);
    if (req.strictColumns && found === undefined) {
      throw new KhopError('INVALID_ARGUMENT', `--id-field-right: column "${req.idFieldRight}" is not in the header of ${req.label}`);
    }
    return found ?? req.idFieldRight;
  }
  const used = new Set(columns.values());
  if (req.idField === undefined) return undefined;
  const sameId = have.find(req.idField) ?? req.idField;
  if ((have.has(req.idField) || !req.strictColumns) && !used.has(sameId)) return sameId;
  const guessed = valueLikeHeaderPositions(req.headers).length > 0 ? [] : suggestColumnMapping(req.headers).filter((s) => s.field === RECORD_ID_FIELD && !used.has(s.header));
  if (guessed.length === 1 && (req.sampleColumn === undefined || !looksLikeNationalIds(await req.sampleColumn(guessed[0]!.header)))) return guessed[0]!.header;
  throw new KhopError('INVALID_ARGUMENT', `record id: column "${req.idField}" is not in the header of ${req.label}${used.has(req.idField) ? ' as a record id (a field reads it)' : ''}; name the right file's record-id column with --id-field-right`);
}

/**
 * The right file's rows under the schema's column names: each row a new object holding the
 * schema columns (and the record id under the left's id column) read from the right file's
 * columns. Rows pass through unchanged when nothing is renamed.
 */
export function renameRows(rows: AsyncIterable<RecordValues> & Partial<PieceFileRows>, map: RightColumns, leftIdField: string | undefined): AsyncIterable<RecordValues> & Partial<PieceFileRows> {
  if (!map.renamed) return rows;
  const pairs = [...map.columns];
  // A record-id column that is not a field's (when it is, the field's pair fills it).
  if (leftIdField !== undefined && map.idField !== undefined && !map.columns.has(leftIdField)) pairs.push([leftIdField, map.idField]);
  const renamed: AsyncIterable<RecordValues> & Partial<PieceFileRows> = {
    async *[Symbol.asyncIterator]() {
      for await (const values of rows) {
        // No prototype: a column named __proto__ is an ordinary property, as the readers make it.
        const out = Object.create(null) as Record<string, unknown>;
        for (const [to, fromColumn] of pairs) if (Object.hasOwn(values, fromColumn)) out[to] = values[fromColumn];
        yield out as RecordValues;
      }
    },
  };
  // A CSV or NDJSON file handed over to a pipeline that reads it in pieces: read under the same names.
  const take = rows[TAKE_PIECE_FILE];
  if (take !== undefined) {
    renamed[TAKE_PIECE_FILE] = (minBytes: number) => {
      const taken = take.call(rows, minBytes);
      return taken === null ? null : { ...taken, columns: new Map(pairs) };
    };
  }
  return renamed;
}

/**
 * A right row's rejection reason with the right file's column names: the pipeline read the
 * renamed row, so its reasons name the schema's (left) columns — `column "stt"` for the right
 * file's `ma`.
 */
export function rightColumnNames(reason: string, map: RightColumns, leftIdField: string | undefined): string {
  if (!map.renamed) return reason;
  const names = new Map<string, string>();
  for (const [left, right] of map.columns) if (left !== right) names.set(left, right);
  if (leftIdField !== undefined && map.idField !== undefined && leftIdField !== map.idField && !map.columns.has(leftIdField)) names.set(leftIdField, map.idField);
  // Literal names, as the pipeline writes them (`column "<name>"`, no escaping); one pass, so a
  // name mapped to another schema column's name is not mapped twice.
  const from = [...names.keys()].sort((a, b) => b.length - a.length);
  let out = '';
  for (let i = 0; i < reason.length; ) {
    const hit = reason.startsWith('column "', i) ? from.find((n) => reason.startsWith(`column "${n}"`, i)) : undefined;
    if (hit === undefined) {
      out += reason[i++];
      continue;
    }
    out += `column "${names.get(hit)}"`;
    i += hit.length + 9;
  }
  return out;
}
