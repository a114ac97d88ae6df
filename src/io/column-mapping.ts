/**
 * Column mapping: guess which schema field each input column holds from its header name
 * (`suggestColumnMapping`), and parse the command line's explicit `--map name=ho_ten,…`
 * (`parseMapArgument`).
 *
 * Header names are compared in a folded form: NFD, combining marks removed, đ → d, lower
 * case, every non-alphanumeric character removed — so `Họ và tên`, `HO_VA_TEN`, `ho va ten`
 * and `hovaten` are the same key. Matching, strongest first:
 *   exact    the whole folded header is a known name (table below);
 *   partial  a run of the header's words is a known name (`patient_date_of_birth` → dob,
 *            `NgaySinhBenhNhan` → dob by its Vietnamese stem `ngaysinh`).
 * Each field is given to one column only: exact beats partial, then the leftmost column wins;
 * a later column that looks like a taken field gets `field: null` and `sameAs` (the position
 * of the column that got it). Two context rules: `ten` (Vietnamese "given name", but also used
 * alone for the full name) is a given name when a family-name column (`ho`, `surname`…) exists,
 * else the full name; `cmnd` (old 9-digit ID) is the `id` unless a CCCD column exists, then `oldId`.
 *
 * Trade-off: a fixed table, not fuzzy scoring — suggestions are printed for a human to accept,
 * and a wrong confident guess (`dob` inside `adobe`) is worse than none; so short English keys
 * (`id`, `dob`, `sex`, `name`) only match as whole words, never as substrings.
 *
 * A header name that looks like a data value (`valueLikeHeaderPositions`: five or more digits
 * and nothing but digits and digit grouping, a full date, a national ID, an e-mail address) means the file
 * probably has no header line: its first record was read as the header. The command line
 * refuses to guess from such a header (it would print the record's values and lose the
 * record), and the "did you mean" of `parseMapArgument` never names one. A month or a year
 * alone (`01/2024`, `2024`), a span (`2023-24`) or digits beside letters (`2024 income`,
 * `col12345x`) are names, not values.
 */
import { HeaderLookup } from './header-lookup.js';
import { KhopError } from '../errors.js';
import type { FieldKind } from '../schema.js';
import { parseDate } from '../text/date.js';
import { parseNationalId } from '../text/national-id.js';

/** A suggested schema field for one input column. */
export interface ColumnSuggestion {
  /** The header as given. */
  readonly header: string;
  /** 1-based column position. */
  readonly position: number;
  /** Suggested schema field name (unique among the suggestions), or null. */
  readonly field: string | null;
  /** Kind of the suggested (or, with `sameAs`, the look-alike) field; null when unrecognised. */
  readonly kind: FieldKind | null;
  /** How the header matched; null when unrecognised. */
  readonly confidence: 'exact' | 'partial' | null;
  /** The header looks like a field already given to the column at this position. */
  readonly sameAs?: number;
}

/** Field name → input column (header), as parsed from `--map`. Null prototype. */
export type ColumnMapping = Readonly<Record<string, string>>;

interface Known {
  field: string;
  kind: FieldKind;
  /** Field used instead when `field` is taken (cmnd → oldId). */
  alt?: string;
}

const K = (field: string, kind: FieldKind, alt?: string): Known => (alt === undefined ? { field, kind } : { field, kind, alt });
const ID = K('id', 'nationalId');
const OLD_ID = K('id', 'nationalId', 'oldId');
const NAME = K('name', 'personName');
const GIVEN = K('givenName', 'givenName');
const FAMILY = K('familyName', 'familyName');
const MIDDLE = K('middleName', 'text');
const DOB = K('dob', 'date');
const SEX = K('sex', 'sex');
const PROVINCE = K('province', 'category');
const CITY = K('city', 'category');
const DISTRICT = K('district', 'category');
const COMMUNE = K('commune', 'category');
const HOMETOWN = K('hometown', 'text');
const BIRTHPLACE = K('birthPlace', 'text');
const ADDRESS = K('address', 'text');
const ETHNICITY = K('ethnicity', 'category');
const NATIONALITY = K('nationality', 'category');
const EMAIL = K('email', 'identifier');
const PHONE = K('phone', 'identifier');
const RECORD_ID = K('recordId', 'identifier');
const SOCIAL_INSURANCE = K('socialInsuranceId', 'identifier');
const HEALTH_INSURANCE = K('healthInsuranceId', 'identifier');
const TAX_ID = K('taxId', 'identifier');
const SSN = K('ssn', 'identifier');
const POSTCODE = K('postcode', 'category');

