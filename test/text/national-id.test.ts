import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VN_PROVINCES_34, VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { isKhopError } from '../../src/errors.js';
import { latestBirthYear, parseNationalId, type NationalIdOptions } from '../../src/text/national-id.js';

/** Circular 07/2016/TT-BCA (as amended): the century of each century-and-sex digit. */
const CIRCULAR_CENTURY = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 2300, 2300];
/** The year at instant `now` in UTC+14, the first zone to reach a new year. */
function yearSomewhereOnEarth(now: number): number {
  const d = new Date(now);
  const kiribati = d.getUTCHours() >= 10 ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)) : d;
  return kiribati.getUTCFullYear();
}

afterEach(() => {
  vi.useRealTimers();
});

type Decoded = readonly [input: unknown, digits: string, restored: boolean, province: string, provinceName: string, sex: 'male' | 'female', century: number, birthYear: number];

const DECODED: readonly Decoded[] = [
  ['001090012345', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ['001190012345', '001190012345', false, '001', 'Hà Nội', 'female', 1900, 1990],
  ['079205001234', '079205001234', false, '079', 'Hồ Chí Minh', 'male', 2000, 2005],
  ['079305001234', '079305001234', false, '079', 'Hồ Chí Minh', 'female', 2000, 2005],
  ['038224001234', '038224001234', false, '038', 'Thanh Hóa', 'male', 2000, 2024],
  ['038300001234', '038300001234', false, '038', 'Thanh Hóa', 'female', 2000, 2000],
  // cleaning
  ['001 090 012 345', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ['001.090.012.345', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ['001-090-012-345', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ['\t001090012345\u00a0', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ["'001090012345", '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ['\uff10\uff10\uff11\uff10\uff19\uff10\uff10\uff11\uff12\uff13\uff14\uff15', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  ['001\u200b090012345', '001090012345', false, '001', 'Hà Nội', 'male', 1900, 1990],
  // 11 digits: the spreadsheet dropped the leading zero
  ['01090012345', '001090012345', true, '001', 'Hà Nội', 'male', 1900, 1990],
  ['79305001234', '079305001234', true, '079', 'Hồ Chí Minh', 'female', 2000, 2005],
  [79305001234, '079305001234', true, '079', 'Hồ Chí Minh', 'female', 2000, 2005],
];

describe('parseNationalId — decoding', () => {
  for (const [input, digits, restored, province, name, sex, century, birthYear] of DECODED) {
    it(`${JSON.stringify(input)} → ${digits}`, () => {
      expect(parseNationalId(input)).toEqual({
        ok: true,
        kind: 'cccd',
        digits,
        restoredLeadingZero: restored,
        provinceCode: province,
        provinceName: name,
        sex,
        century,
        birthYear,
      });
    });
  }

  it('9 digits → cmnd9, not decoded', () => {
    expect(parseNationalId('123456789')).toEqual({ ok: true, kind: 'cmnd9', digits: '123456789', restoredLeadingZero: false });
    expect(parseNationalId('023 456 789')).toEqual({ ok: true, kind: 'cmnd9', digits: '023456789', restoredLeadingZero: false });
  });

  it('decodes every province of the 63-province table', () => {
    for (const p of VN_PROVINCES_63) {
      const r = parseNationalId(`${p.cccdPrefix}090000001`);
      expect(r.ok && r.kind === 'cccd' && r.provinceCode === p.cccdPrefix && r.provinceName === p.shortName).toBe(true);
    }
  });
});

describe('parseNationalId — the 34-vs-63 trap', () => {
  it('a code whose province changed in 2025 decodes to the 63-table province', () => {
    // 015 = Yên Bái (63) but Lào Cai (34); 052 = Bình Định (63) but Gia Lai (34)
    const yenBai = parseNationalId('015090012345');
    expect(yenBai.ok && yenBai.kind === 'cccd' && yenBai.provinceName).toBe('Yên Bái');
    const binhDinh = parseNationalId('052190012345');
    expect(binhDinh.ok && binhDinh.kind === 'cccd' && binhDinh.provinceName).toBe('Bình Định');
    expect(VN_PROVINCES_34.find((p) => p.code === '15')?.name).toContain('Lào Cai');
  });

  it('a code that exists only in the 63 table (merged away in 2025) still decodes', () => {
    // 002 Hà Giang was merged into Tuyên Quang (34 code 08)
    expect(VN_PROVINCES_34.some((p) => p.code === '02')).toBe(false);
    const r = parseNationalId('002300012345');
    expect(r.ok && r.kind === 'cccd' && r.provinceName).toBe('Hà Giang');
  });

  it('every prefix decodes to its 63-table province, wherever the two tables disagree', () => {
    let disagreements = 0;
    for (const p34 of VN_PROVINCES_34) {
      const p63 = VN_PROVINCES_63.find((p) => p.gso === p34.code)!;
      const r = parseNationalId(`0${p34.code}090012345`);
      expect(r.ok && r.kind === 'cccd' && r.provinceName).toBe(p63.shortName);
      if (!p34.name.endsWith(p63.shortName)) disagreements++;
    }
    expect(disagreements).toBeGreaterThan(5);
  });

  it('prefixes outside the 63 table are rejected', () => {
    const known = new Set(VN_PROVINCES_63.map((p) => Number(p.cccdPrefix)));
    for (let prefix = 0; prefix < 1000; prefix++) {
      const r = parseNationalId(`${String(prefix).padStart(3, '0')}090012345`);
      expect(r.ok).toBe(known.has(prefix));
      if (!r.ok) expect(r.reason).toBe('unknown-province');
    }
  });
});

describe('parseNationalId — failures and options', () => {
  const FAIL: ReadonlyArray<readonly [unknown, string]> = [
    ['00109001234a', 'non-digit'],
    ['CCCD 001090012345', 'non-digit'],
    ['0010900123456', 'length'],
    ['0109001234', 'length'], // 10 digits starting with 0: not a 00x prefix that lost its zeros
    ['01234567', 'length'], // 8 digits starting with 0: not a CMND that lost its zero (no CMND prefix is 00)
    ['1234567', 'length'], // 7 digits: a CMND that lost two zeros would have begun 00
    [1234567, 'length'],
    ['11111111', 'placeholder'], // eight of one digit, as nine
    // 8 digits with a dash or a grouping other than thousands: a date or a range, not a number
    ['1977-07-07', 'length'],
    ['07.07.1977', 'length'],
    ['2023-2024', 'length'],
    ['1234 5678', 'length'],
    ['12-345-678', 'length'],
    ['1234567890123456789012345678901234567890', 'length'],
    ['003090012345', 'unknown-province'],
    ['099090012345', 'unknown-province'],
    ['3090012345', 'unknown-province'], // 10 digits → 003…: no province 3
    ['39090012345', 'unknown-province'], // 11 digits → 039…: no province 39
    ['', 'empty'],
    [' . - ', 'empty'],
    [null, 'empty'],
    [undefined, 'empty'],
    [-1090012345, 'non-digit'],
    [1.5, 'non-digit'],
    [{}, 'unsupported-type'],
  ];
  for (const [input, reason] of FAIL) {
    it(`${String(JSON.stringify(input))} → ${reason}`, () => {
      expect(parseNationalId(input)).toEqual({ ok: false, code: 'INVALID_ID', reason });
    });
  }

  it('an unsupported country throws UNSUPPORTED_COUNTRY; malformed options INVALID_OPTION', () => {
    let err: unknown;
    try {
      parseNationalId('001090012345', { country: 'TH' } as unknown as NationalIdOptions);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'UNSUPPORTED_COUNTRY')).toBe(true);
    err = undefined;
    try {
      parseNationalId('001090012345', 'VN' as unknown as NationalIdOptions);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    expect(parseNationalId('001090012345', { country: 'VN' }).ok).toBe(true);
  });
});

describe('parseNationalId — properties', () => {
  const province = fc.constantFrom(...VN_PROVINCES_63.map((p) => p.cccdPrefix));
  const rest = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 9, maxLength: 9 });
  /** The rest of a CCCD whose birth year a living holder can have (1900 … this year). */
  const thisYear = new Date().getUTCFullYear();
  const plausibleRest = fc
    .tuple(fc.integer({ min: 1900, max: thisYear }), fc.boolean(), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 6 }))
    .map(([year, female, random]) => `${(year >= 2000 ? 2 : 0) + (female ? 1 : 0)}${String(year % 100).padStart(2, '0')}${random}`);

  it('10-digit restore: a 00x prefix that lost both zeros decodes as the 12-digit ID, flagged', () => {
    const a = parseNationalId('001090012345');
    const b = parseNationalId('1090012345');
    expect(a.ok && b.ok).toBe(true);
    expect(b).toEqual({ ...a, restoredLeadingZero: true });
    expect(parseNationalId(1090012345)).toEqual(b);
  });

  it('11-digit restore: dropping the leading zero gives the same decode, flagged', () => {
    fc.assert(
      fc.property(province, plausibleRest, (p, r) => {
        const full = p + r;
        const a = parseNationalId(full);
        const b = parseNationalId(full.slice(1));
        return a.ok && b.ok && a.kind === 'cccd' && b.kind === 'cccd' && !a.restoredLeadingZero && b.restoredLeadingZero &&
          JSON.stringify({ ...a, restoredLeadingZero: true }) === JSON.stringify(b);
      }),
      { numRuns: 1000, seed: 41 },
    );
  });

  it('a restored reading whose birth year no living holder can have is refused as too short (oracle)', () => {
    // "01909001234": 019090012345 without its last digit, read as 001909001234 — born 2309.
    expect(parseNationalId('01909001234')).toEqual({ ok: false, code: 'INVALID_ID', reason: 'length' });
    expect(parseNationalId('019090012345')).toMatchObject({ ok: true, birthYear: 1990 });
    fc.assert(
      fc.property(province, rest, (p, r) => {
        const full = p + r;
        const a = parseNationalId(full);
        const b = parseNationalId(full.slice(1));
        const year = CIRCULAR_CENTURY[Number(r[0])]! + Number(r.slice(1, 3));
        if (year > yearSomewhereOnEarth(Date.now())) return !a.ok && a.reason === 'future-birth-year' && !b.ok && b.reason === 'length';
        return a.ok && a.kind === 'cccd' && a.birthYear === year && b.ok && b.restoredLeadingZero;
      }),
      { numRuns: 2000, seed: 43 },
    );
  });

  it('8-digit restore: a CMND without its leading zero (as text or a number) is that CMND, flagged (oracle)', () => {
    // A 9-digit CMND starting with 0 (01x Hà Nội, 02x TP HCM…) whose zero a number-typed
    // column dropped; 8 digits never read as a CCCD (that would be province 000).
    const tail = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), tail, fc.boolean(), (lead, t, asNumber) => {
        const cmnd = `0${lead}${t}`;
        const full = parseNationalId(cmnd);
        const short = parseNationalId(asNumber ? Number(cmnd) : cmnd.slice(1));
        if (/^0(\d)\1{7}$/.test(cmnd)) return full.ok && !short.ok && short.reason === 'placeholder'; // "011111111" as written is a number; "11111111" a filler
        return full.ok && !full.restoredLeadingZero && short.ok && JSON.stringify({ ...full, restoredLeadingZero: true }) === JSON.stringify(short);
      }),
      { numRuns: 2000, seed: 45 },
    );
    expect(parseNationalId(12345678)).toEqual({ ok: true, kind: 'cmnd9', digits: '012345678', restoredLeadingZero: true });
    // A number's renderings: plain, grouped in thousands, with a text prefix or invisibles.
    for (const v of ['12.345.678', '12 345 678', '12\u00a0345\u00a0678', "'12345678", '\u200b12345678 ', '\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18']) {
      expect(parseNationalId(v), v).toEqual({ ok: true, kind: 'cmnd9', digits: '012345678', restoredLeadingZero: true });
    }
    // The lengths that are restored: 8 → 9 (CMND), 10 and 11 → 12 (CCCD); 1–7 and 13+ never.
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,14}$/), (d) => {
        const r = parseNationalId(d);
        if (d.length <= 7 || d.length >= 13) return !r.ok && r.reason === 'length';
        if (r.ok) return r.digits.endsWith(d) && /^0*$/.test(r.digits.slice(0, -d.length)) && r.restoredLeadingZero === (d.length === 8 || d.length === 10 || d.length === 11);
        return true;
      }),
      { numRuns: 3000, seed: 46 },
    );
  });

  it('a 9-digit number of one repeated digit is a placeholder, not a CMND', () => {
    for (let d = 0; d <= 9; d++) expect(parseNationalId(String(d).repeat(9))).toEqual({ ok: false, code: 'INVALID_ID', reason: 'placeholder' });
    expect(parseNationalId('000 000 000')).toMatchObject({ ok: false, reason: 'placeholder' });
    expect(parseNationalId('000000001')).toMatchObject({ ok: true, kind: 'cmnd9' });
  });

  it("decode follows the circular's century table; a birth year after the current one is future-birth-year (oracle, any clock)", () => {
    // The clock is set anywhere from 2000 to 2405: the century digits 2–9 each become valid
    // when their years begin somewhere on Earth, never before (8/9 are 2300–2399, not 1800s).
    vi.useFakeTimers({ toFake: ['Date'] });
    fc.assert(
      fc.property(province, rest, fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2405, 0, 1) }), (p, r, now) => {
        vi.setSystemTime(now);
        const res = parseNationalId(p + r);
        const g = Number(r[0]);
        const year = CIRCULAR_CENTURY[g]! + Number(r.slice(1, 3));
        if (year > yearSomewhereOnEarth(now)) return !res.ok && res.reason === 'future-birth-year';
        return res.ok && res.kind === 'cccd' && res.century === CIRCULAR_CENTURY[g] && res.birthYear === year &&
          res.sex === (g % 2 === 0 ? 'male' : 'female');
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('8/9 are the 2300s: refused today, as every birth year after the current one', () => {
    for (const id of ['001890012345', '001990012345', '036499001234', '096700001234', '079399001234']) {
      expect(parseNationalId(id)).toEqual({ ok: false, code: 'INVALID_ID', reason: 'future-birth-year' });
    }
    const next = latestBirthYear() + 1;
    expect(parseNationalId(`0012${String(next % 100).padStart(2, '0')}012345`)).toMatchObject({ ok: false, reason: 'future-birth-year' });
    expect(parseNationalId(`0012${String((next - 1) % 100).padStart(2, '0')}012345`)).toMatchObject({ ok: true, birthYear: next - 1 });
  });

  it('latestBirthYear: the year it already is somewhere on Earth (UTC+14), following the clock both ways', () => {
    expect(latestBirthYear(Date.UTC(2026, 11, 31, 9, 59, 59, 999))).toBe(2026); // 23:59:59.999 in Kiribati
    expect(latestBirthYear(Date.UTC(2026, 11, 31, 10))).toBe(2027); // midnight in Kiribati; 17:00 in Hà Nội
    expect(latestBirthYear(Date.UTC(2026, 5, 1))).toBe(2026); // back again: the cached year is not kept
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2025, 5, 1));
    expect(parseNationalId('001226012345')).toMatchObject({ ok: false, reason: 'future-birth-year' });
    vi.setSystemTime(Date.UTC(2026, 5, 1));
    expect(parseNationalId('001226012345')).toMatchObject({ ok: true, birthYear: 2026 });
    vi.setSystemTime(Date.UTC(2025, 11, 31, 10)); // 1 January 2026 in Kiribati
    expect(parseNationalId('001226012345')).toMatchObject({ ok: true, birthYear: 2026 });
    vi.setSystemTime(Date.UTC(2025, 11, 31, 9));
    expect(parseNationalId('001226012345')).toMatchObject({ ok: false, reason: 'future-birth-year' });
  });

  it('digits are the ASCII digits of the input in order, whatever fillers, full-width digits or apostrophe it holds (oracle)', () => {
    // An ID as typed: each digit ASCII or full-width, fillers (space, dot, dash, NBSP) between,
    // sometimes a leading spreadsheet apostrophe. The oracle reads the digits off directly.
    const digit = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.boolean(), fc.constantFrom('', '', '', ' ', '.', '-', '\u00a0'));
    fc.assert(
      fc.property(province, fc.array(digit, { minLength: 6, maxLength: 9 }), fc.boolean(), (p, ds, apostrophe) => {
        const all = [...p].map((c): [number, boolean, string] => [Number(c), false, '']).concat(ds);
        const text = (apostrophe ? "'" : '') + all.map(([d, wide, filler]) => (wide ? String.fromCharCode(0xff10 + d) : String(d)) + filler).join('');
        const expected = all.map(([d]) => String(d)).join('');
        const r = parseNationalId(text);
        // A dot with one or two digits after it (and no later dot) is a decimal part: a number's
        // rendering, not an ID.
        const lastDot = all.map(([, , f]) => f).lastIndexOf('.');
        const afterDot = lastDot < 0 ? -1 : all.length - 1 - lastDot;
        if (afterDot === 1 || afterDot === 2) return !r.ok && r.reason === 'non-digit';
        if (expected.length === 9) return r.ok && r.kind === 'cmnd9' && r.digits === expected;
        if (expected.length === 12) {
          if (CIRCULAR_CENTURY[Number(expected[3])]! + Number(expected.slice(4, 6)) > yearSomewhereOnEarth(Date.now())) return !r.ok && r.reason === 'future-birth-year';
          return r.ok && r.kind === 'cccd' && r.digits === expected && !r.restoredLeadingZero;
        }
        return true; // 10 / 11 digits: restores (tested above) or a length failure
      }),
      { numRuns: 3000, seed: 44 },
    );
    const plain = '001090012345';
    const r = parseNationalId(plain);
    expect(r.ok && r.digits).toBe(plain);
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'0123456789 .-\'a'), maxLength: 14 })), (s) => {
        const r = parseNationalId(s);
        return r.ok ? /^\d+$/.test(r.digits) : r.code === 'INVALID_ID';
      }),
      { numRuns: 3000, seed: 43 },
    );
  });
});
