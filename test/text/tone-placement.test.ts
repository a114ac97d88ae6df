import { describe, expect, it } from 'vitest';
import { canonicalTonePosition } from '../../src/text/tone-placement.js';

/**
 * Syllables written as toneless letters with shape marks spelled out: 'a^' = â, 'a(' = ă,
 * 'o+' = ơ, 'u+' = ư, 'd-' = đ; expected = index (in letters) of the tone carrier.
 */
const CASES: ReadonlyArray<readonly [string, number, string]> = [
  ['a', 0, 'single vowel'],
  ['ba', 1, 'single vowel'],
  ['hoa', 1, 'oa, no final: first vowel (old style hòa)'],
  ['khoe', 2, 'oe, no final: first vowel (khỏe)'],
  ['thuy', 2, 'uy, no final: first vowel (thủy)'],
  ['nguy', 2, 'uy after ng: ngụy'],
  ['quy', 2, 'qu + y: quý'],
  ['qua', 2, 'qu + a: quà'],
  ['quynh', 2, 'qu + y + nh: quỳnh'],
  ['quai', 2, 'qu + ai: quái'],
  ['gia', 2, 'gi + a: giá'],
  ['gi', 1, 'gì: i is the vowel'],
  ['gin', 1, 'gìn: i is the vowel'],
  ['giu+', 2, 'gi + ư: giữ'],
  ['giu+o+ng', 3, 'gi + ươ + ng: giường'],
  ['hoang', 2, 'final consonant: last vowel (hoàng)'],
  ['toan', 2, 'toán'],
  ['huynh', 2, 'huỳnh'],
  ['khoet', 3, 'khoét'],
  ['hoach', 2, 'hoạch'],
  ['ngoai', 3, 'oai: middle (ngoài)'],
  ['xoay', 2, 'oay: middle (xoáy)'],
  ['khuyu', 3, 'uyu: middle (khuỷu)'],
  ['khuya', 3, 'uya: middle'],
  ['ngoeo', 3, 'oeo: middle (ngoẹo)'],
  ['tai', 1, 'ai: first (tài)'],
  ['mua', 1, 'ua: first (múa)'],
  ['mia', 1, 'ia: first (mía)'],
  ['keo', 1, 'eo: first (kéo)'],
  ['tui', 1, 'ui: first (túi)'],
  ['thu+o+', 3, 'uơ: horn (thuở)'],
  ['ngu+o+i', 3, 'ươi: last shaped (người)'],
  ['ru+o+u', 2, 'ươu: last shaped (rượu)'],
  ['tuo^i', 2, 'uôi: ô (tuổi)'],
  ['khuye^n', 4, 'uyê: ê (khuyến)'],
  ['nguye^n', 4, 'Nguyễn'],
  ['cu+a', 1, 'ưa: ư (cửa)'],
  ['cu+u', 1, 'ưu: ư (cứu)'],
  ['tua^n', 2, 'uâ: â (tuấn)'],
  ['xoa(n', 2, 'oă: ă (xoắn)'],
  ['hue^', 2, 'uê: ê (huế)'],
  ['ye^u', 1, 'yê: ê (yêu)'],
  ['tie^ng', 2, 'iê: ê (tiếng)'],
  ['d-a(ng', 1, 'đ initial: ặ (Đặng)'],
  ['moong', 2, 'oo + final: last (moóng)'],
  ['jose', -1, 'two vowel clusters: not one syllable'],
  ['ng', -1, 'no vowel'],
  ['d-ad-', -1, 'đ after the vowel cluster'],
];

function letters(spec: string): { bases: number[]; shapes: number[] } {
  const bases: number[] = [];
  const shapes: number[] = [];
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const next = spec[i + 1];
    if (c === 'd' && next === '-') {
      bases.push(0x111);
      shapes.push(0);
      i++;
      continue;
    }
    bases.push(c.charCodeAt(0));
    const shape = next === '^' ? 1 : next === '(' ? 2 : next === '+' ? 3 : 0;
    shapes.push(shape);
    if (shape !== 0) i++;
  }
  return { bases, shapes };
}

describe('canonicalTonePosition', () => {
  for (const [spec, expected, what] of CASES) {
    it(`${spec} → ${expected} (${what})`, () => {
      const { bases, shapes } = letters(spec);
      expect(canonicalTonePosition(bases, shapes, bases.length)).toBe(expected);
    });
  }

  it('reads only `len` entries (trailing garbage ignored)', () => {
    const { bases, shapes } = letters('hoaxyz');
    expect(canonicalTonePosition(bases, shapes, 3)).toBe(1);
  });
});