/** Folded header names (see file header) → field. `ten` is resolved by context. */
const KNOWN: ReadonlyMap<string, Known> = new Map<string, Known>([
  // national ID: CCCD (12-digit personal ID) and CMND (old 9-digit card)
  ...['cccd', 'socccd', 'macccd', 'cancuoc', 'socancuoc', 'cancuoccongdan', 'socancuoccongdan', 'sodinhdanh', 'madinhdanh',
    'dinhdanh', 'sodinhdanhcanhan', 'madinhdanhcanhan', 'cccdcmnd', 'cmndcccd', 'socccdcmnd', 'socmndcccd', 'sogiayto',
    'sogiaytotuythan', 'nationalid', 'nationalidnumber', 'nid', 'citizenid', 'idnumber', 'idno', 'personalid',
    'personalidnumber', 'personalnumber', 'identitynumber', 'idcard', 'idcardnumber'].map((k) => [k, ID] as const),
  ...['cmnd', 'socmnd', 'chungminhnhandan', 'sochungminhnhandan', 'chungminhthu', 'socmt', 'cmt'].map((k) => [k, OLD_ID] as const),
  // names
  ...['hoten', 'hovaten', 'hotendaydu', 'tendaydu', 'hotenkhaisinh', 'fullname', 'name', 'personname', 'tenkhachhang',
    'hotenkhachhang', 'hotenbenhnhan', 'hotennguoidan'].map((k) => [k, NAME] as const),
  ...['firstname', 'givenname', 'forename', 'fname', 'tenrieng', 'tengoi'].map((k) => [k, GIVEN] as const),
  ...['ho', 'surname', 'lastname', 'familyname', 'lname', 'hoho'].map((k) => [k, FAMILY] as const),
  ...['tendem', 'dem', 'middlename', 'middle'].map((k) => [k, MIDDLE] as const),
  // date of birth (year-only columns too: the date parser takes a year)
  ...['ngaysinh', 'ngaythangnamsinh', 'ngaythangsinh', 'namsinh', 'sinhngay', 'dob', 'dateofbirth', 'birthdate', 'birthday',
    'yob', 'yearofbirth', 'birthyear', 'dateborn'].map((k) => [k, DOB] as const),
  ...['gioitinh', 'gioi', 'phai', 'sex', 'gender'].map((k) => [k, SEX] as const),
  // places
  ...['tinh', 'tinhthanh', 'tinhthanhpho', 'tinhtp', 'matinh', 'tentinh', 'province', 'provincecode', 'state'].map((k) => [k, PROVINCE] as const),
  ...['city', 'thanhpho', 'town', 'suburb', 'locality'].map((k) => [k, CITY] as const),
  // a postcode is shared by a whole area: a category (exact or not, its own blocking with the
  // date), not an identifier — an identifier's exact-value rule would pair the whole area
  ...['postcode', 'postalcode', 'zip', 'zipcode', 'postcodes', 'mabuuchinh'].map((k) => [k, POSTCODE] as const),
  ...['huyen', 'quanhuyen', 'quan', 'mahuyen', 'district'].map((k) => [k, DISTRICT] as const),
  ...['xa', 'phuongxa', 'xaphuong', 'phuong', 'maxa', 'commune', 'ward'].map((k) => [k, COMMUNE] as const),
  ...['quequan', 'nguyenquan', 'hometown', 'placeoforigin'].map((k) => [k, HOMETOWN] as const),
  ...['noisinh', 'noidangkykhaisinh', 'birthplace', 'placeofbirth'].map((k) => [k, BIRTHPLACE] as const),
  ...['diachi', 'diachithuongtru', 'thuongtru', 'noithuongtru', 'diachihientai', 'noiohientai', 'choohientai', 'noio',
    'diachilienhe', 'address', 'addr', 'streetaddress', 'homeaddress', 'residence'].map((k) => [k, ADDRESS] as const),
  ...['dantoc', 'ethnicity', 'ethnic'].map((k) => [k, ETHNICITY] as const),
  ...['quoctich', 'nationality', 'citizenship'].map((k) => [k, NATIONALITY] as const),
  // contact and other identifiers
  ...['email', 'emailaddress', 'thudientu', 'mail'].map((k) => [k, EMAIL] as const),
  ...['phone', 'phonenumber', 'mobile', 'mobilephone', 'sdt', 'sodienthoai', 'dienthoai', 'didong', 'sodidong', 'tel',
    'telephone', 'msisdn'].map((k) => [k, PHONE] as const),
  ...['id', 'uniqueid', 'recid', 'recordid', 'rowid', 'stt', 'uid', 'key', 'pk'].map((k) => [k, RECORD_ID] as const),
  ...['sobhxh', 'mabhxh', 'masobhxh', 'sosobhxh', 'socialinsurancenumber'].map((k) => [k, SOCIAL_INSURANCE] as const),
  ...['sothebhyt', 'mabhyt', 'bhyt', 'sobhyt', 'mathebhyt', 'healthinsurancenumber'].map((k) => [k, HEALTH_INSURANCE] as const),
  ...['masothue', 'mst', 'taxid', 'taxcode', 'tin'].map((k) => [k, TAX_ID] as const),
  // other countries' personal numbers: identifiers (exact, typo, transposition), not the
  // Vietnamese nationalId, whose parser would read them as invalid
  ...['ssn', 'socsecid', 'socsecno', 'socsecnumber', 'socialsecurityid', 'socialsecuritynumber', 'socialsecurityno', 'nino',
    'nationalinsurancenumber', 'nhsnumber', 'medicarenumber'].map((k) => [k, SSN] as const),
]);

