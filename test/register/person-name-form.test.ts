import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPersonName, candidateKey, splitName, type RegisterNameLocale } from '../../src/register/person-name-form.js';
import { nameKey } from '../../src/keys/name-part-key.js';
import { foldToAscii } from '../../src/text/fold.js';
import { normalizeText } from '../../src/text/normalize.js';

describe('canonicalPersonName with the normalised text given (the claim side) equals it without', () => {
  // Vietnamese and other tokens joined by spaces, runs of spaces, punctuation the tokenizer
  // splits on, leading and trailing separators — so that the written tokens sometimes are,
  // and sometimes are not, the normalised text itself.
  const token = fc.constantFrom('Nguyễn', 'Văn', 'An', 'Thị', 'Hoà', 'Âu', 'Dương', 'Tôn', 'Nữ', 'John', 'Smith', "K'Nhiêu", 'Đặng', 'x');
  const sep = fc.constantFrom(' ', ' ', ' ', '  ', '-', ', ', '.', ' - ', '\t');
  const raw = fc
    .tuple(fc.array(fc.tuple(token, sep), { minLength: 1, maxLength: 5 }), fc.constantFrom('', ' ', '-', '.'), fc.constantFrom('', ' ', '-'))
    .map(([parts, lead, trail]) => lead + parts.map(([t, s], i) => (i === 0 ? t : s + t)).join('') + trail);

  it('same norm, tokens and reordering for every written form', () => {
    fc.assert(
      fc.property(raw, fc.constantFrom<RegisterNameLocale>('vi', 'generic'), (r, locale) => {
        const plain = canonicalPersonName(r, locale);
        const given = canonicalPersonName(r, locale, normalizeText(r));
        expect(given).toEqual(plain);
        // The norm is the (re-ordered) tokens joined by single spaces.
        if (given !== null && !given.reordered) expect(given.norm).toBe(given.tokens.join(' '));
      }),
      { seed: 61, numRuns: 3000 },
    );
  });
});

describe('candidateKey', () => {
  // The definition: splitName's family and given parts, each folded and keyed (no memo, no
  // slicing shortcut); when either has no key, the same of the name without its keyless words.
  function oracle(norm: string, packed: number, locale: RegisterNameLocale): string | null {
    if (packed <= 0) return null;
    const p = splitName(norm);
    const fk = p.family === '' ? '' : nameKey(foldToAscii(p.family), locale);
    const gk = p.given === '' ? '' : nameKey(foldToAscii(p.given), locale);
    if (fk !== '' && gk !== '') return `${fk}\u001f${gk}\u001f${packed}`;
    const words = norm.split(' ');
    const kept = words.filter((w) => nameKey(foldToAscii(w), locale) !== '');
    return kept.length === words.length || kept.length < 2 ? null : oracle(kept.join(' '), packed, locale);
  }
  const part = fc.constantFrom('Nguyễn', 'Trần', 'Lê', 'Văn', 'Thị Thu', 'Ân', 'Trâm', 'Châm', 'Hòa', 'Âu Dương', 'Tôn Nữ', 'k’nhiêu', 'John', 'x', '123', '🙂', '★');

  it('equals its definition for names built from name parts and for arbitrary strings (property)', () => {
    const name = fc.oneof(
      fc.array(part, { minLength: 0, maxLength: 5 }).map((t) => t.join(' ')),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(name, fc.constantFrom(0, -1, 19900501, 19900000), fc.constantFrom<RegisterNameLocale>('vi', 'generic'), fc.boolean(), (raw, packed, locale, canonical) => {
        const norm = canonical ? (canonicalPersonName(raw, locale)?.norm ?? '') : raw;
        expect(candidateKey(norm, packed, locale)).toBe(oracle(norm, packed, locale));
        // Twice: the second answer comes from the parts' memo.
        expect(candidateKey(norm, packed, locale)).toBe(oracle(norm, packed, locale));
      }),
      { seed: 17, numRuns: 3000 },
    );
  });

  it('a word without a key (a symbol kept as a word) is no name part: the key of the name without it', () => {
    const key = candidateKey('nguyễn văn hoà', 19900501, 'vi')!;
    for (const norm of ['nguyễn văn hoà 🙂', '🙂 nguyễn văn hoà', 'nguyễn văn hoà ★', '★ nguyễn 🙂 văn hoà ★']) {
      expect(candidateKey(norm, 19900501, 'vi'), norm).toBe(key);
    }
    expect(candidateKey('🙂 hoà', 19900501, 'vi')).toBeNull(); // one name word left
  });

  it('a compound family name is the family part (Âu Dương, Tôn Nữ)', () => {
    const k = candidateKey('âu dương văn an', 19900501, 'vi')!;
    expect(k.split('\u001f')[0]).toBe(nameKey('au duong', 'vi'));
    expect(k).not.toBe(candidateKey('âu văn an', 19900501, 'vi'));
  });
});
