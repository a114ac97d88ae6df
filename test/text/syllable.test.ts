import { describe, expect, it } from 'vitest';
import { VN_BOY_SYLLABLES, VN_GIRL_SYLLABLES } from '../../src/data/vn-name-parts.js';
import { foldToAscii } from '../../src/text/fold.js';
import { normalizeText } from '../../src/text/normalize.js';
import { isVietnameseSyllable } from '../../src/text/syllable.js';

describe('isVietnameseSyllable', () => {
  const valid = [
    'nguyễn', 'nguyen', 'trần', 'lê', 'phạm', 'huỳnh', 'quý', 'quốc', 'quỳnh', 'giá', 'gì', 'gìn', 'giường',
    'nghiêng', 'người', 'khuya', 'khuỷu', 'ngoài', 'thuở', 'đặng', 'ơi', 'ư', 'a', 'oanh', 'khoẻ'.normalize('NFC'),
    'hòa', 'thủy', 'yến', 'uyên', 'xoong',
  ];
  const invalid = [
    '', 'buøi', 'laâm', 'ñoã', 'döông', 'vuõ', 'ngoâ', 'chaâu', 'taï', 'băši', 'y-', 'ngeou', 'jơ', 'john', 'samuel',
    'võõ', 'hóà', 'ng', 'nguyễnn', 'xq', 'qa', 'Nguyen', 'a1', 'ǹa', 'strong', 'anh em',
  ];
  for (const t of valid) it(`accepts ${t}`, () => expect(isVietnameseSyllable(normalizeText(t))).toBe(true));
  for (const t of invalid) it(`rejects ${JSON.stringify(t)}`, () => expect(isVietnameseSyllable(t)).toBe(false));

  it('accepts every vendored given-name syllable, with and without diacritics', () => {
    const bad: string[] = [];
    for (const s of [...VN_BOY_SYLLABLES, ...VN_GIRL_SYLLABLES]) {
      const n = normalizeText(s);
      if (!isVietnameseSyllable(n) || !isVietnameseSyllable(foldToAscii(n))) bad.push(n);
    }
    expect(bad).toEqual([]);
  });
});