/**
 * Known names that are one Vietnamese syllable: inside a longer header they are usually part of
 * another word — `ma_ho_so` (hồ sơ, a file number), `so_ho_khau` and `chu_ho` (hộ, household),
 * `tinh_trang` (tình trạng, a status), `tin_nhan` (a message) — so they match only as the whole
 * header (`ho`, `tinh`). Guessed as a field, such a column was compared as a family name: no
 * claim was VERIFIED.
 */
const SYLLABLE_KEYS: ReadonlySet<string> = new Set(['ho', 'ten', 'dem', 'gioi', 'phai', 'tinh', 'quan', 'huyen', 'xa', 'phuong', 'tin', 'noio']);

/** Distinctive multi-syllable Vietnamese stems, matched as substrings for `partial` matches. */
const STEMS: ReadonlyArray<readonly [string, Known]> = [
  ['cancuoc', ID],
  ['dinhdanh', ID],
  ['cccd', ID],
  ['cmnd', OLD_ID],
  ['chungminh', OLD_ID],
  ['ngaysinh', DOB],
  ['namsinh', DOB],
  ['gioitinh', SEX],
  ['hovaten', NAME],
  ['hoten', NAME],
  ['quequan', HOMETOWN],
  ['nguyenquan', HOMETOWN],
  ['noisinh', BIRTHPLACE],
  ['diachi', ADDRESS],
  ['thuongtru', ADDRESS],
  ['sodienthoai', PHONE],
  ['dienthoai', PHONE],
  ['tinhthanh', PROVINCE],
  ['bhxh', SOCIAL_INSURANCE],
  ['bhyt', HEALTH_INSURANCE],
];

/** Fold a header: NFD, drop combining marks, đ → d, lower-case, keep [a-z0-9] only. */
export function foldHeader(header: string): string {
  return tokenize(header).join('');
}

