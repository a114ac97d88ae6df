import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseDate } from '../../src/text/date.js';
import { normalizeText } from '../../src/text/normalize.js';
import {
  DATE_FORMAT,
  NAME_STYLE_LOWER,
  NAME_STYLE_OTHER,
  NAME_STYLE_TITLE,
  NAME_STYLE_UPPER,
  SEX_FORM,
  dateCellFormat,
  dateCellPacked,
  dateFormatOf,
  formHasNameTail,
  formNameStyle,
  formRecordIdIsNumber,
  isNameInStyle,
  isNameInStyleUtf8,
  nameStyleOf,
  nameCellNormEnd,
  nameTailOf,
  packDateCell,
  packForm,
  packSex,
  isDateWritten,
  sexCodeOf,
  sexFormOf,
  sexFormOfCell,
  sexLabelOf,
  upperUnit,
  withNameStyle,
} from '../../src/register/written-form.js';

/**
 * Oracle: a packed yyyymmdd date written in format `code` as a string (0 or unknown → null),
 * spelled out format by format — what isDateWritten decides in place from DATE_FORMAT.
 */
function renderDate(packed: number, code: number, mdy = false): string | null {
  const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
  const pad4 = (n: number): string => (n < 1000 ? String(n).padStart(4, '0') : String(n));
  const y = Math.floor(packed / 10000);
  // Month first ('mdy'): the day-first formats (1, 2, 5, 6, 12, 13) write the month where the day is.
  const swap = mdy && [1, 2, 5, 6, 12, 13].includes(code);
  const m = swap ? packed % 100 : Math.floor(packed / 100) % 100;
  const d = swap ? Math.floor(packed / 100) % 100 : packed % 100;
  switch (code) {
    case 1: return `${pad2(d)}/${pad2(m)}/${pad4(y)}`;
    case 2: return `${d}/${m}/${pad4(y)}`;
    case 3: return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
    case 4: return `${pad4(y)}${pad2(m)}${pad2(d)}`;
    case 5: return `${pad2(d)}-${pad2(m)}-${pad4(y)}`;
    case 6: return `${pad2(d)}.${pad2(m)}.${pad4(y)}`;
    case 7: return pad4(y);
    case 8: return `${pad2(m)}/${pad4(y)}`;
    case 9: return `${pad4(y)}/${pad2(m)}/${pad2(d)}`;
    case 10: return `${pad4(y)}-${pad2(m)}`;
    case 11: return `${pad4(y)}.${pad2(m)}.${pad2(d)}`;
    case 12: return `${d}-${m}-${pad4(y)}`;
    case 13: return `${d}.${m}.${pad4(y)}`;
    case 14: return `${pad4(y)}-${pad2(m)}-${pad2(d)} 00:00:00`;
    case 15: return `${pad4(y)}-${pad2(m)}-${pad2(d)}T00:00:00`;
    default: return null;
  }
}

describe('name styles', () => {
  it('upperUnit is the one-unit upper case of every UTF-16 unit (−1 when it is not one unit), asked twice (the table)', () => {
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c <= 0xffff; c++) {
        const u = String.fromCharCode(c).toUpperCase();
        expect(upperUnit(c)).toBe(u.length === 1 ? u.charCodeAt(0) : -1);
      }
    }
  });

  it.each([
    ['nguyễn văn an', NAME_STYLE_LOWER],
    ['Nguyễn Văn An', NAME_STYLE_TITLE],
    ['NGUYỄN VĂN AN', NAME_STYLE_UPPER],
    ['Nguyễn văn An', NAME_STYLE_OTHER],
    ['Nguyễn  Văn An', NAME_STYLE_OTHER],
    ['Nguyễn Văn An'.normalize('NFD'), NAME_STYLE_OTHER],
  ])('%s → style %i', (written, style) => {
    expect(nameStyleOf(written, 'nguyễn văn an')).toBe(style);
  });

  it('a name rendered in its detected style is recognised again (property)', () => {
    const letters = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ';
    const token = fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 }), (tokens, style) => {
        const norm = normalizeText(tokens.join(' '));
        const written =
          style === NAME_STYLE_LOWER ? norm : style === NAME_STYLE_UPPER ? norm.toUpperCase() : norm.split(' ').map((t) => t[0]!.toUpperCase() + t.slice(1)).join(' ');
        expect(isNameInStyle(written, norm, style)).toBe(true);
        expect(isNameInStyle(written + ' x', norm, style)).toBe(false);
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});

