import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { foldHeader, headerLooksLikeValue, parseMapArgument, suggestColumnMapping, valueLikeHeaderPositions } from '../../src/io/column-mapping.js';

/** [header, field, kind, confidence] for a header on its own. */
const ALONE: Array<[string, string | null, string | null, 'exact' | 'partial' | null]> = [
  ['ho_ten', 'name', 'personName', 'exact'],
  ['ho_va_ten', 'name', 'personName', 'exact'],
  ['hoten', 'name', 'personName', 'exact'],
  ['Họ và tên', 'name', 'personName', 'exact'],
  ['HỌ VÀ TÊN', 'name', 'personName', 'exact'],
  ['ten', 'name', 'personName', 'exact'], // alone, "tên" is the full name
  ['Tên', 'name', 'personName', 'exact'],
  ['ho', 'familyName', 'familyName', 'exact'],
  ['ngay_sinh', 'dob', 'date', 'exact'],
  ['ngaysinh', 'dob', 'date', 'exact'],
  ['Ngày sinh', 'dob', 'date', 'exact'],
  ['nam_sinh', 'dob', 'date', 'exact'],
  ['so_cccd', 'id', 'nationalId', 'exact'],
  ['cccd', 'id', 'nationalId', 'exact'],
  ['Số CCCD', 'id', 'nationalId', 'exact'],
  ['so_dinh_danh', 'id', 'nationalId', 'exact'],
  ['Số định danh cá nhân', 'id', 'nationalId', 'exact'],
  ['cmnd', 'id', 'nationalId', 'exact'],
  ['so_cmnd', 'id', 'nationalId', 'exact'],
  ['gioi_tinh', 'sex', 'sex', 'exact'],
  ['Giới tính', 'sex', 'sex', 'exact'],
  ['tinh', 'province', 'category', 'exact'],
  ['tinh_thanh', 'province', 'category', 'exact'],
  ['Tỉnh/Thành phố', 'province', 'category', 'exact'],
  ['que_quan', 'hometown', 'text', 'exact'],
  ['dia_chi', 'address', 'text', 'exact'],
  ['Địa chỉ thường trú', 'address', 'text', 'exact'],
  ['full_name', 'name', 'personName', 'exact'],
  ['FullName', 'name', 'personName', 'exact'],
  ['name', 'name', 'personName', 'exact'],
  ['first_name', 'givenName', 'givenName', 'exact'],
  ['firstName', 'givenName', 'givenName', 'exact'],
  ['surname', 'familyName', 'familyName', 'exact'],
  ['last_name', 'familyName', 'familyName', 'exact'],
  ['dob', 'dob', 'date', 'exact'],
  ['DOB', 'dob', 'date', 'exact'],
  ['date_of_birth', 'dob', 'date', 'exact'],
  ['dateOfBirth', 'dob', 'date', 'exact'],
  ['birth_date', 'dob', 'date', 'exact'],
  ['sex', 'sex', 'sex', 'exact'],
  ['gender', 'sex', 'sex', 'exact'],
  ['city', 'city', 'category', 'exact'],
  ['province', 'province', 'category', 'exact'],
  ['address', 'address', 'text', 'exact'],
  ['email', 'email', 'identifier', 'exact'],
  ['phone', 'phone', 'identifier', 'exact'],
  ['Số điện thoại', 'phone', 'identifier', 'exact'],
  ['id', 'recordId', 'identifier', 'exact'],
  ['national_id', 'id', 'nationalId', 'exact'],
  ['unique_id', 'recordId', 'identifier', 'exact'],
  ['rec_id', 'recordId', 'identifier', 'exact'],
  ['so_bhxh', 'socialInsuranceId', 'identifier', 'exact'],
  ['ma_so_thue', 'taxId', 'identifier', 'exact'],
  ['soc_sec_id', 'ssn', 'identifier', 'exact'],
  ['SSN', 'ssn', 'identifier', 'exact'],
  ['social_security_number', 'ssn', 'identifier', 'exact'],
  ['postcode', 'postcode', 'category', 'exact'],
  ['ZIP code', 'postcode', 'category', 'exact'],
  ['suburb', 'city', 'category', 'exact'],
  // partial: a run of words, or a Vietnamese stem inside a run-together header
  ['patient_date_of_birth', 'dob', 'date', 'partial'],
  ['NgaySinhBenhNhan', 'dob', 'date', 'partial'],
  ['ngay_sinh_me', 'dob', 'date', 'partial'],
  ['so_cccd_nguoi_khai', 'id', 'nationalId', 'partial'],
  ['email_cong_viec', 'email', 'identifier', 'partial'],
  // no guess: short English keys are never matched inside other words
  ['adobe', null, null, null],
  ['sextant', null, null, null],
  ['idea', null, null, null],
  ['Đơn vị', null, null, null],
  ['', null, null, null],
  // no guess: one Vietnamese syllable inside a longer header is part of another word (hồ sơ,
  // hộ khẩu, chủ hộ, tình trạng, tin nhắn) — it was a family name / province / tax id
  ['ma_ho_so', null, null, null],
  ['so_ho_khau', null, null, null],
  ['chu_ho', null, null, null],
  ['tinh_trang_hon_nhan', null, null, null],
  ['tin_nhan', null, null, null],
  ['gioi_thieu', null, null, null],
  // …but alone it is the field
  ['ho', 'familyName', 'familyName', 'exact'],
  ['Tỉnh', 'province', 'category', 'exact'],
];

