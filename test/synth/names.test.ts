import { describe, expect, it } from 'vitest';
import { drawName, joinName, nameTables, NATIONAL_FAMILY_NAME_PERCENT, type NameParts } from '../../src/synth/names.js';
import { isWellFormedVietnameseName } from '../../src/synth/vi-text.js';
import { foldToAscii } from '../../src/text/fold.js';
import { Rng } from '../../src/util/rng.js';

describe('name tables', () => {
  it('hold only clean, well-formed, distinct-by-fold entries without the look-alike Ð', () => {
    const t = nameTables();
    const lists = [t.family.items, t.maleMiddle.items, t.maleGiven.items, t.femaleGiven.items, t.boyPairs, t.girlPairs];
    for (const list of lists) {
      expect(list.length).toBeGreaterThan(100);
      for (const s of list) {
        expect(isWellFormedVietnameseName(s), s).toBe(true);
        expect(s).toBe(s.normalize('NFC'));
        expect(s.includes('\u00d0')).toBe(false);
      }
    }
    const folds = t.family.items.map(foldToAscii);
    expect(new Set(folds).size).toBe(folds.length);
    expect(t.maleMiddle.items.some((m) => m.startsWith('Thị'))).toBe(false);
  });
});

describe('drawName', () => {
  const n = 100_000;
  const rng = new Rng(2024);
  const parts: NameParts = { family: '', middle: '', given: '' };
  const family = new Map<string, number>();
  let femaleThi = 0;
  let females = 0;
  let maleThi = 0;
  const samples: string[] = [];
  for (let i = 0; i < n; i++) {
    const sex = (i & 1) as 0 | 1;
    drawName(rng, sex, parts);
    family.set(parts.family, (family.get(parts.family) ?? 0) + 1);
    if (sex === 1) {
      females++;
      if (parts.middle.split(' ')[0] === 'Thị') femaleThi++;
    } else if (parts.middle.split(' ')[0] === 'Thị') maleThi++;
    if (i < 2000) samples.push(joinName(parts));
  }

  it('reproduces the national family-name shares (±10 % relative for the big ones)', () => {
    for (const [name, pct] of NATIONAL_FAMILY_NAME_PERCENT) {
      const observed = (family.get(name) ?? 0) / n;
      const expected = pct / 100;
      const tol = Math.max(0.1 * expected, 4 * Math.sqrt((expected * (1 - expected)) / n));
      expect(Math.abs(observed - expected), name).toBeLessThanOrEqual(tol);
    }
    // the tail (11.4 %) is present and varied
    const head = new Set(NATIONAL_FAMILY_NAME_PERCENT.map(([s]) => s));
    let tail = 0;
    for (const [s, c] of family) if (!head.has(s)) tail += c;
    expect(tail / n).toBeGreaterThan(0.1);
    expect(tail / n).toBeLessThan(0.13);
  });

  it('gives "Thị" to ~60 % of women and to no man', () => {
    expect(femaleThi / females).toBeGreaterThan(0.57);
    expect(femaleThi / females).toBeLessThan(0.63);
    expect(maleThi).toBe(0);
  });

  it('produces well-formed names of 2 to 5 syllables', () => {
    for (const s of samples) {
      const k = s.split(' ').length;
      expect(k).toBeGreaterThanOrEqual(2);
      expect(k).toBeLessThanOrEqual(5);
      expect(isWellFormedVietnameseName(s), s).toBe(true);
    }
  });
});
