import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPersonName, type RegisterNameLocale } from '../../src/register/person-name-form.js';
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
