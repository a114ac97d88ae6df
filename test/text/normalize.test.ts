import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VN_BOY_SYLLABLES, VN_GIRL_SYLLABLES } from '../../src/data/vn-name-parts.js';
import { isKhopError } from '../../src/errors.js';
import { normalizeText } from '../../src/text/normalize.js';

/** Escapes keep the inputs' exact code points independent of the editor's normalisation. */
const KNOWN: ReadonlyArray<readonly [string, string, string]> = [
  // [what, input, expected]
  ['NFC passes, lower-cased', 'Nguy\u1ec5n V\u0103n An', 'nguy\u1ec5n v\u0103n an'],
  ['NFD', 'Nguye\u0302\u0303n Va\u0306n An', 'nguy\u1ec5n v\u0103n an'],
  ['half-composed (Windows keyboard)', 'Nguy\u00ea\u0303n', 'nguy\u1ec5n'],
  ['tone typed before circumflex', 'Nguye\u0303\u0302n', 'nguy\u1ec5n'],
  ['tone typed before breve', 'Da\u0323\u0306ng', 'd\u1eb7ng'],
  ['tone typed before horn', 'Tru\u0300\u031bo\u031bng', 'tr\u01b0\u1eddng'],
  ['precomposed tone + combining circumflex', 'Nguy\u1ebd\u0302n', 'nguy\u1ec5n'],
  ['legacy U+0340 grave', 'Ho\u0340a', 'h\u00f2a'],
  ['legacy U+0341 acute', 'Thu\u0341y', 'th\u00fay'],
  ['new style hoà → old style', 'Ho\u00e0', 'h\u00f2a'],
  ['old style hòa unchanged', 'H\u00f2a', 'h\u00f2a'],
  ['thuỷ → thủy', 'Thu\u1ef7', 'th\u1ee7y'],
  ['khoẻ → khỏe', 'kho\u1ebb', 'kh\u1ecfe'],
  ['upper case new style', 'HO\u00c0 TH\u1ee6Y', 'h\u00f2a th\u1ee7y'],
  ['Thuỵ → Thụy', 'Thu\u1ef5', 'th\u1ee5y'],
  ['Nguỵ → Ngụy', 'Ngu\u1ef5', 'ng\u1ee5y'],
  ['quý (qu initial)', 'Qu\u00fd', 'qu\u00fd'],
  ['qùy misplaced → quỳ', 'Q\u00f9y', 'qu\u1ef3'],
  ['quỳnh', 'Qu\u1ef3nh', 'qu\u1ef3nh'],
  ['quà', 'qu\u00e0', 'qu\u00e0'],
  ['qùa misplaced → quà', 'q\u00f9a', 'qu\u00e0'],
  ['giá (gi initial)', 'gi\u00e1', 'gi\u00e1'],
  ['gìa misplaced → già', 'g\u00eca', 'gi\u00e0'],
  ['gìn (i is the vowel)', 'g\u00ecn', 'g\u00ecn'],
  ['giữ', 'gi\u1eef', 'gi\u1eef'],
  ['giường', 'gi\u01b0\u1eddng', 'gi\u01b0\u1eddng'],
  ['thuở (horn wins)', 'thu\u1edf', 'thu\u1edf'],
  ['thủơ misplaced → thuở', 'th\u1ee7\u01a1', 'thu\u1edf'],
  ['khuya (no tone)', 'Khuya', 'khuya'],
  ['khuỷu (three vowels: middle)', 'khu\u1ef7u', 'khu\u1ef7u'],
  ['khủyu misplaced → khuỷu', 'kh\u1ee7yu', 'khu\u1ef7u'],
  ['hoàng (final consonant: last vowel)', 'Ho\u00e0ng', 'ho\u00e0ng'],
  ['hòang misplaced → hoàng', 'H\u00f2ang', 'ho\u00e0ng'],
  ['toán', 'to\u00e1n', 'to\u00e1n'],
  ['huỳnh', 'Hu\u1ef3nh', 'hu\u1ef3nh'],
  ['Hùynh misplaced → huỳnh', 'H\u00f9ynh', 'hu\u1ef3nh'],
  ['khoét', 'kho\u00e9t', 'kho\u00e9t'],
  ['ngoài (oai: middle)', 'ngo\u00e0i', 'ngo\u00e0i'],
  ['xoáy', 'xo\u00e1y', 'xo\u00e1y'],
  ['người', 'ng\u01b0\u1eddi', 'ng\u01b0\u1eddi'],
  ['tuổi', 'tu\u1ed5i', 'tu\u1ed5i'],
  ['khuyến', 'khuy\u1ebfn', 'khuy\u1ebfn'],
  ['Nguyễn with misplaced tone', 'Ngu\u1ef9\u00ean', 'nguy\u1ec5n'],
  ['tài (ai: first)', 't\u00e0i', 't\u00e0i'],
  ['múa', 'm\u00faa', 'm\u00faa'],
  ['Ð (U+00D0) → đ', '\u00d0\u00e0o', '\u0111\u00e0o'],
  ['ð (U+00F0) → đ', '\u00f0\u00e0o', '\u0111\u00e0o'],
  ['Đ upper → đ', '\u0110\u1eb6NG', '\u0111\u1eb7ng'],
  ['zero-width chars stripped', 'Ng\u200buy\u200c\u1ec5n\u200d \u2060An\ufeff', 'nguy\u1ec5n an'],
  ['controls stripped', 'An\u0000\u0007h', 'anh'],
  ['C1 controls stripped', 'An\u0080\u009fh', 'anh'],
  ['whitespace collapsed and trimmed', ' \t Nguy\u1ec5n\u00a0\u00a0V\u0103n\u3000An\n ', 'nguy\u1ec5n v\u0103n an'],
  ['U+0085 and line separators are spaces', 'a\u0085b\u2028c\u2029d', 'a b c d'],
  ['full-width letters and digits', '\uff2e\uff47\uff55\uff59\u1ec5\uff4e \uff11\uff19\uff19\uff10', 'nguy\u1ec5n 1990'],
  ['full-width punctuation', '\uff08\uff21\uff09', '(a)'],
  ['orphan mark at start dropped', '\u0301An', 'an'],
  ['orphan mark after a space dropped', 'An \u0301 B\u00ecnh', 'an b\u00ecnh'],
  ['ASCII upper → lower', 'NGUYEN VAN AN', 'nguyen van an'],
  ['ASCII spaces collapsed', '  nguyen   van an  ', 'nguyen van an'],
  ['empty', '', ''],
  ['only spaces', ' \t\n ', ''],
  ['foreign letters kept (ë)', 'No\u00ebl', 'no\u00ebl'],
  ['foreign syllable NFD composed', 'Mun\u0303oz', 'mu\u00f1oz'],
  ['tone on a consonant left alone', 'n\u0300', '\u01f9'],
  ['two tones left alone (NFC)', 'ho\u0301a\u0300', 'h\u00f3\u00e0'],
  ['other scripts lower-cased, kept', '\u0391\u0392 \u65e5\u672c Ho\u00e0', '\u03b1\u03b2 \u65e5\u672c h\u00f2a'],
  ['İ lower-cases to i + dot (Unicode default, not Turkish)', '\u0130', 'i\u0307'],
  ['Kelvin sign → k', '\u212aim', 'kim'],
];

