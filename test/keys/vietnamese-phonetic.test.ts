import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  vietnamesePhoneticKey,
  vietnameseSyllableKey,
  writeVietnameseSyllableKey,
} from '../../src/keys/vietnamese-phonetic.js';
import { foldToAscii } from '../../src/text/fold.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import {
  VN_BOY_SYLLABLES,
  VN_GIRL_SYLLABLES,
  VN_GIVEN_NAME_SHARES,
  VN_MIDDLE_NAME_SHARES,
} from '../../src/data/vn-name-parts.js';

/**
 * A second, independent reading of the table in the file header: regex parse, string
 * replacements. Used as an oracle over every syllable of the vendored name lists and random
 * letter strings.
 */
function oracleSyllable(s: string): string {
  const m = /^(ngh|ng|gh|gi|kh|ph|th|tr|ch|nh|qu|[bcdghklmnprstvx])?([aeiouy]*)(ch|nh|ng|[cmnpt])?$/.exec(s);
  if (m === null) return s;
  const init = m[1] ?? '';
  let nuc = m[2]!;
  const fin = m[3] ?? '';
  if (init === 'qu') {
    if (nuc === '') return s;
    nuc = 'u' + nuc;
  }
  if (init === 'gi' && (nuc === '' || nuc.startsWith('e'))) nuc = 'i' + nuc;
  if (nuc === '' || nuc.length > 3) return s;
  nuc = nuc.replace(/(?<!a)y/g, 'i');
  const initials: Record<string, string> = {
    '': '', b: 'b', c: 'c', k: 'c', qu: 'c', ch: 'ch', tr: 'ch', d: 'd', gi: 'd', r: 'd',
    g: 'g', gh: 'g', h: 'h', kh: 'kh', l: 'l', n: 'l', m: 'm', ng: 'ng', ngh: 'ng', nh: 'nh',
    p: 'p', ph: 'ph', s: 's', x: 's', t: 't', th: 'th', v: 'v',
  };
  let ini = initials[init]!;
  if (ini === 'g' && /^[ie]/.test(nuc)) ini = 'gh';
  const front = /[ie]$/.test(nuc);
  const finals: Record<string, string> = front
    ? { '': '', m: 'm', p: 'p', n: 'n', ng: 'n', nh: 'n', t: 't', c: 't', ch: 't' }
    : { '': '', m: 'm', p: 'p', n: 'n', ng: 'n', nh: 'nh', t: 't', c: 't', ch: 'ch' };
  return ini + nuc + finals[fin]!;
}