describe('suggestColumnMapping', () => {
  for (const [header, field, kind, confidence] of ALONE) {
    it(`${JSON.stringify(header)} → ${field ?? 'nothing'}`, () => {
      expect(suggestColumnMapping([header])[0]).toEqual({ header, position: 1, field, kind, confidence });
    });
  }

  it('ten is the given name when a family-name column exists; cmnd is oldId beside a CCCD column', () => {
    const s = suggestColumnMapping(['ho', 'ten_dem', 'ten', 'so_cccd', 'so_cmnd']);
    expect(s.map((x) => [x.field, x.kind])).toEqual([
      ['familyName', 'familyName'],
      ['middleName', 'text'],
      ['givenName', 'givenName'],
      ['id', 'nationalId'],
      ['oldId', 'nationalId'],
    ]);
  });

  it('gives each field to one column: exact before partial, then leftmost; the others point at it', () => {
    const s = suggestColumnMapping(['ngay_sinh_me', 'ho_ten', 'full_name', 'ngay_sinh']);
    expect(s).toEqual([
      { header: 'ngay_sinh_me', position: 1, field: null, kind: 'date', confidence: 'partial', sameAs: 4 },
      { header: 'ho_ten', position: 2, field: 'name', kind: 'personName', confidence: 'exact' },
      { header: 'full_name', position: 3, field: null, kind: 'personName', confidence: 'exact', sameAs: 2 },
      { header: 'ngay_sinh', position: 4, field: 'dob', kind: 'date', confidence: 'exact' },
    ]);
  });

  it('a typical sector extract maps completely', () => {
    const headers = ['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'Tỉnh/TP', 'Địa chỉ', 'Số điện thoại'];
    const mapping = Object.fromEntries(suggestColumnMapping(headers).filter((s) => s.field !== null).map((s) => [s.field, s.header]));
    expect(mapping).toEqual({
      recordId: 'STT',
      name: 'Họ và tên',
      dob: 'Ngày sinh',
      sex: 'Giới tính',
      id: 'Số CCCD',
      province: 'Tỉnh/TP',
      address: 'Địa chỉ',
      phone: 'Số điện thoại',
    });
  });

  it('folds headers', () => {
    expect(foldHeader('Họ và Tên ĐẦY ĐỦ')).toBe('hovatendaydu');
    expect(foldHeader('ngày_sinh (dd/mm/yyyy)')).toBe('ngaysinhddmmyyyy');
    expect(foldHeader('Ho\u0323 te\u0302n')).toBe('hoten'); // decomposed (NFD) input
  });

  it('rejects a non-array', () => {
    expect(() => suggestColumnMapping('ho_ten' as never)).toThrow(/array of header names/);
  });
});

describe('parseMapArgument', () => {
  it('parses field=column pairs, trimming spaces; quoted columns may hold , = and quotes', () => {
    const m = parseMapArgument(' name = ho_ten ,dob=ngay_sinh, addr="Địa chỉ, nơi ở", q="a ""b"" = c"');
    expect(Object.getPrototypeOf(m)).toBeNull();
    expect({ ...m }).toEqual({ name: 'ho_ten', dob: 'ngay_sinh', addr: 'Địa chỉ, nơi ở', q: 'a "b" = c' });
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('checks columns against the header and lists every problem together', () => {
    let err: unknown;
    try {
      parseMapArgument('name=hoten,dob=ngay_sinh,x,=y,name=z,sex=,id="open', ['ho_ten', 'ngay_sinh', 'so_cccd']);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as { details: { problems: string[] } }).details.problems).toEqual([
      'entry 7: quoted column name is not closed',
      'entry 1: column "hoten" (for field "name") is not in the header; did you mean "ho_ten"?',
      'entry 3: expected field=column, found no "="',
      'entry 4: empty field name before "="',
      'entry 5: field "name" is mapped more than once',
      'entry 6: empty column name after "="',
      'entry 7: column "open" (for field "id") is not in the header',
    ]);
  });

  it('suggests the header that differs only by case or diacritics', () => {
    expect(() => parseMapArgument('name=Ho Ten', ['Họ tên', 'x'])).toThrow('did you mean "Họ tên"?');
  });

  it('refuses an empty argument, doubled and trailing commas; __proto__ is an ordinary field', () => {
    expect(() => parseMapArgument('')).toThrow(/empty mapping/);
    expect(() => parseMapArgument('a=b,,c=d')).toThrow(/entry 2: empty entry/);
    expect(() => parseMapArgument('a=b,')).toThrow(/trailing comma/);
    const m = parseMapArgument('__proto__=x');
    expect(Object.keys(m)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe('headerLooksLikeValue (a file whose first record was read as its header)', () => {
  // names that real exports use, including digits beside letters and a lone year
  const NAMES = [
    ...ALONE.map(([h]) => h),
    'record_id', 'stt', 'so_cccd', 'ho_ten', 'ngay_sinh', 'Ngày sinh', 'gioi_tinh', 'tinh', 'dia_chi', 'ghi_chu',
    '2024 income', 'thu_nhap_2024', 'Q1/2024 amount', 'col12345x', '2024', '1990', 'A1', '1', '0', '42', '2023-24', '2023-2024', '(028) 3822',
    'id_12345', 'Nam', 'Nữ', 'Hồ Chí Minh', 'x-1', '(1)', '#', 'email', 'e-mail@', '@handle', 'a@b', 'user@host name.vn',
    // a month alone: the column of a monthly figure (payroll, social-insurance exports)
    '01/2024', '02/2024', '2024-01', '2024/01', '12.2020', '2020.12', '05.2020', '1990-05', '05/1990',
  ];
  it.each(NAMES)('%j is a name', (h) => {
    expect(headerLooksLikeValue(h)).toBe(false);
  });
  // values: IDs, dates, phone numbers, record numbers
  const VALUES = [
    '079216667865', '001169410986', '12345', '00012', '0912 345 678', '+84 912 345 678', '29/05/2016',
    '3/12/1969', '1990-05-01', '19900501', '12.345.678', ' 079216667865 ', '０７９２１６６６７８６５', '001-090-012-345',
    // e-mail addresses: a headerless file of names, sexes and e-mails has no number or date to tell
    'leak@example.com', 'nguyen.van.an@mail.gov.vn', ' a.b@c.de ',
  ];
  it.each(VALUES)('%j is a value', (h) => {
    expect(headerLooksLikeValue(h)).toBe(true);
  });
  it('lists 1-based positions', () => {
    expect(valueLikeHeaderPositions(['0', '079216667865', 'Văn Mẫn Nguyên', '29/05/2016', 'Nam'])).toEqual([2, 4]);
    expect(valueLikeHeaderPositions(['ho_ten', 'ngay_sinh'])).toEqual([]);
  });
  it('parseMapArgument names no header when one looks like a value (the "did you mean" would echo a record)', () => {
    const headers = ['0', '079216667865', 'Văn Mẫn Nguyên', '29/05/2016', 'Nam'];
    let message = '';
    try {
      parseMapArgument('name=Văn Mẫn Nguyễn,dob=29/05/2017', headers);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('is not in the header');
    expect(message).not.toContain('did you mean');
    expect(message).toContain("the header's columns 2, 4 look like a data value");
    for (const h of headers.slice(1)) expect(message.replace(/Văn Mẫn Nguyễn|29\/05\/2017/g, '')).not.toContain(h);
  });
});