describe('normalizeText — known answers', () => {
  for (const [what, input, expected] of KNOWN) {
    it(what, () => {
      expect(normalizeText(input)).toBe(expected);
    });
  }

  it('old and new tone styles (and upper case) give identical strings', () => {
    const pairs = [
      ['h\u00f2a', 'ho\u00e0'], ['th\u1ee7y', 'thu\u1ef7'], ['kh\u1ecfe', 'kho\u1ebb'], ['H\u00d2A', 'HO\u00c0'],
      ['Kh\u00e1nh H\u00f2a', 'Kh\u00e1nh Ho\u00e0'], ['Thanh H\u00f3a', 'Thanh Ho\u00e1'], ['t\u00fay', 'tu\u00fd'],
      ['h\u00f2e', 'ho\u00e8'], ['l\u00f5a', 'lo\u00e3'], ['h\u1ecda', 'ho\u1ea1'],
    ] as const;
    for (const [a, b] of pairs) expect(normalizeText(a)).toBe(normalizeText(b));
  });

  it('returns the same string object for already-normal ASCII (fast path)', () => {
    const s = 'nguyen van an';
    expect(normalizeText(s)).toBe(s);
  });

  it('throws INVALID_ARGUMENT on a non-string (programmer error)', () => {
    expect(() => normalizeText(42 as unknown as string)).toThrow();
    try {
      normalizeText(null as unknown as string);
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

/** Half-composed form: each letter with its shape mark precomposed, the tone combining after it. */
function halfCompose(s: string): string {
  let out = '';
  let letter = '';
  let tone = '';
  for (const ch of s.normalize('NFD')) {
    if (/[\u0300\u0301\u0303\u0309\u0323]/.test(ch)) tone += ch;
    else if (/[\u0302\u0306\u031b]/.test(ch)) letter += ch;
    else {
      out += letter.normalize('NFC') + tone;
      letter = ch;
      tone = '';
    }
  }
  return out + letter.normalize('NFC') + tone;
}

/** Every vowel position of a syllable, with the tone moved there (NFD manipulation). */
function toneVariants(nfc: string): string[] {
  const d = nfc.normalize('NFD');
  const tones = /[\u0300\u0301\u0303\u0309\u0323]/;
  const m = tones.exec(d);
  if (m === null) return [];
  const stripped = d.slice(0, m.index) + d.slice(m.index + 1);
  const out: string[] = [];
  for (let i = 0; i < stripped.length; i++) {
    if (!/[aeiouy]/i.test(stripped[i]!)) continue;
    // after the base letter and its shape marks
    let j = i + 1;
    while (j < stripped.length && /[\u0302\u0306\u031b]/.test(stripped[j]!)) j++;
    out.push(stripped.slice(0, j) + m[0] + stripped.slice(j));
  }
  return out;
}

describe('normalizeText — oracle over the vendored name syllables', () => {
  const syllables = [...new Set([...VN_BOY_SYLLABLES, ...VN_GIRL_SYLLABLES])];

  it('NFD, half-composed, mis-ordered and any tone position all give one form', () => {
    let checked = 0;
    for (const s of syllables) {
      const canon = normalizeText(s);
      expect(normalizeText(canon)).toBe(canon);
      expect(canon).toBe(canon.normalize('NFC'));
      expect(normalizeText(s.normalize('NFD'))).toBe(canon);
      expect(normalizeText(s.toUpperCase())).toBe(canon);
      expect(normalizeText(halfCompose(s))).toBe(canon);
      // mis-ordered: tone before the shape mark (NFC cannot compose this)
      const swapped = s.normalize('NFD').replace(/([\u0302\u0306])([\u0300\u0301\u0303\u0309])/g, '$2$1');
      expect(normalizeText(swapped)).toBe(canon);
      for (const v of toneVariants(s)) {
        expect(normalizeText(v)).toBe(canon);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe('normalizeText — properties', () => {
  const pieces = [
    'a', 'o', 'u', 'y', 'i', 'e', 'q', 'g', 'h', 'n', 'ng', '\u0111', '\u0110', '\u00d0', '\u00f0', '\u0103', '\u00e2',
    '\u00ea', '\u00f4', '\u01a1', '\u01b0', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323', '\u0302', '\u0306',
    '\u031b', '\u0340', '\u0341', '\u0308', ' ', '\u00a0', '\u200b', '\t', '\u0130', '\u212a', '\u00df', '\uff31',
    '\u65e5', '\ud83d\ude00', '\u302c', '-', "'", 'A', 'Q', 'G', '\u01f9', '\u00f1', '\u00eb', '\u1ec5', '\u00c0',
  ];
  const viText = fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((a) => a.join(''));
  const anyText = fc.oneof(viText, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

  it('is idempotent', () => {
    fc.assert(fc.property(anyText, (x) => normalizeText(normalizeText(x)) === normalizeText(x)), { numRuns: 3000, seed: 7 });
  });

  it('output is NFC, has no leading/trailing/double spaces, no controls or zero-width', () => {
    fc.assert(
      fc.property(anyText, (x) => {
        const n = normalizeText(x);
        return (
          n === n.normalize('NFC') &&
          n === n.trim() &&
          !n.includes('  ') &&
          !/[\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/.test(n) &&
          !/[\u00a0\u3000\t\n]/.test(n)
        );
      }),
      { numRuns: 3000, seed: 8 },
    );
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (x) => typeof normalizeText(x) === 'string'), { numRuns: 2000, seed: 9 });
  });
});
