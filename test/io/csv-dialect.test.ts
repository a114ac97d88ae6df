import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectCsvDelimiter, sampleIsEnough, SNIFF_MAX_CHARS } from '../../src/io/csv-dialect.js';

describe('detectCsvDelimiter', () => {
  const cases: Array<[string, string, boolean, string]> = [
    ['comma file', 'ho_ten,ngay_sinh\nAn,01/01/1990\nBình,02/02/1991\n', true, ','],
    ['semicolon file with commas in addresses', 'ho_ten;dia_chi\nAn;12 Lê Lợi, P. Vĩnh Ninh, Huế\nBình;3, Hàng Bài\n', true, ';'],
    ['tab file with commas and semicolons in values', 'a\tb\tc\n1,5\tx;y\tz\n2\t3\t4\n', true, '\t'],
    ['comma file whose quoted values hold semicolons', 'a,b\n"x;y;z",1\n"p;q",2\n', true, ','],
    ['header only, semicolons', 'a;b;c', true, ';'],
    ['single column', 'ho_ten\nAn\nBình\n', true, ','],
    ['empty', '', true, ','],
    ['exact tie goes to comma', 'a,b;c\n1,2;3\n', true, ','],
    ['equal consistency: more columns wins', 'a;b;c,d\n1;2;3,4\n', true, ';'],
    ['quoted header names with delimiters inside', '"a,1";"b,2"\nx;y\n', true, ';'],
    ['inconsistent commas lose to consistent semicolons', 'a;b\n1,1;2\n3;4,4,4\n5;6\n', true, ';'],
    ['CRLF lines', 'a;b\r\n1;2\r\n3;4\r\n', true, ';'],
    ['pipe file with commas and semicolons in addresses', 'ho_ten|dia_chi|ngay_sinh\nAn|12 Lê Lợi, P. Vĩnh Ninh; Huế|01/01/1990\nBình|3, Hàng Bài|02/02/1991\n', true, '|'],
    ['exact tie of comma and pipe goes to comma', 'a,b|c\n1,2|3\n', true, ','],
  ];
  for (const [name, sample, complete, want] of cases) {
    it(name, () => expect(detectCsvDelimiter(sample, complete)).toBe(want));
  }

  it('ignores an incomplete last line when the sample is not the whole file', () => {
    // last line "3" would break semicolon consistency if counted
    expect(detectCsvDelimiter('a;b\n1;2\n3', false)).toBe(';');
  });

  it('finds the delimiter a table was written with, when its values hold none of the candidates (seeded tables)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', 'ễ', ' ', '1', '/', '.', '-'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.constantFrom(',', ';', '\t', '|'), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 25 }), cell, (d, columns, rows, v) => {
        const line = Array.from({ length: columns }, (_, i) => `${v}${i}`).join(d);
        const text = [line, ...Array.from({ length: rows }, () => line)].join('\n') + '\n';
        expect(detectCsvDelimiter(text, true)).toBe(d);
      }),
    );
  });

  it('decides on enough text', () => {
    expect(sampleIsEnough('a\n'.repeat(5))).toBe(false);
    expect(sampleIsEnough('a\n'.repeat(25))).toBe(true);
    expect(sampleIsEnough('x'.repeat(SNIFF_MAX_CHARS))).toBe(true);
  });
});