/** Folded words of a header: split at non-alphanumerics and at camelCase humps. */
function tokenize(header: string): string[] {
  const s = header.normalize('NFD');
  const tokens: string[] = [];
  let cur = '';
  let prevLower = false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x300 && c <= 0x36f) continue; // combining diacritical mark
    if (c === 0x110 || c === 0x111 || c === 0xd0) c = prevLower || cur === '' ? 0x64 : 0x44; // Đ đ Ð → d (case kept for humps)
    const upper = c >= 0x41 && c <= 0x5a;
    const lower = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (!upper && !lower) {
      if (cur !== '') tokens.push(cur);
      cur = '';
      prevLower = false;
      continue;
    }
    if (upper && prevLower && cur !== '') {
      tokens.push(cur); // camelCase hump: dateOfBirth → date | of | birth
      cur = '';
    }
    cur += String.fromCharCode(upper ? c + 32 : c); // ASCII lower-case: +32 ('A' 0x41 → 'a' 0x61)
    prevLower = lower;
  }
  if (cur !== '') tokens.push(cur);
  return tokens;
}

interface Guess {
  known: Known;
  confidence: 'exact' | 'partial';
}

function guess(header: string): Guess | null {
  const tokens = tokenize(header);
  if (tokens.length === 0) return null;
  const whole = tokens.join('');
  const exact = KNOWN.get(whole);
  if (exact !== undefined) return { known: exact, confidence: 'exact' };
  // longest run of whole words that is a known name — not one Vietnamese syllable alone
  for (let len = tokens.length - 1; len >= 1; len--) {
    for (let start = 0; start + len <= tokens.length; start++) {
      if (len === 1 && SYLLABLE_KEYS.has(tokens[start]!)) continue;
      const k = KNOWN.get(tokens.slice(start, start + len).join(''));
      if (k !== undefined && k !== RECORD_ID) return { known: k, confidence: 'partial' };
    }
  }
  for (const [stem, k] of STEMS) if (whole.includes(stem)) return { known: k, confidence: 'partial' };
  return null;
}

/**
 * Suggest a schema field and kind for each header (see file header for the rules).
 * @returns one suggestion per header, in header order.
 */
export function suggestColumnMapping(headers: readonly string[]): ColumnSuggestion[] {
  if (!Array.isArray(headers) || !headers.every((h) => typeof h === 'string')) {
    throw new KhopError('INVALID_ARGUMENT', 'suggestColumnMapping: expected an array of header names');
  }
  const guesses = headers.map(guess);
  const hasFamily = guesses.some((g) => g !== null && g.known === FAMILY);
  const hasCccd = guesses.some((g) => g !== null && g.known === ID);
  const tenIsGiven = hasFamily;
  for (let i = 0; i < headers.length; i++) {
    if (foldHeader(headers[i]!) === 'ten') guesses[i] = { known: tenIsGiven ? GIVEN : NAME, confidence: 'exact' };
  }
  // Assign fields: exact matches first, then partial; leftmost first within each.
  const owner = new Map<string, number>(); // field → index
  const field: Array<string | null> = headers.map(() => null);
  const sameAs: Array<number | undefined> = headers.map(() => undefined);
  for (const pass of ['exact', 'partial'] as const) {
    for (let i = 0; i < headers.length; i++) {
      const g = guesses[i];
      if (g == null || g.confidence !== pass) continue;
      let f = g.known.field;
      if (g.known.alt !== undefined && (hasCccd || owner.has(f))) f = g.known.alt;
      const taken = owner.get(f);
      if (taken === undefined) {
        owner.set(f, i);
        field[i] = f;
      } else {
        sameAs[i] = taken + 1;
      }
    }
  }
  return headers.map((header, i): ColumnSuggestion => {
    const g = guesses[i];
    const base = {
      header,
      position: i + 1,
      field: field[i]!,
      kind: g == null ? null : g.known.kind,
      confidence: g == null ? null : g.confidence,
    };
    return sameAs[i] === undefined ? base : { ...base, sameAs: sameAs[i]! };
  });
}