describe('isNameInStyleUtf8 (the exact-name test on stored bytes)', () => {
  const encoder = new TextEncoder();
  const letters = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵßŉǰ ';
  /** `norm`'s bytes inside a larger pool, as a store keeps them. */
  function inPool(norm: string, pad: number): { bytes: Uint8Array; start: number; end: number } {
    const b = encoder.encode(norm);
    const bytes = new Uint8Array(pad + b.length + 3).fill(0xe1);
    bytes.set(b, pad);
    return { bytes, start: pad, end: pad + b.length };
  }
  const near = (norm: string): fc.Arbitrary<string> =>
    fc.oneof(
      fc.constant(norm),
      fc.constant(norm.toUpperCase()),
      fc.constant(norm.split(' ').map((t) => (t === '' ? t : t[0]!.toUpperCase() + t.slice(1))).join(' ')),
      fc.constant(norm.normalize('NFD')),
      fc.constant(norm.slice(0, -1)),
      fc.constant(norm + 'a'),
      fc.string({ unit: fc.constantFrom(...letters.toUpperCase() + letters), maxLength: 10 }),
    );

  it('says true exactly when isNameInStyle does, for every style, on Vietnamese text, odd letters and other planes (property)', () => {
    const norm = fc.oneof(
      fc.string({ unit: fc.constantFrom(...letters), maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        norm.chain((n) => fc.tuple(fc.constant(n), near(n))),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 5 }),
        ([n, written], style, pad) => {
          const { bytes, start, end } = inPool(n, pad);
          const expected = isNameInStyle(written, new TextDecoder().decode(bytes.subarray(start, end)), style);
          const got = isNameInStyleUtf8(written, bytes, start, end, style);
          // Outside the BMP it may decline (then the caller decodes); otherwise it must agree.
          if (/[\u{10000}-\u{10FFFF}]/u.test(n) || /[\uD800-\uDFFF]/.test(n)) expect(got && !expected).toBe(false);
          else expect(got).toBe(expected);
        },
      ),
      { seed: 29, numRuns: 3000 },
    );
  });

  it('declines bytes that are not well-formed UTF-8 rather than reading them as letters', () => {
    // 'an' as an overlong two-byte 'a', a truncated sequence, a lone continuation byte, an encoded surrogate.
    for (const bad of [[0xc1, 0xa1, 0x6e], [0x61, 0xe1, 0xba], [0x80, 0x6e], [0xed, 0xa0, 0x80]]) {
      const bytes = Uint8Array.from(bad);
      for (let style = 0; style <= 3; style++) expect(isNameInStyleUtf8('an', bytes, 0, bytes.length, style)).toBe(false);
    }
    // An encoded surrogate is not a letter the claim can have written (a decoder makes it U+FFFD).
    const surrogate = Uint8Array.from([0xed, 0xa0, 0x80]);
    expect(isNameInStyleUtf8('\uD800', surrogate, 0, 3, NAME_STYLE_LOWER)).toBe(false);
    expect(isNameInStyle('\uD800', new TextDecoder().decode(surrogate), NAME_STYLE_LOWER)).toBe(false);
    const ok = encoder.encode('nguyễn văn an');
    expect(isNameInStyleUtf8('Nguyễn Văn An', ok, 0, ok.length, NAME_STYLE_TITLE)).toBe(true);
    expect(isNameInStyleUtf8('NGUYỄN VĂN AN', ok, 0, ok.length, NAME_STYLE_UPPER)).toBe(true);
    expect(isNameInStyleUtf8('nguyễn văn an', ok, 0, ok.length, NAME_STYLE_LOWER)).toBe(true);
    expect(isNameInStyleUtf8('nguyễn văn an', ok, 0, ok.length, NAME_STYLE_OTHER)).toBe(false);
    expect(isNameInStyleUtf8('Nguyễn văn An', ok, 0, ok.length, NAME_STYLE_TITLE)).toBe(false);
  });
});

