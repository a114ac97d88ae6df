/**
 * The corruption model: how a duplicate record of a person differs from the register's clean
 * record. Each kind has its own rate (the probability that it is attempted on a duplicate);
 * several kinds may combine on one record; a kind is *recorded* only when it actually changed
 * the value, so kinds marked "when …" below occur less often than their rate.
 *
 * | kind                 | field    | rate | what it does                                                          |
 * |----------------------|----------|------|-----------------------------------------------------------------------|
 * | nameMiddleDropped    | fullName | 0.04 | middle name(s) omitted (when there is one)                            |
 * | nameReversed         | fullName | 0.02 | foreign order: middle + given first, family last ("Văn An Nguyễn")    |
 * | nameDialect          | fullName | 0.03 | one dialect spelling in one syllable: d/gi/r/v, tr/ch, s/x, l/n,      |
 * |                      |          |      | final n/ng, nh/n, t/c, ch/t, i/y, hỏi/ngã (when a syllable admits one)|
 * | nameTypo             | fullName | 0.03 | one keyboard slip: adjacent QWERTY key (60 %) or a Telex leftover     |
 * |                      |          |      | "Nguyeenx" (40 %, when the syllable has diacritics)                   |
 * | nameToneStyle        | fullName | 0.10 | other tone placement hòa↔hoà, hòe↔hoè, thủy↔thuỷ (when present)      |
 * | nameNoDiacritics     | fullName | 0.25 | all diacritics dropped, đ→d, case kept                                |
 * | nameEthD             | fullName | 0.02 | Đ written as the look-alike Ð U+00D0 (when Đ remains)                 |
 * | nameNfd              | fullName | 0.05 | Unicode NFD (decomposed) (when non-ASCII remains)                     |
 * | nameHalfComposed     | fullName | 0.03 | shape mark precomposed, tone combining (when NFD was not drawn and a  |
 * |                      |          |      | tone remains)                                                         |
 * | nameCaseSpacing      | fullName | 0.10 | UPPER (40 %), lower (20 %), doubled spaces (20 %), padded (20 %)      |
 * | dobYearOnly          | dob      | 0.02 | year only: "yyyy", "01/01/yyyy" or "00/00/yyyy"; other dob kinds off  |
 * | dobOffByOne          | dob      | 0.01 | one day earlier or later (inside the same year)                       |
 * | dobDayMonthSwapped   | dob      | 0.02 | day and month exchanged (when day ≤ 12 and day ≠ month)               |
 * | dobFormat            | dob      | 0.30 | d/m/yyyy, yyyy-mm-dd, yyyymmdd, dd-mm-yyyy or dd.mm.yyyy instead of   |
 * |                      |          |      | dd/mm/yyyy                                                            |
 * | idMissing            | id       | 0.03 | empty; other id kinds off                                             |
 * | idOldCmnd            | id       | 0.05 | the person's old 9-digit number (when born ≤ 2006); other id kinds off|
 * | idDigitTypo          | id       | 0.01 | one digit replaced by another                                         |
 * | idTransposition      | id       | 0.01 | two adjacent different digits swapped                                 |
 * | idLeadingZeroLost    | id       | 0.05 | leading zeros dropped as a spreadsheet does: 11 digits, or 10 for the |
 * |                      |          |      | prefixes 001–009 (Hà Nội, Hà Giang, Cao Bằng, Bắc Kạn, Tuyên Quang)   |
 * | sexMissing           | sex      | 0.02 | empty                                                                 |
 * | provinceMissing      | province | 0.03 | empty                                                                 |
 * | addressNewForm       | address  | 0.30 | 2025 form: no district, the 34-province name that absorbed the old one|
 *
 * Order of application (each step sees the previous ones): middle dropped → reversed →
 * dialect → typo → tone style → no diacritics → Ð → NFD | half-composed → case/spacing; year
 * only → off by one → swapped → format; missing → old 9-digit → digit typo → transposition →
 * leading zero lost.
 *
 * Rates are the generator's assumptions, chosen so that every kind is frequent enough to be
 * measured in a 1M-row benchmark; dropped diacritics, reformatted dates and post-2025
 * addresses dominate real sector data, hence their higher rates.
 */
