import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ClaimName, compareName } from '../../src/register/name-verdict.js';
import { canonicalPersonName } from '../../src/register/person-name-form.js';
import { NAME, NAME_OUTCOMES } from '../../src/register/verdict.js';
import { nameStyleOf } from '../../src/register/written-form.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_BOY_NAMES, VN_GIRL_NAMES } from '../../src/data/vn-name-parts.js';
import { stripDiacritics, toggleTonePlacement } from '../../src/synth/vi-text.js';

/** result/reason of a claim against a register name as written. */
function verdictOf(claim: string, registerName: string): string {
  const rec = canonicalPersonName(registerName, 'vi')!.norm;
  const o = compareName(new ClaimName(claim.trim(), 'vi', true), rec, nameStyleOf(registerName.trim(), rec));
  const v = NAME_OUTCOMES[o]!.verdict;
  return `${v.result}/${v.reason}`;
}

describe('compareName known answers', () => {
  it.each([
    ['Nguyễn Văn An', 'Nguyễn Văn An', 'exact/as-written'],
    ['nguyễn văn an', 'nguyễn văn an', 'exact/as-written'],
    ['Nguyen Van An', 'Nguyễn Văn An', 'equivalent/diacritics'],
    ['Nguyễn Văn An', 'NGUYEN VAN AN', 'equivalent/diacritics'],
    ['Nguyễn Văn Ân', 'Nguyễn Văn An', 'close/diacritics-differ'],
    ['Nguyễn Văn Án', 'Nguyễn Văn Ân', 'close/diacritics-differ'],
    ['Thuỷ', 'Thủy', 'equivalent/tone-placement'],
    ['Lê Thị Thuỷ', 'Lê Thị Thủy', 'equivalent/tone-placement'],
    ['Hồ Ngọc Hà', 'Hồ Ngọc Hà'.normalize('NFD'), 'equivalent/register-form'],
    ['Âu Dương Phong', 'Âu Dương Phong', 'exact/as-written'],
    ['Âu Phong', 'Âu Dương Phong', 'mismatch/differs'],
    ['Nguyễn Thị Minh Khai', 'Nguyễn Minh Khai', 'close/middle-name-missing'],
    ['Nguyễn V. An', 'Nguyễn Văn An', 'close/middle-initial'],
    ['Nguyễn Thị M. Khai', 'Nguyễn Thị Minh Khai', 'close/middle-initial'],
    ['Nguyễn M. Khai', 'Nguyễn Thị Minh Khai', 'close/middle-initial'],
    ['Trần Văn Sương', 'Trần Văn Xương', 'close/dialect-spelling'],
    ['Lê Văn Lan', 'Lê Văn Lang', 'close/dialect-spelling'],
    ['Lê Văn Nam', 'Lê Văn Lâm', 'close/dialect-spelling'],
    ['Võ Văn Kiệt', 'Đỗ Văn Kiệt', 'close/typo'],
    ['Võ Văn Kiệt', 'Đỗ Văn Hùng', 'mismatch/differs'],
    ['thủy', 'Thuỷ', 'equivalent/register-form'],
    ['Anh', 'An', 'close/typo'],
    ['Hoàng Lê Long', 'Lê Hoàng Long', 'close/name-order'],
    ['Phạm Long', 'Lê Long', 'mismatch/differs'],
  ])('%s vs register %s → %s', (claim, reg, expected) => {
    expect(verdictOf(claim, reg)).toBe(expected);
  });

  it('missing sides and invalid claims', () => {
    expect(compareName(null, 'nguyễn văn an', 1)).toBe(0);
    expect(compareName(new ClaimName('An', 'vi', true), null, 1)).toBe(1);
    expect(compareName(new ClaimName('?!', 'vi', true), 'nguyễn văn an', 1)).toBe(NAME.INVALID);
  });
});

describe('benign variants of real names are never worse than equivalent (property)', () => {
  const families = VN_FAMILY_NAME_SHARES.slice(0, 60).map(([f]) => f);
  const given = [...VN_BOY_NAMES.slice(0, 300), ...VN_GIRL_NAMES.slice(0, 300)];
  const name = fc.tuple(fc.constantFrom(...families), fc.constantFrom(...given)).map(([f, g]) => `${f} ${g}`);
  const variants: Array<[string, (s: string) => string]> = [
    ['NFD', (s) => s.normalize('NFD')],
    ['upper', (s) => s.toUpperCase()],
    ['lower', (s) => s.toLowerCase()],
    ['no diacritics', (s) => stripDiacritics(s)],
    ['tone style', (s) => s.split(' ').map(toggleTonePlacement).join(' ')],
    ['spaces', (s) => ` ${s.split(' ').join('  ')} `],
    ['given first', (s) => {
      const t = s.split(' ');
      return [t[t.length - 1], ...t.slice(0, -1)].join(' ');
    }],
  ];
  it.each(variants)('%s', (_label, variant) => {
    fc.assert(
      fc.property(name, (n) => {
        const r = verdictOf(variant(n), n);
        expect(['exact', 'equivalent']).toContain(r.split('/')[0]);
      }),
      { seed: 17, numRuns: 150 },
    );
  });
});

describe('ClaimName fast paths: the facts compareName relies on', () => {
  // Names, punctuation, other scripts, look-alikes and invisible characters, glued or spaced.
  const odd = ['😀', '-', '.', ' ', 'Ð', '\u0301', "K'Nhiêu", '\u200b', 'Ɖ', 'ð', 'Ａｎ', '\u00ad', 'ß', 'İ', '\u00a0', '１２', "'", '’', '—', '·', '中', 'я', '`', 'q`q'];
  const token = fc.oneof(fc.constantFrom('Nguyễn', 'Văn', 'An', 'thị', 'Hòa', 'hoà', 'Tôn', 'Thất', ...odd), fc.string({ maxLength: 4 }));
  const text = fc.tuple(fc.array(token, { minLength: 1, maxLength: 5 }), fc.constantFrom(' ', '', '-', '  ')).map(([t, sep]) => t.join(sep).trim());

  it('empty ⇔ the folded form is empty; without a backtick the written folded form is the quick folded form', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('vi', 'generic'), fc.boolean(), (t, locale, full) => {
        if (t === '') return;
        const c = new ClaimName(t, locale as 'vi' | 'generic', full);
        expect(c.orderings.length === 0).toBe(c.quickFolded === '');
        if (c.orderings.length > 0) {
          expect(c.writtenFolded).toBe(c.orderings[0]!.folded);
          if (!t.includes('`')) expect(c.orderings[0]!.folded).toBe(c.quickFolded);
        }
      }),
      { seed: 29, numRuns: 5000 },
    );
  });

  it('every ordering folds to a permutation of the written words (same length and code-unit sum)', () => {
    const sum = (s: string) => [...s].reduce((a, ch) => a + ch.charCodeAt(0), 0);
    fc.assert(
      fc.property(text, fc.constantFrom('vi', 'generic'), (t, locale) => {
        if (t === '') return;
        const c = new ClaimName(t, locale as 'vi' | 'generic', true);
        const o = c.orderings;
        for (const x of o) {
          expect(x.folded.length).toBe(o[0]!.folded.length);
          expect(sum(x.folded)).toBe(sum(o[0]!.folded));
          expect(c.mayBePermutationOf(x.folded)).toBe(true);
        }
      }),
      { seed: 30, numRuns: 5000 },
    );
  });
});