describe('date formats', () => {
  it('every format renders a date that parses back to it and is detected as that format (property)', () => {
    const date = fc.record({ y: fc.integer({ min: 1900, max: 2099 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) });
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: DATE_FORMAT.length - 1 }), fc.boolean(), ({ y, m, d }, code, mdy) => {
        const precision = DATE_FORMAT[code] === 'yyyy' ? 0 : DATE_FORMAT[code]!.includes('d') ? 2 : 1;
        const packed = y * 10000 + (precision >= 1 ? m * 100 : 0) + (precision === 2 ? d : 0);
        const text = renderDate(packed, code, mdy)!;
        const parsed = parseDate(text, { order: mdy ? 'mdy' : 'dmy' });
        expect(parsed.ok && parsed.packed).toBe(packed);
        const detected = dateFormatOf(text, packed, mdy);
        // d/m/yyyy and dd/mm/yyyy coincide when day and month have two digits.
        expect(renderDate(packed, detected, mdy)).toBe(text);
        expect(isDateWritten(text, packed, detected, mdy)).toBe(true);
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('isDateWritten(s, packed, code) is renderDate(packed, code) === s: renderings of this and nearby dates in every format, and their edits (property)', () => {
    // Years 1..12000 (short and five-digit ones included), unknown month / day (0) included.
    const packedDate = fc
      .record({ y: fc.integer({ min: 1, max: 12000 }), m: fc.integer({ min: 0, max: 12 }), d: fc.integer({ min: 0, max: 31 }) })
      .map(({ y, m, d }) => y * 10000 + m * 100 + d);
    const code = fc.integer({ min: -1, max: DATE_FORMAT.length });
    const edit = fc.oneof(
      fc.constant((t: string) => t),
      fc.constant((t: string) => t.slice(1)),
      fc.constant((t: string) => t.slice(0, -1)),
      fc.constant((t: string) => '0' + t),
      fc.constant((t: string) => t + '0'),
      fc.constant((t: string) => ` ${t}`),
      fc.tuple(fc.nat(), fc.constantFrom('0', '1', '9', '/', '-', '.', 'x')).map(([i, c]) => (t: string) => (t.length === 0 ? c : t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1))),
    );
    fc.assert(
      fc.property(packedDate, code, packedDate, code, edit, fc.boolean(), (packed, c, otherPacked, otherCode, change, mdy) => {
        const texts = [renderDate(packed, c, mdy), renderDate(packed, otherCode, mdy), renderDate(otherPacked, c, mdy), renderDate(packed + 1, c, mdy), renderDate(packed, c, !mdy)];
        for (const t of texts) {
          if (t === null) continue;
          for (const s of [t, change(t)]) expect(isDateWritten(s, packed, c, mdy)).toBe(renderDate(packed, c, mdy) === s);
        }
      }),
      { seed: 12, numRuns: 3000 },
    );
  });

  it('known answers', () => {
    expect(isDateWritten('1990-05-01', 19900501, 3)).toBe(true);
    expect(isDateWritten('1990-5-1', 19900501, 3)).toBe(false);
    expect(isDateWritten('1/5/1990', 19900501, 2)).toBe(true);
    expect(isDateWritten('01/05/1990', 19900501, 2)).toBe(false);
    expect(isDateWritten('0990', 9900000, 7)).toBe(true);
    expect(isDateWritten('', 19900501, 0)).toBe(false);
    expect(dateFormatOf('01/05/1990', 19900501)).toBe(1);
    expect(dateFormatOf('1/5/1990', 19900501)).toBe(2);
    expect(dateFormatOf('1990-05-01', 19900501)).toBe(3);
    expect(dateFormatOf('19900501', 19900501)).toBe(4);
    expect(dateFormatOf('00/00/1990', 19900000)).toBe(1);
    expect(dateFormatOf('1990', 19900000)).toBe(7);
    expect(dateFormatOf('05/1990', 19900500)).toBe(8);
    expect(dateFormatOf('1 May 1990', 19900501)).toBe(0);
    expect(dateFormatOf('01/05/1990 00:00', 19900501)).toBe(0);
    expect(dateFormatOf('05/1/1990', 19900105)).toBe(0); // mixed widths: no format
    expect(dateFormatOf('1990-01-05 00:00:00', 19900105)).toBe(14);
    expect(dateFormatOf('1990-01-05T00:00:00', 19900105)).toBe(15);
    expect(dateFormatOf('5.1.1990', 19900105)).toBe(13);
    expect(dateFormatOf('5-1-1990', 19900105)).toBe(12);
    expect(dateFormatOf('1990.01.05', 19900105)).toBe(11);
    // Month first: the day-first formats, the month where the day is.
    expect(dateFormatOf('01/05/1990', 19900105, true)).toBe(1);
    expect(dateFormatOf('01/05/1990', 19900105, false)).toBe(0);
    expect(isDateWritten('01/05/1990', 19900105, 1, true)).toBe(true);
    expect(isDateWritten('1/5/1990', 19900105, 2, true)).toBe(true);
    expect(isDateWritten('1990-01-05', 19900105, 3, true)).toBe(true); // ISO order is never swapped
    expect(isDateWritten('01/1990', 19900100, 8, true)).toBe(true);
    expect(renderDate(19900501, 0)).toBeNull();
  });
});

describe('form byte and sex cells', () => {
  it('pack and unpack round trip (exhaustive)', () => {
    for (let styles = 0; styles < 64; styles++) {
      const [s0, s1, s2] = [styles & 3, (styles >> 2) & 3, (styles >> 4) & 3];
      const packed = withNameStyle(withNameStyle(withNameStyle(0, 0, s0), 1, s1), 2, s2);
      for (const tail of [false, true]) {
        for (const rid of [false, true]) {
          const f = packForm(packed, tail, rid);
          expect(f).toBeLessThan(256);
          expect([formNameStyle(f, 0), formNameStyle(f, 1), formNameStyle(f, 2), formHasNameTail(f), formRecordIdIsNumber(f)]).toEqual([s0, s1, s2, tail, rid]);
          expect(formNameStyle(f)).toBe(s0);
        }
      }
    }
    for (const packed of [0, 19900501, 19900000, 99991231, 18000101]) {
      for (let format = 0; format < DATE_FORMAT.length; format++) {
        const cell = packDateCell(packed, format);
        expect(cell).toBeGreaterThanOrEqual(0);
        expect(cell).toBeLessThanOrEqual(0x7fffffff);
        expect([dateCellPacked(cell), dateCellFormat(cell)]).toEqual([packed, format]);
      }
    }
    expect(DATE_FORMAT.length).toBe(16); // the 4 bits of a date cell
    for (const code of [1, 2]) {
      for (let form = 0; form < SEX_FORM.length; form++) {
        const cell = packSex(code, form);
        expect(cell).toBeLessThan(256);
        expect([sexCodeOf(cell), sexFormOfCell(cell)]).toEqual([code, form]);
        if (form > 0) expect(sexFormOf(sexLabelOf(code, form)!, code)).toBe(form);
      }
    }
    expect(sexFormOf('Nữ', 2)).toBe(1);
    expect(sexFormOf('Nữ'.normalize('NFD'), 2)).toBe(0);
    expect(sexFormOf('Nam', 2)).toBe(0);
    expect(sexLabelOf(1, 0)).toBeNull();
  });
});

describe('name cell tails', () => {
  const encoder = new TextEncoder();
  it('a tail only when the style cannot render the value: the written text for style 0, the style for a field without a slot', () => {
    expect(nameTailOf(NAME_STYLE_LOWER, 'an', true)).toBeNull();
    expect(nameTailOf(NAME_STYLE_TITLE, 'An', true)).toBeNull();
    expect(nameTailOf(NAME_STYLE_UPPER, 'AN', true)).toBeNull();
    expect(nameTailOf(NAME_STYLE_OTHER, 'Ân'.normalize('NFD'), true)).toBe('\u0000\u0000' + 'Ân'.normalize('NFD'));
    expect(nameTailOf(NAME_STYLE_LOWER, 'an', false)).toBeNull();
    expect(nameTailOf(NAME_STYLE_TITLE, 'An', false)).toBe('\u0000\u0002');
    expect(nameTailOf(NAME_STYLE_UPPER, 'AN', false)).toBe('\u0000\u0003');
    expect(nameTailOf(NAME_STYLE_OTHER, 'aN', false)).toBe('\u0000\u0000aN');
    // A lone surrogate has no UTF-8 form: no text kept (the style alone, where it has no slot).
    expect(nameTailOf(NAME_STYLE_OTHER, 'a\uD800', true)).toBeNull();
    expect(nameTailOf(NAME_STYLE_OTHER, 'a\uD800', false)).toBe('\u0000\u0000');
  });

  it('nameCellNormEnd finds the separator inside the cell only', () => {
    const cell = encoder.encode('xx' + 'nguyễn an' + '\u0000\u0000Nguyễn  An' + '\u0000');
    const start = 2;
    const end = cell.length - 1;
    expect(nameCellNormEnd(cell, start, end)).toBe(2 + encoder.encode('nguyễn an').length);
    expect(nameCellNormEnd(cell, start, start + 3)).toBe(start + 3);
  });
});