import type { Rng } from '../util/rng.js';
import { dayOfYear, daysInYear, monthDayOf, pad2 } from './demography.js';
import { LAST_CMND_BIRTH_YEAR, personAddressNew, personAddressOld, sexLabel, type Person } from './person-model.js';
import { VN_PROVINCES_63 } from '../data/vn-provinces.js';
import {
  adjacentKey,
  applyDialectRule,
  dialectRules,
  halfCompose,
  hasNonAscii,
  isToneMark,
  stripDiacritics,
  telexSpell,
  toEth,
  toggleTonePlacement,
  type DialectRule,
} from './vi-text.js';

/** The corruption kinds, in order of application. */
export type CorruptionKind =
  | 'nameMiddleDropped'
  | 'nameReversed'
  | 'nameDialect'
  | 'nameTypo'
  | 'nameToneStyle'
  | 'nameNoDiacritics'
  | 'nameEthD'
  | 'nameNfd'
  | 'nameHalfComposed'
  | 'nameCaseSpacing'
  | 'dobYearOnly'
  | 'dobOffByOne'
  | 'dobDayMonthSwapped'
  | 'dobFormat'
  | 'idMissing'
  | 'idOldCmnd'
  | 'idDigitTypo'
  | 'idTransposition'
  | 'idLeadingZeroLost'
  | 'sexMissing'
  | 'provinceMissing'
  | 'addressNewForm';

/** Probability per duplicate record that each kind is attempted (0..1). */
export type CorruptionRates = Record<CorruptionKind, number>;

/** One row of the corruption table, as data. */
export interface CorruptionKindInfo {
  readonly kind: CorruptionKind;
  /** The row field it alters. */
  readonly field: 'fullName' | 'dob' | 'id' | 'sex' | 'province' | 'address';
  /** Default rate. */
  readonly rate: number;
  /** True when the kind leaves the value "equal after normalisation" (benign formatting). */
  readonly benign: boolean;
  readonly description: string;
}

/** The corruption kinds with their defaults, in order of application (see the file header). */
export const CORRUPTION_KINDS: readonly CorruptionKindInfo[] = Object.freeze([
  { kind: 'nameMiddleDropped', field: 'fullName', rate: 0.04, benign: false, description: 'middle name omitted' },
  { kind: 'nameReversed', field: 'fullName', rate: 0.02, benign: false, description: 'given name first, family name last' },
  { kind: 'nameDialect', field: 'fullName', rate: 0.03, benign: false, description: 'one dialect spelling confusion' },
  { kind: 'nameTypo', field: 'fullName', rate: 0.03, benign: false, description: 'one adjacent-key typo or Telex leftover' },
  { kind: 'nameToneStyle', field: 'fullName', rate: 0.1, benign: true, description: 'old/new tone placement (hòa/hoà)' },
  { kind: 'nameNoDiacritics', field: 'fullName', rate: 0.25, benign: true, description: 'diacritics dropped' },
  { kind: 'nameEthD', field: 'fullName', rate: 0.02, benign: true, description: 'Ð (U+00D0) for Đ' },
  { kind: 'nameNfd', field: 'fullName', rate: 0.05, benign: true, description: 'Unicode NFD' },
  { kind: 'nameHalfComposed', field: 'fullName', rate: 0.03, benign: true, description: 'shape mark precomposed, tone combining' },
  { kind: 'nameCaseSpacing', field: 'fullName', rate: 0.1, benign: true, description: 'case and spacing changed' },
  { kind: 'dobYearOnly', field: 'dob', rate: 0.02, benign: false, description: 'year only' },
  { kind: 'dobOffByOne', field: 'dob', rate: 0.01, benign: false, description: 'one day off' },
  { kind: 'dobDayMonthSwapped', field: 'dob', rate: 0.02, benign: false, description: 'day and month swapped' },
  { kind: 'dobFormat', field: 'dob', rate: 0.3, benign: true, description: 'another date format' },
  { kind: 'idMissing', field: 'id', rate: 0.03, benign: false, description: 'ID missing' },
  { kind: 'idOldCmnd', field: 'id', rate: 0.05, benign: false, description: 'old 9-digit ID (CMND)' },
  { kind: 'idDigitTypo', field: 'id', rate: 0.01, benign: false, description: 'one digit wrong' },
  { kind: 'idTransposition', field: 'id', rate: 0.01, benign: false, description: 'two adjacent digits swapped' },
  { kind: 'idLeadingZeroLost', field: 'id', rate: 0.05, benign: true, description: 'leading zeros dropped' },
  { kind: 'sexMissing', field: 'sex', rate: 0.02, benign: false, description: 'sex missing' },
  { kind: 'provinceMissing', field: 'province', rate: 0.03, benign: false, description: 'province missing' },
  { kind: 'addressNewForm', field: 'address', rate: 0.3, benign: false, description: 'address in the 34-province form' },
] satisfies CorruptionKindInfo[]);

