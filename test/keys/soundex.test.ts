import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { soundex } from '../../src/keys/soundex.js';
import { foldToAscii } from '../../src/text/fold.js';

describe('soundex — published examples', () => {
  // US National Archives, "The Soundex Indexing System" (2007): Robert, Rupert, Rubin,
  // Ashcraft (h does not separate), Tymczak (vowel separates), Pfister (first letter's code),
  // Honeyman; Knuth, TAOCP vol. 3: Euler…Lukasiewicz and the names that share their codes.
  it.each([
    ['Robert', 'R163'], ['Rupert', 'R163'], ['Rubin', 'R150'], ['Ashcraft', 'A261'],
    ['Ashcroft', 'A261'], ['Tymczak', 'T522'], ['Pfister', 'P236'], ['Honeyman', 'H555'],
    ['Euler', 'E460'], ['Ellery', 'E460'], ['Gauss', 'G200'], ['Ghosh', 'G200'],
    ['Hilbert', 'H416'], ['Heilbronn', 'H416'], ['Knuth', 'K530'], ['Kant', 'K530'],
    ['Lloyd', 'L300'], ['Ladd', 'L300'], ['Lukasiewicz', 'L222'], ['Lissajous', 'L222'],
    ['Washington', 'W252'], ['Lee', 'L000'], ['Gutierrez', 'G362'], ['Jackson', 'J250'],
    ['Wu', 'W000'], ['A', 'A000'],
  ])('%s → %s', (name, code) => {
    expect(soundex(name)).toBe(code);
  });

  it('folds diacritics and ignores non-letters', () => {
    expect(soundex('Nguyễn')).toBe(soundex('Nguyen'));
    expect(soundex('Nguyen')).toBe('N250');
    expect(soundex("O'Brien")).toBe('O165');
    expect(soundex('Van Buren')).toBe(soundex('vanburen'));
    expect(soundex(' 12 Robert!')).toBe('R163');
  });

  it('returns "" for input without letters', () => {
    for (const s of ['', '   ', '123', '—', '李']) expect(soundex(s)).toBe('');
  });
});

describe('soundex — properties', () => {
  it('is a letter and three digits 0–6, led by the first letter of the folded input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const code = soundex(s);
        const firstLetter = /[a-z]/.exec(foldToAscii(s));
        if (firstLetter === null) return code === '';
        return /^[A-Z][0-6]{3}$/.test(code) && code[0] === firstLetter[0].toUpperCase();
      }),
      { numRuns: 2000 },
    );
  });

  it('is unchanged by case, diacritics and inserted non-letters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), fc.nat(12), (s, at) => {
        const i = Math.min(at, s.length);
        const noisy = (s.slice(0, i) + ' 9-' + s.slice(i)).toUpperCase();
        return soundex(noisy) === soundex(s);
      }),
      { numRuns: 1000 },
    );
  });
});