/** The error `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function oracle(name: string): string {
  const f = foldToAscii(name);
  return f === '' ? '' : f.split(' ').map(oracleSyllable).join(' ');
}

const ALL_SYLLABLES: string[] = (() => {
  const set = new Set<string>();
  const add = (s: string): void => {
    for (const w of s.split(/\s+/)) if (w !== '') set.add(w);
  };
  for (const s of VN_BOY_SYLLABLES) add(s);
  for (const s of VN_GIRL_SYLLABLES) add(s);
  for (const [s] of VN_FAMILY_NAME_SHARES) add(s);
  for (const [s] of VN_MIDDLE_NAME_SHARES) add(s);
  for (const [s] of VN_GIVEN_NAME_SHARES) add(s);
  return [...set];
})();

describe('vietnamesePhoneticKey — known answers', () => {
  it.each([
    ['Nguyễn Văn An', 'nguien van an'],
    ['Trần Thị Sương', 'chan thi suon'],
    ['Lê Hoàng Anh', 'le hoan anh'],
    ['Phạm Quỳnh', 'pham cuin'],
    ['Huỳnh Thanh Tùng', 'huin thanh tun'],
    ['Đặng Giang', 'dan dan'],
    ['Giêng', 'dien'],
    ['gìn', 'din'],
    ['Nghĩa', 'ngia'],
    ['Ghế', 'ghe'],
    ['Gà', 'ga'],
    ['Quốc Khánh', 'cuot khanh'],
    ['Uyên', 'uien'],
    ['Yến', 'ien'],
    ['Mây', 'may'],
    ['Khuya', 'khuia'],
    ['Bạch', 'bach'],
    ['Lịch', 'lit'],
    ['Kênh', 'cen'],
    ['Samuel Nguyễn', 'samuel nguien'],
    ['John', 'john'],
    ['Lan2', 'lan2'],
    ['  ', ''],
    ['', ''],
  ])('%s → %s', (name, key) => {
    expect(vietnamesePhoneticKey(name)).toBe(key);
  });
});

describe('vietnamesePhoneticKey — dialect classes', () => {
  const SAME: ReadonlyArray<readonly string[]> = [
    ['Trâm', 'Châm'], // tr / ch
    ['Trung', 'Chung'],
    ['Sương', 'Xương'], // s / x
    ['Lan', 'Nan'], // l / n
    ['Linh', 'Ninh'],
    ['Dân', 'Rân', 'Giân'], // d / r / gi
    ['Dương', 'Giương'],
    ['Kiên', 'Ciên'], // c / k
    ['Quang', 'Kuang'], // q(u) / c, k
    ['Cường', 'Kường'],
    ['Ghi', 'Ghy'], // gh + y / i
    ['Nghĩa', 'Ngĩa'], // ng / ngh
    ['Lan', 'Lang'], // final n / ng
    ['Sơn', 'Song'],
    ['Phúc', 'Phút'], // final c / t
    ['Việt', 'Việc'],
    ['Minh', 'Min'], // final nh / n after i
    ['Kênh', 'Kên'],
    ['Lịch', 'Lịt'], // final ch / t after i
    ['Huy', 'Hui'], // y / i
    ['Lý', 'Lí'],
    ['Mỹ', 'Mĩ'],
    ['Quy', 'Qui'],
    ['Nguyễn', 'Nguyển', 'Nguyen'], // tones, diacritics
    ['Thủy', 'Thuỷ'], // old / new tone placement
  ];
  it.each(SAME.map((g) => [g.join(' = '), g] as const))('%s', (_label, group) => {
    const keys = group.map((s) => vietnamesePhoneticKey(s));
    expect(new Set(keys).size).toBe(1);
  });

  const DIFFERENT: ReadonlyArray<readonly [string, string]> = [
    ['Anh', 'An'], // nh after a is kept
    ['Thanh', 'Thắng'],
    ['Khánh', 'Khang'],
    ['Bạch', 'Bát'],
    ['Võ', 'Đỗ'], // v is not merged with d (đ folds to d)
    ['Vinh', 'Đinh'],
    ['Văn', 'Đăng'],
    ['Vương', 'Dương'],
    ['Mây', 'Mai'], // ay ≠ ai
    ['Hoàng', 'Quang'], // no hw / qu merger
    ['Lan', 'Lâm'], // final m is its own class
    ['Hiếu', 'Hữu'],
    ['Tâm', 'Tân'],
    ['Phúc', 'Phú'],
  ];
  it.each(DIFFERENT)('%s ≠ %s', (a, b) => {
    expect(vietnamesePhoneticKey(a)).not.toBe(vietnamesePhoneticKey(b));
  });

  it('keeps the 25 most common family names and the 30 most common given names apart', () => {
    for (const list of [VN_FAMILY_NAME_SHARES.slice(0, 25), VN_GIVEN_NAME_SHARES.slice(0, 30)]) {
      const keys = list.map(([n]) => vietnamesePhoneticKey(n));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('vietnamesePhoneticKey — oracle and properties', () => {
  it('agrees with the regex oracle on every syllable of the vendored name lists', () => {
    expect(ALL_SYLLABLES.length).toBeGreaterThan(500);
    for (const s of ALL_SYLLABLES) expect(vietnamesePhoneticKey(s), s).toBe(oracle(s));
  });

  it('agrees with the oracle on seeded random letter strings', () => {
    const rng = new Rng(7);
    const letters = 'aaeeiioouuybcdghklmnpqrstvxy';
    for (let i = 0; i < 5000; i++) {
      let s = '';
      const len = 1 + rng.int(7);
      for (let j = 0; j < len; j++) s += letters[rng.int(letters.length)];
      expect(vietnamesePhoneticKey(s), s).toBe(oracle(s));
    }
  });

  const vietnameseName = fc
    .array(fc.constantFrom(...ALL_SYLLABLES), { minLength: 1, maxLength: 5 })
    .chain((parts) =>
      fc.constantFrom(parts.join(' '), parts.join(' ').toUpperCase(), parts.join(' ').normalize('NFD'), parts.join('  ')),
    );
  const anyText = fc.oneof(vietnameseName, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ maxLength: 30 }));

  it('depends only on the folded form', () => {
    fc.assert(
      fc.property(anyText, (s) => vietnamesePhoneticKey(s) === vietnamesePhoneticKey(foldToAscii(s))),
      { numRuns: 2000 },
    );
  });

  it('is ASCII words (a–z, 0–9) joined by single spaces, one key per folded word', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const key = vietnamesePhoneticKey(s);
        const folded = foldToAscii(s);
        if (folded === '') return key === '';
        const words = folded.split(' ');
        const keys = key.split(' ');
        if (!/^[a-z0-9]+( [a-z0-9]+)*$/.test(key) || keys.length !== words.length) return false;
        return keys.every((k, i) => k.length <= words[i]!.length + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: a key is its own key', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const key = vietnamesePhoneticKey(s);
        return vietnamesePhoneticKey(key) === key;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('vietnameseSyllableKey', () => {
  it('keys one syllable like the name key', () => {
    for (const s of ALL_SYLLABLES.slice(0, 300)) expect(vietnameseSyllableKey(s)).toBe(vietnamesePhoneticKey(s));
    expect(vietnameseSyllableKey('')).toBe('');
  });

  it('rejects input with several words', () => {
    expect(isKhopError(thrown(() => vietnameseSyllableKey('Trần Văn')), 'INVALID_ARGUMENT')).toBe(true);
    expect(isKhopError(thrown(() => vietnameseSyllableKey('Nguyễn-Văn')), 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('writeVietnameseSyllableKey', () => {
  it('writes the key of a span of Uint8Array or Uint16Array units in place', () => {
    const text = 'xx nguyen truong giang yy';
    const u8 = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const u16 = Uint16Array.from(u8);
    for (const units of [u8, u16]) {
      const out = new Uint8Array(32).fill(0xff);
      const start = 3;
      const end = start + 'nguyen'.length;
      const pos = writeVietnameseSyllableKey(units, start, end, out, 5);
      expect(String.fromCharCode(...out.subarray(5, pos))).toBe('nguien');
      expect(out[4]).toBe(0xff); // nothing written before outPos
      expect(out[pos]).toBe(0xff); // nothing written after the key
    }
  });

  it('writes nothing for an empty span', () => {
    expect(writeVietnameseSyllableKey(new Uint8Array(4), 2, 2, new Uint8Array(4), 1)).toBe(1);
  });

  it('rejects units that are not folded ASCII', () => {
    for (const bad of ['Lan', 'l n', 'lâm', 'la\u0000']) {
      const units = Uint16Array.from(bad, (c) => c.charCodeAt(0));
      const err = thrown(() => writeVietnameseSyllableKey(units, 0, units.length, new Uint8Array(16), 0));
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