/** Default rate of every corruption kind (see the table in the file header). */
export const DEFAULT_CORRUPTION_RATES: Readonly<CorruptionRates> = Object.freeze(
  Object.fromEntries(CORRUPTION_KINDS.map((k) => [k.kind, k.rate])) as CorruptionRates,
);

/** Date formats a duplicate may use instead of the register's dd/mm/yyyy. */
export const DATE_FORMATS = ['d/m/yyyy', 'yyyy-mm-dd', 'yyyymmdd', 'dd-mm-yyyy', 'dd.mm.yyyy'] as const;
export type DateFormat = 'dd/mm/yyyy' | (typeof DATE_FORMATS)[number];

/** Write a date in one of the formats (year 4 digits). */
export function formatDate(y: number, m: number, d: number, format: DateFormat): string {
  switch (format) {
    case 'dd/mm/yyyy': return pad2(d) + '/' + pad2(m) + '/' + y;
    case 'd/m/yyyy': return d + '/' + m + '/' + y;
    case 'yyyy-mm-dd': return y + '-' + pad2(m) + '-' + pad2(d);
    case 'yyyymmdd': return '' + y + pad2(m) + pad2(d);
    case 'dd-mm-yyyy': return pad2(d) + '-' + pad2(m) + '-' + y;
    case 'dd.mm.yyyy': return pad2(d) + '.' + pad2(m) + '.' + y;
  }
}

/** The corrupted field values of one duplicate record. */
export interface CorruptedFields {
  id: string;
  fullName: string;
  dob: string;
  sex: string;
  province: string;
  address: string;
}

/**
 * Corrupt one person's clean record. Appends the kinds that changed something to `applied`
 * (in order of application) and returns the field values. `cmndOf` gives the person's old
 * 9-digit number (PersonModel.cmnd), computed only when that kind is applied.
 */
export function corruptPerson(
  p: Person,
  cmndOf: (personId: number) => string,
  rates: Readonly<CorruptionRates>,
  rng: Rng,
  applied: CorruptionKind[],
): CorruptedFields {
  const fullName = corruptName(p, rates, rng, applied);
  const dob = corruptDob(p, rates, rng, applied);
  const id = corruptId(p, cmndOf, rates, rng, applied);
  let sex = sexLabel(p.sex);
  if (rng.chance(rates.sexMissing)) {
    sex = '';
    applied.push('sexMissing');
  }
  let province = VN_PROVINCES_63[p.provinceIndex].shortName;
  if (rng.chance(rates.provinceMissing)) {
    province = '';
    applied.push('provinceMissing');
  }
  let address: string;
  if (rng.chance(rates.addressNewForm)) {
    address = personAddressNew(p);
    applied.push('addressNewForm');
  } else {
    address = personAddressOld(p);
  }
  return { id, fullName, dob, sex, province, address };
}

