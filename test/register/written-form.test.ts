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
  dateFormatOf,
  formDateFormat,
  formNameStyle,
  formRecordIdIsNumber,
  isNameInStyle,
  nameStyleOf,
  packForm,
  packSex,
  renderDate,
  sexCodeOf,
  sexFormOf,
  sexFormOfCell,
  sexLabelOf,
  upperUnit,
} from '../../src/register/written-form.js';

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

describe('date formats', () => {
  it('every format renders a date that parses back to it and is detected as that format (property)', () => {
    const date = fc.record({ y: fc.integer({ min: 1900, max: 2099 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) });
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: DATE_FORMAT.length - 1 }), ({ y, m, d }, code) => {
        const precision = DATE_FORMAT[code] === 'yyyy' ? 0 : DATE_FORMAT[code]!.includes('d') ? 2 : 1;
        const packed = y * 10000 + (precision >= 1 ? m * 100 : 0) + (precision === 2 ? d : 0);
        const text = renderDate(packed, code)!;
        const parsed = parseDate(text);
        expect(parsed.ok && parsed.packed).toBe(packed);
        const detected = dateFormatOf(text, packed);
        // d/m/yyyy and dd/mm/yyyy coincide when day and month have two digits.
        expect(renderDate(packed, detected)).toBe(text);
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('known answers', () => {
    expect(dateFormatOf('01/05/1990', 19900501)).toBe(1);
    expect(dateFormatOf('1/5/1990', 19900501)).toBe(2);
    expect(dateFormatOf('1990-05-01', 19900501)).toBe(3);
    expect(dateFormatOf('19900501', 19900501)).toBe(4);
    expect(dateFormatOf('00/00/1990', 19900000)).toBe(1);
    expect(dateFormatOf('1990', 19900000)).toBe(7);
    expect(dateFormatOf('05/1990', 19900500)).toBe(8);
    expect(dateFormatOf('1 May 1990', 19900501)).toBe(0);
    expect(dateFormatOf('01/05/1990 00:00', 19900501)).toBe(0);
    expect(renderDate(19900501, 0)).toBeNull();
  });
});

describe('form byte and sex cells', () => {
  it('pack and unpack round trip (exhaustive)', () => {
    for (let name = 0; name < 4; name++) {
      for (let date = 0; date < DATE_FORMAT.length; date++) {
        for (const rid of [false, true]) {
          const f = packForm(name, date, rid);
          expect(f).toBeLessThan(256);
          expect([formNameStyle(f), formDateFormat(f), formRecordIdIsNumber(f)]).toEqual([name, date, rid]);
        }
      }
    }
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
