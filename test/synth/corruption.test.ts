import { describe, expect, it } from 'vitest';
import { VN_PROVINCES_34 } from '../../src/data/vn-provinces.js';
import { CORRUPTION_KINDS, DEFAULT_CORRUPTION_RATES, formatDate, dropLeadingZeros, type CorruptionKind } from '../../src/synth/corruption.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { toggleTonePlacement } from '../../src/synth/vi-text.js';
import { foldToAscii } from '../../src/text/fold.js';

/** Parse the date formats the generator writes: packed yyyymmdd (0 for a year-only form). */
function parseDob(s: string): number {
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return +m[3] * 10000 + +m[2] * 100 + +m[1];
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return +m[1] * 10000 + +m[2] * 100 + +m[3];
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return +m[1] * 10000 + +m[2] * 100 + +m[3];
  return -1;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function daysBetween(a: number, b: number): number {
  const t = (p: number): number => Date.UTC(Math.floor(p / 10000), (Math.floor(p / 100) % 100) - 1, p % 100);
  return Math.round((t(b) - t(a)) / 86_400_000);
}

const NAME_KINDS = CORRUPTION_KINDS.filter((k) => k.field === 'fullName').map((k) => k.kind);
const DOB_KINDS = CORRUPTION_KINDS.filter((k) => k.field === 'dob').map((k) => k.kind);
const ID_KINDS = CORRUPTION_KINDS.filter((k) => k.field === 'id').map((k) => k.kind);
const NEW_PROVINCE_NAMES = new Set(VN_PROVINCES_34.map((p) => p.name));

/** Only `kind` among the kinds of the same field was applied. */
function only(kinds: Set<string>, kind: CorruptionKind, field: readonly CorruptionKind[]): boolean {
  return kinds.has(kind) && field.every((k) => k === kind || !kinds.has(k));
}

describe('corruption model over 200k rows', () => {
  const size = 200_000;
  const base = new Map<number, PopulationRow>();
  const dups: Array<{ row: PopulationRow; base: PopulationRow; kinds: Set<string> }> = [];
  for (const row of generatePopulation({ size, seed: 2025, duplicateRate: 0.5, labelCorruptions: true })) {
    const b = base.get(row.personId);
    if (b === undefined) {
      expect(row.corruptions).toBe('');
      base.set(row.personId, row);
    } else {
      dups.push({ row, base: b, kinds: new Set(row.corruptions === '' ? [] : (row.corruptions as string).split('|')) });
    }
  }

  it('exports the rates table as data, one entry per kind', () => {
    expect(CORRUPTION_KINDS.length).toBe(22);
    for (const k of CORRUPTION_KINDS) expect(DEFAULT_CORRUPTION_RATES[k.kind]).toBe(k.rate);
    expect(Object.isFrozen(DEFAULT_CORRUPTION_RATES)).toBe(true);
  });

  /**
   * For each kind: which duplicates it could act on (judged from the clean base record and the
   * kinds applied before it), so observed / eligible estimates the configured rate.
   */
  const eligible: Record<CorruptionKind, (d: (typeof dups)[number]) => boolean> = {
    nameMiddleDropped: (d) => d.base.fullName.split(' ').length > 2,
    nameReversed: () => true,
    nameDialect: () => true, // almost every name has a syllable with a dialect variant
    nameTypo: () => true,
    nameToneStyle: (d) => d.base.fullName.split(' ').some((t) => toggleTonePlacement(t) !== t) && !d.kinds.has('nameTypo') && !d.kinds.has('nameDialect'),
    nameNoDiacritics: (d) => !isAscii(d.base.fullName),
    nameEthD: (d) => d.base.fullName.includes('Đ') && !d.kinds.has('nameNoDiacritics') && !d.kinds.has('nameTypo'),
    nameNfd: (d) => !isAscii(d.base.fullName) && !d.kinds.has('nameNoDiacritics'),
    nameHalfComposed: (d) => !isAscii(d.base.fullName) && !d.kinds.has('nameNoDiacritics') && !d.kinds.has('nameNfd') && !d.kinds.has('nameTypo'),
    nameCaseSpacing: () => true,
    dobYearOnly: () => true,
    dobOffByOne: (d) => !d.kinds.has('dobYearOnly'),
    dobDayMonthSwapped: (d) => {
      const p = parseDob(d.base.dob);
      return !d.kinds.has('dobYearOnly') && !d.kinds.has('dobOffByOne') && p % 100 <= 12 && p % 100 !== Math.floor(p / 100) % 100;
    },
    dobFormat: (d) => !d.kinds.has('dobYearOnly'),
    idMissing: () => true,
    idOldCmnd: (d) => Number(d.base.dob.slice(6)) <= 2006 && !d.kinds.has('idMissing'),
    idDigitTypo: (d) => !d.kinds.has('idMissing') && !d.kinds.has('idOldCmnd'),
    idTransposition: (d) => !d.kinds.has('idMissing') && !d.kinds.has('idOldCmnd'),
    idLeadingZeroLost: (d) => !d.kinds.has('idMissing') && !d.kinds.has('idOldCmnd') && !(d.kinds.has('idDigitTypo') && d.row.id.length === 12 && d.row.id[0] !== '0'),
    sexMissing: () => true,
    provinceMissing: () => true,
    addressNewForm: () => true,
  };

  it.each(CORRUPTION_KINDS.map((k) => k.kind))('%s occurs at roughly its rate among the records it can act on', (kind) => {
    let n = 0;
    let hit = 0;
    for (const d of dups) {
      if (!eligible[kind](d)) continue;
      n++;
      if (d.kinds.has(kind)) hit++;
    }
    const rate = DEFAULT_CORRUPTION_RATES[kind];
    expect(n).toBeGreaterThan(2000);
    const observed = hit / n;
    // wide tolerance: ±25 % relative, or 5 sigma for the rarest kinds
    const tol = Math.max(0.25 * rate, 5 * Math.sqrt((rate * (1 - rate)) / n));
    expect(Math.abs(observed - rate), `${kind}: ${hit}/${n}`).toBeLessThanOrEqual(tol);
  });

  it('every kind actually changes what it says', () => {
    const failures: string[] = [];
    const check = (ok: boolean, kind: string, d: (typeof dups)[number]): void => {
      if (!ok && failures.length < 10) failures.push(`${kind}: ${JSON.stringify(d.row)} vs ${JSON.stringify(d.base)}`);
    };
    let checked = 0;
    for (const d of dups) {
      const { row, base: b, kinds } = d;
      const bTokens = b.fullName.split(' ');
      if (kinds.has('nameNoDiacritics')) check(isAscii(row.fullName), 'nameNoDiacritics', d);
      if (kinds.has('nameNfd')) check(row.fullName !== row.fullName.normalize('NFC') && row.fullName === row.fullName.normalize('NFD'), 'nameNfd', d);
      if (kinds.has('nameHalfComposed')) {
        check(row.fullName !== row.fullName.normalize('NFC') && !/[\u0302\u0306\u031b]/.test(row.fullName), 'nameHalfComposed', d);
      }
      if (kinds.has('nameEthD')) check(/[\u00d0\u00f0]/.test(row.fullName), 'nameEthD', d);
      if (only(kinds, 'nameToneStyle', NAME_KINDS)) {
        check(row.fullName !== b.fullName && row.fullName.split(' ').map(toggleTonePlacement).join(' ') === b.fullName, 'nameToneStyle', d);
        check(foldToAscii(row.fullName) === foldToAscii(b.fullName), 'nameToneStyle(fold)', d);
      }
      if (only(kinds, 'nameCaseSpacing', NAME_KINDS)) {
        check(row.fullName !== b.fullName && row.fullName.trim().split(/ +/).join(' ').toLowerCase() === b.fullName.toLowerCase(), 'nameCaseSpacing', d);
      }
      if (only(kinds, 'nameMiddleDropped', NAME_KINDS)) check(row.fullName === `${bTokens[0]} ${bTokens[bTokens.length - 1]}`, 'nameMiddleDropped', d);
      if (only(kinds, 'nameReversed', NAME_KINDS)) check(row.fullName === [...bTokens.slice(1), bTokens[0]].join(' '), 'nameReversed', d);
      if (only(kinds, 'nameDialect', NAME_KINDS) || only(kinds, 'nameTypo', NAME_KINDS)) {
        const t = row.fullName.split(' ');
        const diff = t.length === bTokens.length ? t.filter((x, i) => x !== bTokens[i]).length : -1;
        check(diff === 1, 'nameDialect/nameTypo', d);
      }
      if (kinds.has('dobYearOnly')) {
        check(/^(\d{4}|01\/01\/\d{4}|00\/00\/\d{4})$/.test(row.dob) && row.dob.endsWith(b.dob.slice(6)) && row.dob !== b.dob, 'dobYearOnly', d);
      }
      if (only(kinds, 'dobFormat', DOB_KINDS)) check(row.dob !== b.dob && parseDob(row.dob) === parseDob(b.dob), 'dobFormat', d);
      if (kinds.has('dobDayMonthSwapped') && !kinds.has('dobOffByOne')) {
        const p = parseDob(b.dob);
        const swapped = Math.floor(p / 10000) * 10000 + (p % 100) * 100 + (Math.floor(p / 100) % 100);
        check(parseDob(row.dob) === swapped && swapped !== p, 'dobDayMonthSwapped', d);
      }
      if (kinds.has('dobOffByOne') && !kinds.has('dobDayMonthSwapped')) check(Math.abs(daysBetween(parseDob(b.dob), parseDob(row.dob))) === 1, 'dobOffByOne', d);
      if (kinds.has('idMissing')) check(row.id === '', 'idMissing', d);
      if (kinds.has('idOldCmnd')) check(/^\d{9}$/.test(row.id) && Number(b.dob.slice(6)) <= 2006, 'idOldCmnd', d);
      if (only(kinds, 'idLeadingZeroLost', ID_KINDS)) {
        const expectedLength = b.id.startsWith('00') ? 10 : 11;
        check(row.id[0] !== '0' && row.id.length === expectedLength && row.id.padStart(12, '0') === b.id, 'idLeadingZeroLost', d);
      }
      if (only(kinds, 'idDigitTypo', ID_KINDS)) check(row.id.length === 12 && [...row.id].filter((c, i) => c !== b.id[i]).length === 1, 'idDigitTypo', d);
      if (only(kinds, 'idTransposition', ID_KINDS)) {
        const diffAt = [...row.id].map((c, i) => (c !== b.id[i] ? i : -1)).filter((i) => i >= 0);
        check(diffAt.length === 2 && diffAt[1] === diffAt[0] + 1 && row.id[diffAt[0]] === b.id[diffAt[1]], 'idTransposition', d);
      }
      if (kinds.has('sexMissing')) check(row.sex === '' && b.sex !== '', 'sexMissing', d);
      if (kinds.has('provinceMissing')) check(row.province === '' && b.province !== '', 'provinceMissing', d);
      if (kinds.has('addressNewForm')) {
        const parts = row.address.split(', ');
        check(parts.length === 3 && NEW_PROVINCE_NAMES.has(parts[2]) && row.address !== b.address, 'addressNewForm', d);
      } else check(row.address === b.address, 'address unchanged', d);
      // fields no kind touched are untouched
      if (![...kinds].some((k) => (NAME_KINDS as string[]).includes(k))) check(row.fullName === b.fullName, 'name unchanged', d);
      if (![...kinds].some((k) => (DOB_KINDS as string[]).includes(k))) check(row.dob === b.dob, 'dob unchanged', d);
      if (![...kinds].some((k) => (ID_KINDS as string[]).includes(k))) check(row.id === b.id, 'id unchanged', d);
      checked++;
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(100_000);
  });

  it('several kinds combine on one record', () => {
    const multi = dups.filter((d) => d.kinds.size >= 3).length;
    expect(multi / dups.length).toBeGreaterThan(0.1);
  });
});

describe('corruption helpers', () => {
  it('formatDate known answers', () => {
    expect(formatDate(1990, 3, 5, 'dd/mm/yyyy')).toBe('05/03/1990');
    expect(formatDate(1990, 3, 5, 'd/m/yyyy')).toBe('5/3/1990');
    expect(formatDate(1990, 3, 5, 'yyyy-mm-dd')).toBe('1990-03-05');
    expect(formatDate(1990, 3, 5, 'yyyymmdd')).toBe('19900305');
    expect(formatDate(1990, 3, 5, 'dd-mm-yyyy')).toBe('05-03-1990');
    expect(formatDate(1990, 3, 5, 'dd.mm.yyyy')).toBe('05.03.1990');
  });
  it('dropLeadingZeros behaves like a spreadsheet reading a number', () => {
    expect(dropLeadingZeros('079090012345')).toBe('79090012345');
    expect(dropLeadingZeros('001090012345')).toBe('1090012345');
    expect(dropLeadingZeros('101090012345')).toBe('101090012345');
    expect(dropLeadingZeros('0')).toBe('0');
  });
});
