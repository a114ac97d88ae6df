import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  CATEGORY_LEVELS, CategoryLevel, CategorySpelling, VN_PROVINCE_FORMER_NAMES, buildProvinceEquivalence, compareCategories, foldProvinceName, mostlyProvinceNames,
} from '../../src/compare/category-level.js';
import { naiveOsa } from './oracles.js';
import { Rng } from '../../src/util/rng.js';
import { VN_PROVINCES_34, VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { isKhopError } from '../../src/errors.js';

describe('compareCategories', () => {
  const dictionary = [
    'Hà Giang', // 0  the missing code's slot: never classified
    'Hà Giang', // 1  old, merged into Tuyên Quang
    'Tỉnh Tuyên Quang', // 2  old and new name
    'Ha Noi', // 3
    'Thừa Thiên Huế', // 4  former name of Huế
    'Thành phố Huế', // 5
    'TP. Hồ Chí Minh', // 6
    'Bình Dương', // 7  old, merged into TP Hồ Chí Minh
    'Bà Rịa - Vũng Tàu', // 8  old, merged into TP Hồ Chí Minh
    'Không rõ', // 9  not a province
    null, // 10
    'Hà Tây', // 11 merged into Hà Nội in 2008
    'Tỉnh Hà Giang', // 12
    'TP.HCM', // 13
    'Sài Gòn', // 14
    'Quảng Ninh', // 15
    'Quảng Bình', // 16
  ];
  const eq = buildProvinceEquivalence(dictionary);

  const table: Array<[number, number, CategoryLevel]> = [
    [0, 2, CategoryLevel.MISSING],
    [3, 0, CategoryLevel.MISSING],
    [0, 0, CategoryLevel.MISSING],
    [3, 3, CategoryLevel.EXACT],
    [1, 2, CategoryLevel.EQUIVALENT], // Hà Giang ≡ Tuyên Quang (absorbed it in 2025)
    [4, 5, CategoryLevel.EXACT], // Thừa Thiên Huế: a former name of Huế, the same place
    [6, 7, CategoryLevel.EQUIVALENT], // TP HCM ≡ Bình Dương
    [7, 8, CategoryLevel.ELSE], // Bình Dương, Bà Rịa - Vũng Tàu: two places merged into a third
    [3, 11, CategoryLevel.EQUIVALENT], // Hà Nội ≡ Hà Tây (absorbed in 2008)
    [12, 1, CategoryLevel.EXACT], // Tỉnh Hà Giang: Hà Giang with its prefix
    [13, 6, CategoryLevel.EXACT], // TP.HCM
    [14, 6, CategoryLevel.EXACT], // Sài Gòn
    [15, 16, CategoryLevel.ELSE], // Quảng Ninh / Quảng Bình: with the spelling below, still not a typo
    [11, 2, CategoryLevel.ELSE], // Hà Tây vs Tuyên Quang
    [1, 3, CategoryLevel.ELSE], // Hà Giang vs Hà Nội
    [9, 9, CategoryLevel.EXACT],
    [9, 10, CategoryLevel.ELSE], // unknown classes are never equivalent
    [9, 3, CategoryLevel.ELSE],
    [3, 500, CategoryLevel.ELSE], // code beyond the equivalence
  ];
  const folded = new CategorySpelling(dictionary.map((v, i) => (i === 0 || v === null ? null : foldProvinceName(v))));
  it.each(table)('%i vs %i → level %i', (a, b, level) => {
    expect(compareCategories(a, b, eq)).toBe(level);
    expect(compareCategories(b, a, eq)).toBe(level);
    expect(compareCategories(a, b, eq, folded)).toBe(level);
  });
  it('every alias or former name relates to every province name as its official name does', () => {
    const official = new Map<string, string>(VN_PROVINCES_63.map((p) => [p.gso, p.name]));
    const all = [null, ...VN_PROVINCES_63.map((p) => p.name), ...VN_PROVINCES_34.map((p) => p.name), ...VN_PROVINCE_FORMER_NAMES.map(([name]) => name)];
    const peq = buildProvinceEquivalence(all);
    const codeOf = (name: string) => all.indexOf(name);
    let checked = 0;
    for (const [alias, gso] of VN_PROVINCE_FORMER_NAMES) {
      const a = codeOf(alias);
      const o = codeOf(official.get(gso)!);
      expect(compareCategories(a, o, peq), alias).toBe(CategoryLevel.EXACT);
      for (let b = 1; b < all.length; b++) {
        expect([alias, all[b], compareCategories(a, b, peq)]).toEqual([alias, all[b], compareCategories(o, b, peq)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('mostlyProvinceNames: at least half of the distinct values name a province', () => {
    expect(mostlyProvinceNames(['Hà Nội', 'Tỉnh Bắc Ninh', 'Không rõ', null, ''])).toBe(true);
    expect(mostlyProvinceNames(['Quận 1', 'Quận 3', 'Huyện Sa Pa', 'Thành phố Lào Cai'])).toBe(false);
    expect(mostlyProvinceNames(['London', 'Leeds'])).toBe(false);
    expect(mostlyProvinceNames([])).toBe(false);
  });

  it('two province names one slip apart are never one-typo (Quảng Ninh / Quảng Bình, Thanh Hóa / Khánh Hòa …)', () => {
    const names = [null, ...VN_PROVINCES_63.map((p) => foldProvinceName(p.shortName))];
    const spell = new CategorySpelling(names);
    const peq = buildProvinceEquivalence(names);
    let slips = 0;
    for (let a = 1; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        if (spell.oneTypo(a, b)) slips++;
        expect(compareCategories(a, b, peq, spell)).not.toBe(CategoryLevel.ONE_TYPO);
      }
    }
    expect(slips).toBeGreaterThanOrEqual(5); // the look-alikes exist, so the check can fail
  });

  // Folded values, as a pipeline dictionary holds them.
  const cities = [null, 'london', 'lonon', 'olndon', 'londonn', 'leeds', 'ha nam', 'ha noi', 'londno', 'lndno', ''];
  const spelling = new CategorySpelling(cities);
  const typos: Array<[number, number, CategoryLevel]> = [
    [1, 2, CategoryLevel.ONE_TYPO], // deletion
    [1, 3, CategoryLevel.ONE_TYPO], // adjacent transposition
    [1, 4, CategoryLevel.ONE_TYPO], // insertion
    [1, 8, CategoryLevel.ONE_TYPO],
    [2, 3, CategoryLevel.ELSE], // two slips
    [1, 9, CategoryLevel.ELSE],
    [1, 5, CategoryLevel.ELSE],
    [6, 7, CategoryLevel.ELSE], // two provinces two letters apart stay apart
    [1, 1, CategoryLevel.EXACT],
    [0, 2, CategoryLevel.MISSING],
    [10, 1, CategoryLevel.ELSE], // an empty value is no typo of anything
    [1, 500, CategoryLevel.ELSE], // a code beyond the dictionary
  ];
  it.each(typos)('with a spelling: %i vs %i → level %i', (a, b, level) => {
    expect(compareCategories(a, b, undefined, spelling)).toBe(level);
    expect(compareCategories(b, a, undefined, spelling)).toBe(level);
    expect(compareCategories(a, b, undefined, spelling)).toBe(level); // memoised: same answer
  });

  it('one-typo is exactly OSA distance 1 between the dictionary values (property, with the memo)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 1, maxLength: 6 });
    fc.assert(fc.property(fc.uniqueArray(word, { minLength: 2, maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 40 }), (values, asks) => {
      const dict = [null, ...values];
      const sp = new CategorySpelling(dict);
      for (const [x, y] of asks) {
        const a = 1 + (x % values.length), b = 1 + (y % values.length);
        const want = a === b ? CategoryLevel.EXACT : naiveOsa(dict[a]!, dict[b]!) === 1 ? CategoryLevel.ONE_TYPO : CategoryLevel.ELSE;
        expect(compareCategories(a, b, undefined, sp)).toBe(want);
        expect(compareCategories(b, a, undefined, sp)).toBe(want);
      }
    }), { numRuns: 500, seed: 23 });
  });

  it('a dictionary too large for the dense memo (Map memo) gives the same answers as the oracle', () => {
    // 2,500 of the 5,376 words over 4 letters with lengths 4–6: many pairs one slip apart.
    const rng = new Rng(99);
    const values = new Set<string>();
    while (values.size < 2500) {
      const len = 4 + rng.int(3);
      let w = '';
      for (let i = 0; i < len; i++) w += 'abcd'[rng.int(4)];
      values.add(w);
    }
    const dict = [null, ...values];
    const codeOf = new Map(dict.map((v, code) => [v, code] as const));
    const sp = new CategorySpelling(dict);
    let typos = 0;
    for (let i = 0; i < 3000; i++) {
      const a = 1 + rng.int(values.size);
      let b = 1 + rng.int(values.size);
      if (i % 2 === 0) {
        // a one-substitution variant of a's value, when the dictionary holds it
        const v = dict[a]!;
        const k = rng.int(v.length);
        const w = v.slice(0, k) + 'abcd'[rng.int(4)] + v.slice(k + 1);
        b = codeOf.get(w) ?? b;
      }
      const want = a === b ? CategoryLevel.EXACT : naiveOsa(dict[a]!, dict[b]!) === 1 ? CategoryLevel.ONE_TYPO : CategoryLevel.ELSE;
      if (want === CategoryLevel.ONE_TYPO) typos++;
      expect(compareCategories(a, b, undefined, sp)).toBe(want);
      expect(compareCategories(b, a, undefined, sp)).toBe(want);
    }
    expect(typos).toBeGreaterThan(300);
  });

  it('equivalence comes before one-typo; a spelling rejects a non-string entry', () => {
    const dict = [null, 'ha giang', 'tuyen quang', 'ha giangg'];
    const both = buildProvinceEquivalence(dict);
    const sp = new CategorySpelling(dict);
    expect(compareCategories(1, 2, both, sp)).toBe(CategoryLevel.EQUIVALENT);
    expect(compareCategories(1, 3, both, sp)).toBe(CategoryLevel.ONE_TYPO);
    let err: unknown;
    try {
      new CategorySpelling([null, 5 as unknown as string]);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('every level is reached; without an equivalence nothing is equivalent', () => {
    expect([...new Set([...table, ...typos].map((r) => r[2]))].sort()).toEqual(CATEGORY_LEVELS.map((l) => l.code));
    expect(compareCategories(1, 2)).toBe(CategoryLevel.ELSE);
    expect(eq.classOf[0]).toBe(-1); // slot 0 is never classified, even when it holds a name
  });

  it('rejects values that are not dictionary codes', () => {
    for (const [a, b] of [[-1, 2], [2, 1.5], [Number.NaN, 1], [2 ** 31, 1]] as const) {
      let err: unknown;
      try {
        compareCategories(a, b, eq);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('maps every old province to the new province listing its GSO code', () => {
    const names = VN_PROVINCES_63.map((p) => p.name);
    const newNames = VN_PROVINCES_34.map((p) => p.name);
    const all = buildProvinceEquivalence([null, ...names, ...newNames]);
    VN_PROVINCES_34.forEach((np, i) => {
      const cls = all.classOf[1 + names.length + i]!;
      expect(cls).toBeGreaterThanOrEqual(0);
      for (const gso of np.legacy) {
        const oldIndex = VN_PROVINCES_63.findIndex((p) => p.gso === gso);
        expect(all.classOf[1 + oldIndex]).toBe(cls);
      }
    });
    expect(new Set(all.classOf.subarray(1)).size).toBe(34);
    // short names, ASCII names and former names land in the same classes
    const short = buildProvinceEquivalence([null, ...VN_PROVINCES_63.map((p) => p.shortName)]);
    const ascii = buildProvinceEquivalence([null, ...VN_PROVINCES_63.map((p) => p.ascii)]);
    expect([...short.classOf]).toEqual([...all.classOf.subarray(0, 1 + names.length)]);
    expect([...ascii.classOf]).toEqual([...all.classOf.subarray(0, 1 + names.length)]);
    expect(VN_PROVINCE_FORMER_NAMES.length).toBeGreaterThan(0);
  });

  it('folds province names and rejects non-string dictionary entries', () => {
    expect(foldProvinceName('Tỉnh Đắk Lắk')).toBe('dak lak');
    expect(foldProvinceName('TP. Hồ Chí Minh')).toBe('ho chi minh');
    expect(foldProvinceName('Thành phố Hà Nội')).toBe('ha noi');
    let err: unknown;
    try {
      buildProvinceEquivalence([null, 42 as unknown as string]);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
  });
});