/** Least number of digits that makes a digits-only header a data value (an ID, a phone, a code). */
const VALUE_DIGITS = 5;

/**
 * Whether a header name looks like a data value rather than a column name: after trimming,
 * (a) only digits, grouped by spaces, dots or commas (a leading `+` allowed), at least
 * {@link VALUE_DIGITS} of them — an ID, a phone number, a record number, a compact date;
 * (b) a date `parseDate` accepts to the day (`29/05/2016`); or (c) an ID `parseNationalId`
 * accepts (full-width digits too); or (d) an e-mail address. A month or a year alone (`01/2024`, `2024-01`, `12.2020`,
 * `2024`) is a column name: exports of monthly figures (payroll, social insurance) name their
 * columns so, beside the person's own.
 */
export function headerLooksLikeValue(header: string): boolean {
  if (typeof header !== 'string') return false;
  const t = header.trim();
  if (t === '') return false;
  const date = parseDate(t);
  if (date.ok) return date.precision === 'day';
  let digits = 0;
  let other = false;
  for (let i = t.charCodeAt(0) === 0x2b ? 1 : 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (!(c === 0x20 || c === 0x2e || c === 0x2c)) {
      // not a space . , (digit grouping): a name such as `2023-24` or `2024 income`
      other = true;
      break;
    }
  }
  if (!other && digits >= VALUE_DIGITS) return true;
  return EMAIL_SHAPE.test(t) || parseNationalId(t).ok;
}

/** An e-mail address (something@domain.tld, no spaces): no export names a column so. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/** 1-based positions of the headers that look like data values ({@link headerLooksLikeValue}). */
export function valueLikeHeaderPositions(headers: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < headers.length; i++) if (headerLooksLikeValue(headers[i]!)) out.push(i + 1);
  return out;
}

/**
 * What to say about value-like headers (positions only, never the text): the first record was
 * probably read as the header.
 */
export function valueLikeNote(positions: readonly number[]): string {
  const shown = positions.slice(0, 10).join(', ') + (positions.length > 10 ? ` and ${positions.length - 10} more` : '');
  return `the header's column${positions.length === 1 ? '' : 's'} ${shown} look${positions.length === 1 ? 's' : ''} like a data value (a number, a date, an ID or an e-mail address), not a column name: is the header line missing? Add a header line, or give --schema or --map naming the columns`;
}

/**
 * Parse a `--map` argument: comma-separated `field=column` pairs. A column name containing
 * `,` `=` or surrounding spaces is written in double quotes (`name="Họ, tên"`, `""` for a quote).
 * With `headers`, every column must be one of them (in any Unicode form, and in other letter case
 * when one header alone matches so: the header's own spelling is returned, header-lookup.ts; the
 * error suggests the header that folds to the same key or is closest).
 * @param lookup the HeaderLookup of `headers` to find them with (default: a new one) — the
 *   caller's own, to read its `caseMatches` afterwards
 * @returns a null-prototype object field → column.
 * @throws KhopError('INVALID_ARGUMENT') listing every problem together (`details.problems`).
 */
