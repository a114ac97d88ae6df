/**
 * The register's LEAN store layout for a schema: one compact column per field, plus the
 * per-record form byte and the record id. Nothing derived (folded text, phonetic keys, name
 * parts) is stored: it is recomputed from the normalised value at query time.
 *
 *   field kind                  store column          bytes per record (typical)
 *   nationalId                  <f>.id     float64    8   canonical digits as a number (national-id-input.ts);
 *                                                             a KEYED register: the 48-bit HMAC tag instead
 *   personName / given / family <f>.norm   utf8       4 + ~20   normalised, family · middle · given
 *                                                             (+ its written text when no style renders it:
 *                                                             written-form.ts)
 *   date                        <f>.date   int32      4   packed yyyymmdd, 0 = unknown part | written format << 27
 *   sex                         <f>.sex    uint8      1   code 1 male / 2 female | written form << 2
 *   category                    <f>.cat    int32      4   code of the folded value (category-dictionary.ts)
 *   text                        <f>.fold   ascii      4 + length   folded (foldToAscii)
 *   identifier                  <f>.fold   ascii      4 + length   identifierForm (an address keeps its punctuation)
 *   (every record)              $form      uint8      1   name styles, record id type (written-form.ts)
 *   (every record)              $recordId  float64    8   input position, when there is no idField
 *                                          utf8       4 + length   String(record id), with idField
 *   + 1 null bit per column
 *
 * Column names follow src/pipeline/prepare.ts (`<field>.<form>`); the two per-record columns
 * start with `$`, which keeps them apart from any `<field>.<form>` name.
 *
 * PRIMARY fields: the first nationalId (the lookup ID — required), the first name-kind field
 * (a personName also feeds the "did you mean" key), the first date (date of birth: ID
 * consistency, "did you mean") and the first sex field. Every name and date field keeps its
 * written form (written-form.ts): the first three name fields' styles are in the form byte.
 */
import { missingValuesOf, type MissingValues } from '../text/missing-values.js';
import type { ColumnSpec } from '../block/record-store.js';
import { KhopError } from '../errors.js';
import type { KeyedIdHasher } from '../hash/keyed-id-hash.js';
import type { FieldKind, Schema } from '../schema.js';
import { resolveDateOptions, type ResolvedDateOptions } from '../text/date.js';
import type { RegisterNameLocale } from './person-name-form.js';
import { NAME_SLOTS } from './written-form.js';

/** Field families that share a comparison (outcome table). */
export type FieldGroup = 'id' | 'name' | 'date' | 'sex' | 'other';

/** How one schema field is stored and compared. */
export interface FieldPlan {
  /** Position in the schema = comparison index in the model. */
  readonly index: number;
  readonly name: string;
  /** Input column (rows and claims). */
  readonly column: string;
  readonly kind: FieldKind;
  readonly group: FieldGroup;
  readonly primary: boolean;
  /** Store column index. */
  readonly storeColumn: number;
  /** Names: how tokens are ordered and keyed. */
  readonly locale: RegisterNameLocale;
  /** Dates: the schema's parse options, resolved (parseDateWith). */
  readonly dateOptions: ResolvedDateOptions | undefined;
  /** Other: an identifier is stored as identifierForm (src/text/identifier-form.ts). */
  readonly identifier: boolean;
  /** Other: a category, stored as a dictionary code. */
  readonly category: boolean;
  /**
   * IDs of a KEYED register: the hasher whose 48-bit tag the `<f>.id` column holds instead of
   * the ID number (keyed-id-hash.ts); null for an unkeyed register and for other kinds.
   */
  readonly keyed: KeyedIdHasher | null;
  /** Names and other text fields: the schema's placeholders, read as missing (missing-values.ts); else null. */
  readonly missing: MissingValues | null;
  /**
   * Names: the slot of the form byte holding the field's written style (its place among the
   * schema's name fields, 0 .. NAME_SLOTS − 1), or −1 when the style is in the cell (written-form.ts).
   * −1 for other kinds.
   */
  readonly nameSlot: number;
}

