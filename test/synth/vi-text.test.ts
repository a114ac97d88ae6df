import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  adjacentKey,
  applyDialectRule,
  cleanNameText,
  dialectRules,
  halfCompose,
  isWellFormedVietnameseName,
  stripDiacritics,
  telexSpell,
  titleCaseToken,
  toEth,
  toggleTonePlacement,
} from '../../src/synth/vi-text.js';

describe('stripDiacritics', () => {
  it.each([
    ['Nguyễn Thị Đào', 'Nguyen Thi Dao'],
    ['ĐẶNG VĂN ƯỚC', 'DANG VAN UOC'],
    ['Ðức ðào', 'Duc dao'],
    ['Hoà  Thuỷ ', 'Hoa  Thuy '],
    ['plain', 'plain'],
  ])('%s → %s', (input, out) => {
    expect(stripDiacritics(input)).toBe(out);
    expect(stripDiacritics(input.normalize('NFD'))).toBe(out);
  });
});

describe('halfCompose', () => {
  it('keeps shape marks precomposed and makes tones combining', () => {
    expect(halfCompose('Nguyễn')).toBe('Nguy\u00ea\u0303n'); // ê + combining tilde
    expect(halfCompose('Hương')).toBe('H\u01b0\u01a1ng'); // no tone: ư ơ stay precomposed = NFC
    expect(halfCompose('Đặng')).toBe('\u0110\u0103\u0323ng'); // ă + combining dot below
    expect(halfCompose('Hà')).toBe('Ha\u0300');
  });
  it('is canonically equivalent to its input (property over names)', () => {
    for (const s of ['Nguyễn Thị Ánh Tuyết', 'Trần Quốc Toản', 'Phạm Ngọc Ước', 'Lê Thị Hồng Nhung']) {
      const h = halfCompose(s);
      expect(h.normalize('NFC')).toBe(s.normalize('NFC'));
      expect(h).not.toBe(s.normalize('NFC'));
    }
  });
});

describe('toggleTonePlacement', () => {
  it.each([
    ['Hòa', 'Hoà'],
    ['Hoà', 'Hòa'],
    ['Thủy', 'Thuỷ'],
    ['Thuỷ', 'Thủy'],
    ['Khỏe', 'Khoẻ'],
    ['Hòe', 'Hoè'],
    ['Thúy', 'Thuý'],
    ['Quý', 'Quý'], // qu + y: u belongs to the onset
    ['Khoa', 'Khoa'], // no tone
    ['Toàn', 'Toàn'], // closed syllable: one placement only
    ['Huỳnh', 'Huỳnh'],
    ['Nguyễn', 'Nguyễn'],
    ['Mai', 'Mai'],
  ])('%s → %s', (input, out) => {
    expect(toggleTonePlacement(input)).toBe(out);
  });
  it('is an involution and never changes the letters', () => {
    for (const s of ['Hòa', 'Thủy', 'Khỏe', 'Loan', 'Tuý', 'Xoà']) {
      expect(toggleTonePlacement(toggleTonePlacement(s))).toBe(s);
      expect(stripDiacritics(toggleTonePlacement(s))).toBe(stripDiacritics(s));
    }
  });
});

describe('telexSpell', () => {
  it.each([
    ['Nguyễn', 'Nguyeenx'],
    ['Đức', 'Dduwcs'],
    ['Hương', 'Huwowng'],
    ['Thị', 'Thij'],
    ['Ngọc', 'Ngocj'],
    ['Hệ', 'Heej'], // NFD puts the dot below before the circumflex
    ['Hằng', 'Hawngf'],
    ['An', 'An'],
  ])('%s → %s', (input, out) => {
    expect(telexSpell(input)).toBe(out);
  });
});

describe('dialect rules', () => {
  it.each([
    ['Trần', 'tr>ch', 'Chần'],
    ['Chi', 'ch>tr', 'Tri'],
    ['Giang', 'gi>d', 'Dang'],
    ['Dũng', 'd>gi', 'Giũng'],
    ['Dũng', 'd>v', 'Vũng'],
    ['Vinh', 'v>d', 'Dinh'],
    ['Sơn', 's>x', 'Xơn'],
    ['Xuân', 'x>s', 'Suân'],
    ['Lan', 'l>n', 'Nan'],
    ['Nam', 'n>l', 'Lam'],
    ['Hùng', '-ng>-n', 'Hùn'],
    ['Lan', '-n>-ng', 'Lang'],
    ['Thạch', '-ch>-t', 'Thạt'],
    ['Việt', '-t>-c', 'Việc'],
    ['Ngọc', '-c>-t', 'Ngọt'],
    ['Vỹ', '-y>-i', 'Vĩ'],
    ['Thi', '-i>-y', 'Thy'],
    ['Thủy', 'hoi<>nga', 'Thũy'],
    ['Minh', '-nh>-n', 'Min'],
  ] as const)('%s with %s → %s', (input, rule, out) => {
    expect(dialectRules(input)).toContain(rule);
    expect(applyDialectRule(input, rule)).toBe(out);
  });
  it('never offers n>l on ng/nh onsets, nor touches Đ', () => {
    expect(dialectRules('Nguyễn')).not.toContain('n>l');
    expect(dialectRules('Nhung')).not.toContain('n>l');
    expect(dialectRules('Đức').some((r) => r.startsWith('d>'))).toBe(false);
  });
  it('every rule changes the syllable (property over vendored-like syllables)', () => {
    for (const s of ['Trần', 'Dương', 'Giang', 'Rạng', 'Vân', 'Sáng', 'Xuân', 'Long', 'Nga', 'Phúc', 'Bích', 'Mỹ', 'Vy', 'Lý']) {
      for (const r of dialectRules(s)) expect(applyDialectRule(s, r)).not.toBe(s);
    }
  });
});

describe('isWellFormedVietnameseName', () => {
  it.each(['Nguyễn', 'Trần Thị Thu Hà', 'Quỳnh', 'Giang', 'Khuyến', 'Ngô', 'Y', 'Đặng', 'Hoàng', 'Nghiêm', 'Thuỷ', 'Quách'])(
    'accepts %s',
    (s) => expect(isWellFormedVietnameseName(s)).toBe(true),
  );
  it.each(['Buøi', 'Laâm', 'Ñoã', 'Döông', 'Vuõ', 'Ngeou', 'Jơ', 'Fan', 'Y-', '', 'Nguyễễn', 'Hàá'])('rejects %j', (s) =>
    expect(isWellFormedVietnameseName(s)).toBe(false),
  );
});

describe('small helpers', () => {
  it('cleanNameText: NFC, Ð→Đ, spacing, title case', () => {
    expect(cleanNameText('Ðức  anh')).toBe('Đức Anh');
    expect(cleanNameText('xuân xanh'.normalize('NFD'))).toBe('Xuân Xanh');
  });
  it('titleCaseToken and toEth', () => {
    expect(titleCaseToken('đỗ')).toBe('Đỗ');
    expect(toEth('Đào đức')).toBe('\u00d0ào \u00f0ức');
  });
  it('adjacentKey returns a QWERTY neighbour of the same case, never the key itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), fc.nat(), (ch, pick) => {
        const r = adjacentKey(ch, pick);
        return r !== ch && r.toLowerCase() !== ch.toLowerCase() && (ch === ch.toLowerCase()) === (r === r.toLowerCase());
      }),
    );
    expect(adjacentKey('g', 0)).toBe('f');
    expect(adjacentKey('1', 0)).toBe('1');
  });
});