export function parseMapArgument(argument: string, headers?: readonly string[], lookup?: HeaderLookup): ColumnMapping {
  if (typeof argument !== 'string') throw new KhopError('INVALID_ARGUMENT', 'parseMapArgument: expected a string like "name=ho_ten,dob=ngay_sinh"');
  if (headers !== undefined && !(Array.isArray(headers) && headers.every((h) => typeof h === 'string'))) {
    throw new KhopError('INVALID_ARGUMENT', 'parseMapArgument: headers must be an array of strings');
  }
  const problems: string[] = [];
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries = splitEntries(argument, problems);
  if (entries.length === 0 && problems.length === 0) problems.push('empty mapping: expected field=column pairs separated by commas');
  const have = headers === undefined ? null : (lookup ?? new HeaderLookup(headers));
  // A header holding a data value is probably a file's first record (no header line): then no
  // header is suggested — it would echo that record's values (a name beside an ID, too).
  const valueLike = headers === undefined ? [] : valueLikeHeaderPositions(headers);
  const seen = new Set<string>();
  entries.forEach(({ field, column, hasEquals }, k) => {
    const label = `entry ${k + 1}`;
    if (!hasEquals) {
      problems.push(`${label}: expected field=column, found no "="`);
      return;
    }
    if (field === '') problems.push(`${label}: empty field name before "="`);
    if (column === '') problems.push(`${label}: empty column name after "="`);
    if (field === '' || column === '') return;
    if (seen.has(field)) {
      problems.push(`${label}: field "${field}" is mapped more than once`);
      return;
    }
    seen.add(field);
    // The header's own spelling: "Họ tên" typed composed finds a header written decomposed (NFD).
    let found: string | undefined;
    try {
      found = have === null ? column : have.find(column);
    } catch (e) {
      // Two headers equal to it but for letter case: said with the other problems.
      if (!(e instanceof KhopError)) throw e;
      problems.push(`${label}: ${e.message}`);
      return;
    }
    if (found === undefined) {
      const hint = valueLike.length > 0 ? null : closestHeader(column, headers!);
      problems.push(`${label}: column "${column}" (for field "${field}") is not in the header${hint === null ? '' : `; did you mean "${hint}"?`}`);
      return;
    }
    out[field] = found;
  });
  if (problems.length > 0) {
    if (valueLike.length > 0 && problems.some((p) => p.includes('is not in the header'))) problems.push(valueLikeNote(valueLike));
    throw new KhopError('INVALID_ARGUMENT', `invalid column mapping: ${problems.join('; ')}`, { details: { problems } });
  }
  return Object.freeze(out);
}

interface Entry {
  field: string;
  column: string;
  hasEquals: boolean;
}

/** Split `a=b, c="d, e"` into entries; quotes only around a column name. */
function splitEntries(s: string, problems: string[]): Entry[] {
  const entries: Entry[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    let field = '';
    let column = '';
    let hasEquals = false;
    // field: up to '=' or ','
    let j = i;
    while (j < n && s[j] !== '=' && s[j] !== ',') j++;
    field = s.slice(i, j).trim();
    i = j;
    if (i < n && s[i] === '=') {
      hasEquals = true;
      i++;
      while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
      if (i < n && s[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          if (s[i] === '"') {
            if (s[i + 1] === '"') {
              column += '"';
              i += 2;
              continue;
            }
            closed = true;
            i++;
            break;
          }
          column += s[i];
          i++;
        }
        if (!closed) problems.push(`entry ${entries.length + 1}: quoted column name is not closed`);
        while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
        if (i < n && s[i] !== ',') {
          problems.push(`entry ${entries.length + 1}: text after the closing quote`);
          while (i < n && s[i] !== ',') i++;
        }
      } else {
        let k = i;
        while (k < n && s[k] !== ',') k++;
        column = s.slice(i, k).trim();
        i = k;
      }
    }
    if (field !== '' || hasEquals || column !== '') entries.push({ field, column, hasEquals });
    else problems.push(`entry ${entries.length + 1}: empty entry (two commas in a row?)`);
    if (i < n && s[i] === ',') {
      i++;
      if (i === n) problems.push('trailing comma');
    }
  }
  return entries;
}

/**
 * The header that folds to the same key as `column`, else the closest by edit distance of the
 * folded forms: at most 1 for keys shorter than 8 characters, 2 for longer ones. Not called
 * when a header looks like a data value (see parseMapArgument).
 */
function closestHeader(column: string, headers: readonly string[]): string | null {
  const folded = foldHeader(column);
  let best: string | null = null;
  let bestDistance = (folded.length >= 8 ? 2 : 1) + 1;
  for (const h of headers) {
    const d = h === column ? 0 : editDistance(folded, foldHeader(h));
    if (d < bestDistance) {
      best = h;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (error path only: small strings, allocation is fine). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
