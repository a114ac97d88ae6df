import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { foldToAscii, foldUnitsInto, foldsToEmpty } from '../../src/text/fold.js';
import { normalizeText } from '../../src/text/normalize.js';

const KNOWN: ReadonlyArray<readonly [string, string]> = [
  ['\u0110\u1eb7ng Th\u1ecb \u00d0\u00e0o', 'dang thi dao'],
  ['Nguy\u1ec5n V\u0103n An', 'nguyen van an'],
  ['Nguye\u0302\u0303n Va\u0306n An', 'nguyen van an'], // NFD
  ['Nguy\u00ea\u0303n', 'nguyen'], // half-composed
  ['Tr\u01b0\u01a1\u0300ng', 'truong'],
  ['\u0110\u1ed6 \u0110\u1ee8C', 'do duc'],
  ['Hu\u1ef3nh T\u1ea5n Ph\u00e1t', 'huynh tan phat'],
  ['  Ph\u1ea1m\u00a0\u00a0Th\u1ecb\tH\u01b0\u01a1ng  ', 'pham thi huong'],
  ['Nguy\u1ec5n-V\u0103n', 'nguyen van'],
  ['Nguyen, Van.An', 'nguyen van an'],
  ["K'Nhi\u00eau", 'knhieu'],
  ['O\u2019Brien', 'obrien'],
  ['\uff2e\uff47\uff55\uff59\u1ec5\uff4e \uff11\uff19\uff19\uff10', 'nguyen 1990'],
  ['Ng\u200buy\u1ec5n\ufeff', 'nguyen'],
  ['An \ud83d\ude00 B\u00ecnh', 'an binh'],
  ['\u674e An', 'an'],
  ['\u674e\u5c0f\u9f8d', ''],
  ['\u0391\u03b8\u03b7\u03bd\u03ac', ''],
  ['Stra\u00dfe', 'strasse'],
  ['\u00c6sir \u0152uvre', 'aesir oeuvre'],
  ['S\u00f8ren \u0141\u00f3d\u017a', 'soren lodz'],
  ['\u00de\u00f3r', 'thor'],
  ['\u0130stanbul', 'istanbul'],
  ['\u01c4', 'dz'],
  ['Mu\u00f1oz No\u00ebl Fran\u00e7ois', 'munoz noel francois'],
  ['', ''],
  ['nguyen van an', 'nguyen van an'],
  ['NGUYEN VAN AN', 'nguyen van an'],
  ['a\u0000b', 'ab'],
  ['\u212aim', 'kim'],
];

describe('foldToAscii — known answers', () => {
  for (const [input, expected] of KNOWN) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(foldToAscii(input)).toBe(expected);
    });
  }

  it('returns an already-folded string as is', () => {
    const s = 'nguyen van an 1990';
    expect(foldToAscii(s)).toBe(s);
  });

  it('throws INVALID_ARGUMENT on a non-string', () => {
    let err: unknown;
    try {
      foldToAscii(undefined as unknown as string);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('folds each of the 134 precomposed Vietnamese vowels (both cases) to its base', () => {
    // Oracle: compose base + shape + tone with NFC, independent of khop's tables.
    const shapes: Record<string, string[]> = { a: ['', '\u0302', '\u0306'], e: ['', '\u0302'], i: [''], o: ['', '\u0302', '\u031b'], u: ['', '\u031b'], y: [''] };
    const tones = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
    let n = 0;
    for (const [v, ss] of Object.entries(shapes)) {
      for (const sh of ss) {
        for (const t of tones) {
          if (sh === '' && t === '') continue;
          const lower = (v + sh + t).normalize('NFC');
          expect(lower.length).toBe(1);
          expect(foldToAscii(lower)).toBe(v);
          expect(foldToAscii(lower.toUpperCase())).toBe(v);
          n++;
        }
      }
    }
    expect(n).toBe(66); // 12 vowels × 6 tones − 6 plain ASCII vowels, per case
    expect(foldToAscii('\u0110\u0111')).toBe('dd');
  });
});

const OUTPUT = /^([a-z0-9]+( [a-z0-9]+)*)?$/;

describe('foldToAscii — properties', () => {
  const pieces = [
    'a', 'o', 'u', 'y', 'q', 'g', '\u0111', '\u00d0', '\u0103', '\u00ea', '\u01a1', '\u0300', '\u0301', '\u0303',
    '\u0309', '\u0323', '\u0302', '\u0306', '\u031b', '\u0340', ' ', '\u00a0', '\u200b', '\u0130', '\u212a', '\u00df',
    '\uff31', '\u65e5', '\ud83d\ude00', '\u302c', '-', "'", '\u1fef', '\u1ffd', '\u0374', '\u00c6\u0301',
  ];
  const viText = fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((a) => a.join(''));
  const anyText = fc.oneof(viText, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

  it('output is lower-case ASCII words separated by single spaces', () => {
    fc.assert(fc.property(anyText, (x) => OUTPUT.test(foldToAscii(x))), { numRuns: 3000, seed: 11 });
  });

  it('foldUnitsInto writes the bytes of foldToAscii(x) from the code units of x', () => {
    fc.assert(
      fc.property(anyText, (x) => {
        const u = new Uint16Array(x.length + 3).fill(0x61); // units past n must not be read
        for (let i = 0; i < x.length; i++) u[i] = x.charCodeAt(i);
        const dst = new Uint8Array(2 * x.length + 4).fill(0x7a);
        const n = foldUnitsInto(u, x.length, dst);
        return String.fromCharCode(...dst.subarray(0, n)) === foldToAscii(x) && dst.subarray(n).every((b) => b === 0x7a);
      }),
      { numRuns: 3000, seed: 14 },
    );
    expect(() => foldUnitsInto(new Uint16Array(4), 4, new Uint8Array(7))).toThrow(/2 bytes per code unit/);
  });

  it('foldToAscii(normalizeText(x)) === foldToAscii(x)', () => {
    fc.assert(fc.property(anyText, (x) => foldToAscii(normalizeText(x)) === foldToAscii(x)), { numRuns: 3000, seed: 12 });
  });

  it('is idempotent', () => {
    fc.assert(fc.property(anyText, (x) => foldToAscii(foldToAscii(x)) === foldToAscii(x)), { numRuns: 1000, seed: 13 });
  });

  it('agrees with normalizeText for every BMP code unit, alone and between letters', () => {
    const bad: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const x of [ch, `A${ch}o\u0300`]) {
        const f = foldToAscii(x);
        if (f !== foldToAscii(normalizeText(x)) || !OUTPUT.test(f)) bad.push(c.toString(16));
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('foldsToEmpty', () => {
  it('equals foldToAscii(s) === "" for every BMP code unit alone and for arbitrary strings', () => {
    let empty = 0;
    for (let c = 0; c <= 0xffff; c++) {
      const s = String.fromCharCode(c);
      const e = foldToAscii(s) === '';
      if (e) empty++;
      expect(foldsToEmpty(s)).toBe(e);
    }
    expect(empty).toBeGreaterThan(1000); // both answers occur
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.array(fc.constantFrom(' ', '-', '\u0301', '\u200b', 'ß', 'Ð', 'a', '中', '`', "'"), { maxLength: 6 }).map((a) => a.join(''))), (s) => {
        expect(foldsToEmpty(s)).toBe(foldToAscii(s) === '');
      }),
      { seed: 5, numRuns: 5000 },
    );
  });
});