/** Name tokens of a person: family, middle syllables, given. */
function nameTokens(p: Person): string[] {
  return p.middle === '' ? [p.family, p.given] : [p.family, ...p.middle.split(' '), p.given];
}

function hasToneMark(s: string): boolean {
  const d = s.normalize('NFD');
  for (let i = 0; i < d.length; i++) if (isToneMark(d.charCodeAt(i))) return true;
  return false;
}

/** Apply the name kinds in order. Exported for tests and the claim generator. */
export function corruptName(p: Person, rates: Readonly<CorruptionRates>, rng: Rng, applied: CorruptionKind[]): string {
  let tokens = nameTokens(p);
  if (tokens.length > 2 && rng.chance(rates.nameMiddleDropped)) {
    tokens = [tokens[0], tokens[tokens.length - 1]];
    applied.push('nameMiddleDropped');
  }
  if (rng.chance(rates.nameReversed)) {
    tokens = tokens.slice(1).concat(tokens[0]);
    applied.push('nameReversed');
  }
  if (rng.chance(rates.nameDialect)) {
    const at: number[] = [];
    const rules: DialectRule[] = [];
    for (let i = 0; i < tokens.length; i++) {
      for (const r of dialectRules(tokens[i])) {
        at.push(i);
        rules.push(r);
      }
    }
    if (at.length > 0) {
      const j = rng.int(at.length);
      const changed = applyDialectRule(tokens[at[j]], rules[j]);
      if (changed !== tokens[at[j]]) {
        tokens[at[j]] = changed;
        applied.push('nameDialect');
      }
    }
  }
  if (rng.chance(rates.nameTypo)) {
    const i = rng.int(tokens.length);
    const before = tokens[i];
    if (rng.chance(0.4) && hasNonAscii(before)) {
      tokens[i] = telexSpell(before);
    } else {
      tokens[i] = adjacentKeyTypo(before, rng);
    }
    if (tokens[i] !== before) applied.push('nameTypo');
  }
  if (rng.chance(rates.nameToneStyle)) {
    let changed = false;
    for (let i = 0; i < tokens.length; i++) {
      const t = toggleTonePlacement(tokens[i]);
      if (t !== tokens[i]) {
        tokens[i] = t;
        changed = true;
      }
    }
    if (changed) applied.push('nameToneStyle');
  }
  let s = tokens.join(' ');
  if (rng.chance(rates.nameNoDiacritics)) {
    const t = stripDiacritics(s);
    if (t !== s) {
      s = t;
      applied.push('nameNoDiacritics');
    }
  }
  if (rng.chance(rates.nameEthD)) {
    const t = toEth(s);
    if (t !== s) {
      s = t;
      applied.push('nameEthD');
    }
  }
  if (rng.chance(rates.nameNfd)) {
    const t = s.normalize('NFD');
    if (t !== s) {
      s = t;
      applied.push('nameNfd');
    }
  } else if (rng.chance(rates.nameHalfComposed) && hasToneMark(s)) {
    const t = halfCompose(s);
    if (t !== s) {
      s = t;
      applied.push('nameHalfComposed');
    }
  }
  if (rng.chance(rates.nameCaseSpacing)) {
    const t = caseSpacingVariant(s, rng);
    if (t !== s) {
      s = t;
      applied.push('nameCaseSpacing');
    }
  }
  return s;
}