export interface RegisterLayout {
  readonly fields: readonly FieldPlan[];
  readonly columns: readonly ColumnSpec[];
  readonly id: FieldPlan;
  readonly name: FieldPlan | null;
  /** The primary personName (the "did you mean" key needs family + given parts). */
  readonly fullName: FieldPlan | null;
  readonly date: FieldPlan | null;
  readonly sex: FieldPlan | null;
  readonly formColumn: number;
  readonly recordIdColumn: number;
  /** 'float64' (input position) or 'utf8' (String of the idField value). */
  readonly recordIdType: 'float64' | 'utf8';
  /** The ID hasher of a keyed register, or null (see FieldPlan.keyed). */
  readonly keyed: KeyedIdHasher | null;
}

export const FORM_COLUMN = '$form';
export const RECORD_ID_COLUMN = '$recordId';

function groupOf(kind: FieldKind): FieldGroup {
  switch (kind) {
    case 'nationalId':
      return 'id';
    case 'personName':
    case 'givenName':
    case 'familyName':
      return 'name';
    case 'date':
      return 'date';
    case 'sex':
      return 'sex';
    default:
      return 'other';
  }
}

/**
 * The layout of a schema.
 * @throws KhopError INVALID_SCHEMA when the schema has no nationalId field.
 */
export function registerLayout(schema: Schema, hasIdField: boolean, keyed: KeyedIdHasher | null = null): RegisterLayout {
  const columns: ColumnSpec[] = [];
  const fields: FieldPlan[] = [];
  const seen = new Set<FieldGroup>();
  let names = 0;
  schema.fields.forEach((f, index) => {
    const group = groupOf(f.kind);
    const primary = !seen.has(group);
    seen.add(group);
    let type: ColumnSpec['type'];
    let suffix: string;
    switch (group) {
      case 'id':
        type = 'float64';
        suffix = 'id';
        break;
      case 'name':
        type = 'utf8';
        suffix = 'norm';
        break;
      case 'date':
        type = 'int32';
        suffix = 'date';
        break;
      case 'sex':
        type = 'uint8';
        suffix = 'sex';
        break;
      default:
        type = f.kind === 'category' ? 'int32' : 'ascii';
        suffix = f.kind === 'category' ? 'cat' : 'fold';
    }
    const storeColumn = columns.length;
    columns.push({ name: `${f.name}.${suffix}`, type });
    fields.push(
      Object.freeze({
        index,
        name: f.name,
        column: f.column,
        kind: f.kind,
        group,
        primary,
        storeColumn,
        locale: f.spec.locale === 'generic' ? 'generic' : 'vi',
        dateOptions: group === 'date' ? resolveDateOptions(f.spec) : undefined, // the spec's order / years / excelSerial
        identifier: f.kind === 'identifier',
        category: f.kind === 'category',
        keyed: group === 'id' ? keyed : null,
        missing: group === 'name' || group === 'other' ? missingValuesOf(f.spec) : null,
        nameSlot: group !== 'name' ? -1 : names < NAME_SLOTS ? names++ : -1,
      }),
    );
  });
  const id = fields.find((p) => p.group === 'id' && p.primary);
  if (id === undefined) {
    throw new KhopError('INVALID_SCHEMA', 'a register needs a nationalId field in its schema', {
      details: { problems: ['schema has no nationalId field'] },
    });
  }
  const formColumn = columns.length;
  columns.push({ name: FORM_COLUMN, type: 'uint8' });
  const recordIdColumn = columns.length;
  const recordIdType = hasIdField ? 'utf8' : 'float64';
  columns.push({ name: RECORD_ID_COLUMN, type: recordIdType });
  const primaryOf = (g: FieldGroup): FieldPlan | null => fields.find((p) => p.group === g && p.primary) ?? null;
  const name = primaryOf('name');
  return {
    fields,
    columns,
    id,
    name,
    fullName: fields.find((p) => p.kind === 'personName') ?? null,
    date: primaryOf('date'),
    sex: primaryOf('sex'),
    formColumn,
    recordIdColumn,
    recordIdType,
    keyed,
  };
}
