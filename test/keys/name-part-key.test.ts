import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MEMO_PARTS, nameKey, namePartForms, type NameKeyLocale } from '../../src/keys/name-part-key.js';
import { vietnamesePhoneticKey } from '../../src/keys/vietnamese-phonetic.js';
import { doubleMetaphone } from '../../src/keys/double-metaphone.js';
import { foldToAscii } from '../../src/text/fold.js';

describe('nameKey', () => {
  it('vi: the Vietnamese syllable key of the folded part; generic: Double Metaphone primary per word', () => {
    expect(nameKey('', 'vi')).toBe('');
    expect(nameKey('', 'generic')).toBe('');
    expect(nameKey('tram', 'vi')).toBe(vietnamesePhoneticKey('tram'));
    expect(nameKey('tram', 'vi')).toBe(nameKey('cham', 'vi')); // tr / ch merge
    expect(nameKey('mary ann', 'generic')).toBe(`${doubleMetaphone('mary').primary} ${doubleMetaphone('ann').primary}`);
    expect(nameKey(' mary  ann ', 'generic')).toBe(nameKey('mary ann', 'generic')); // empty words skipped
  });
});

describe('namePartForms', () => {
  const part = fc.oneof(
    fc.constantFrom('nguyễn', 'trần', 'văn', 'thị thu', 'trâm', 'châm', 'hòa', 'âu dương', 'k’nhiêu', 'john', 'o’brien', '123', ''),
    fc.string({ maxLength: 10 }),
  );

  it('is the part\'s fold and that fold\'s key, first time and from the memo (property)', () => {
    fc.assert(
      fc.property(part, fc.constantFrom<NameKeyLocale>('vi', 'generic'), (p, locale) => {
        const want = { folded: foldToAscii(p), key: nameKey(foldToAscii(p), locale) };
        expect(namePartForms(p, locale)).toEqual(want);
        expect(namePartForms(p, locale)).toEqual(want);
      }),
      { seed: 23, numRuns: 3000 },
    );
  });

  it('keeps the locales apart and stays right after its memo is emptied', () => {
    const a = namePartForms('smith', 'vi');
    const b = namePartForms('smith', 'generic');
    expect(a.key).toBe(vietnamesePhoneticKey('smith'));
    expect(b.key).toBe(doubleMetaphone('smith').primary);
    // More distinct parts than the memo holds: it is emptied on the way, answers unchanged.
    for (let i = 0; i < MAX_MEMO_PARTS + 100; i++) {
      const p = `x${i}`;
      expect(namePartForms(p, 'generic').folded).toBe(p);
    }
    expect(namePartForms('smith', 'vi')).toEqual(a);
    expect(namePartForms('smith', 'generic')).toEqual(b);
  });
});