/** Replace one ASCII letter of the token by a QWERTY neighbour (token unchanged if none). */
function adjacentKeyTypo(token: string, rng: Rng): string {
  let count = 0;
  for (let i = 0; i < token.length; i++) if (isAsciiLetter(token.charCodeAt(i))) count++;
  if (count === 0) return token;
  let target = rng.int(count);
  for (let i = 0; i < token.length; i++) {
    if (!isAsciiLetter(token.charCodeAt(i))) continue;
    if (target-- === 0) return token.slice(0, i) + adjacentKey(token[i], rng.int(8)) + token.slice(i + 1);
  }
  return token;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** UPPER (40 %), lower (20 %), doubled inner spaces (20 %), leading/trailing spaces (20 %). */
export function caseSpacingVariant(s: string, rng: Rng): string {
  const u = rng.next();
  if (u < 0.4) return s.toUpperCase();
  if (u < 0.6) return s.toLowerCase();
  if (u < 0.8) return s.split(' ').join('  ');
  return ' ' + s + '  ';
}

function corruptDob(p: Person, rates: Readonly<CorruptionRates>, rng: Rng, applied: CorruptionKind[]): string {
  let y = p.year;
  let m = p.month;
  let d = p.day;
  const base = formatDate(y, m, d, 'dd/mm/yyyy');
  if (rng.chance(rates.dobYearOnly)) {
    const forms = ['' + y, '01/01/' + y, '00/00/' + y].filter((f) => f !== base);
    applied.push('dobYearOnly');
    return forms[rng.int(forms.length)];
  }
  if (rng.chance(rates.dobOffByOne)) {
    const doy = dayOfYear(y, m, d);
    const last = daysInYear(y) - 1;
    const next = doy === 0 ? 1 : doy === last ? last - 1 : rng.chance(0.5) ? doy + 1 : doy - 1;
    const md = monthDayOf(y, next);
    m = Math.floor(md / 100);
    d = md % 100;
    applied.push('dobOffByOne');
  }
  if (rng.chance(rates.dobDayMonthSwapped) && d <= 12 && d !== m) {
    const t = d;
    d = m;
    m = t;
    applied.push('dobDayMonthSwapped');
  }
  if (rng.chance(rates.dobFormat)) {
    const plain = formatDate(y, m, d, 'dd/mm/yyyy');
    const candidates: string[] = [];
    for (const f of DATE_FORMATS) {
      const t = formatDate(y, m, d, f);
      if (t !== plain) candidates.push(t);
    }
    applied.push('dobFormat');
    return candidates[rng.int(candidates.length)];
  }
  return formatDate(y, m, d, 'dd/mm/yyyy');
}

/** Drop every leading '0' (what a spreadsheet does when it reads the ID as a number). */
export function dropLeadingZeros(id: string): string {
  let i = 0;
  while (i < id.length - 1 && id.charCodeAt(i) === 0x30) i++;
  return id.slice(i);
}

function corruptId(
  p: Person,
  cmndOf: (personId: number) => string,
  rates: Readonly<CorruptionRates>,
  rng: Rng,
  applied: CorruptionKind[],
): string {
  if (rng.chance(rates.idMissing)) {
    applied.push('idMissing');
    return '';
  }
  if (p.year <= LAST_CMND_BIRTH_YEAR && rng.chance(rates.idOldCmnd)) {
    applied.push('idOldCmnd');
    return cmndOf(p.personId);
  }
  let id = p.id;
  if (rng.chance(rates.idDigitTypo)) {
    const i = rng.int(id.length);
    const digit = id.charCodeAt(i) - 0x30;
    const repl = (digit + 1 + rng.int(9)) % 10; // any digit but the original
    id = id.slice(0, i) + repl + id.slice(i + 1);
    applied.push('idDigitTypo');
  }
  if (rng.chance(rates.idTransposition)) {
    const spots: number[] = [];
    for (let i = 0; i + 1 < id.length; i++) if (id[i] !== id[i + 1]) spots.push(i);
    if (spots.length > 0) {
      const i = spots[rng.int(spots.length)];
      id = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
      applied.push('idTransposition');
    }
  }
  if (rng.chance(rates.idLeadingZeroLost)) {
    const t = dropLeadingZeros(id);
    if (t !== id) {
      id = t;
      applied.push('idLeadingZeroLost');
    }
  }
  return id;
}
