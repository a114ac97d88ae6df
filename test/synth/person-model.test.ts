import { describe, expect, it } from 'vitest';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { PROVINCE_POPULATION_2019, ageWeights, daysInMonth, dayOfYear, monthDayOf, MAX_AGE } from '../../src/synth/demography.js';
import {
  CELL_COUNT,
  centurySexDigit,
  FIRST_BIRTH_YEAR,
  LAST_CMND_BIRTH_YEAR,
  PersonModel,
  personAddressNew,
  personAddressOld,
  province34Name,
} from '../../src/synth/person-model.js';
import { Rng } from '../../src/util/rng.js';
import { isKhopError } from '../../src/errors.js';

describe('demography tables', () => {
  it('has a 2019 population for each of the 63 provinces, totalling ~96.2M', () => {
    let total = 0;
    for (const p of VN_PROVINCES_63) {
      const v = PROVINCE_POPULATION_2019[p.gso];
      expect(v, p.gso).toBeGreaterThan(0);
      total += v;
    }
    expect(Object.keys(PROVINCE_POPULATION_2019).length).toBe(63);
    expect(total).toBeGreaterThan(95_500);
    expect(total).toBeLessThan(97_000);
  });
  it('age pyramid: 0–14 ≈ 24 %, 65+ ≈ 8 %', () => {
    const w = ageWeights();
    expect(w.length).toBe(MAX_AGE + 1);
    const sum = (a: number, b: number): number => w.slice(a, b + 1).reduce((x, y) => x + y, 0);
    const total = sum(0, MAX_AGE);
    expect(sum(0, 14) / total).toBeGreaterThan(0.23);
    expect(sum(0, 14) / total).toBeLessThan(0.26);
    expect(sum(65, MAX_AGE) / total).toBeGreaterThan(0.06);
    expect(sum(65, MAX_AGE) / total).toBeLessThan(0.09);
  });
  it('calendar helpers agree with Date', () => {
    for (const y of [1900, 1996, 2000, 2023, 2024]) {
      for (let m = 1; m <= 12; m++) {
        expect(daysInMonth(y, m)).toBe(new Date(Date.UTC(y, m, 0)).getUTCDate());
        for (const d of [1, daysInMonth(y, m)]) {
          const doy = dayOfYear(y, m, d);
          expect(doy).toBe((Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000);
          expect(monthDayOf(y, doy)).toBe(m * 100 + d);
        }
      }
    }
  });
  it('every old province has a 34-province successor', () => {
    for (let i = 0; i < VN_PROVINCES_63.length; i++) expect(province34Name(i).length).toBeGreaterThan(3);
    expect(province34Name(VN_PROVINCES_63.findIndex((p) => p.gso === '74'))).toBe('Thành phố Hồ Chí Minh'); // Bình Dương
  });
});

describe('PersonModel', () => {
  const people = 20_000;
  const model = new PersonModel({ people, seed: 9, namesakeRate: 0.01 });

  it('person k is a pure function of (seed, people, k)', () => {
    const again = new PersonModel({ people, seed: 9, namesakeRate: 0.01 });
    for (const k of [0, 1, 777, people - 1]) expect(again.person(k)).toEqual(model.person(k));
    const other = new PersonModel({ people, seed: 10, namesakeRate: 0.01 });
    expect(other.person(5).id).not.toBe(model.person(5).id);
  });

  it('IDs encode province, century-sex and year of the person; cells sum to people', () => {
    const prefixes = new Set(VN_PROVINCES_63.map((p) => p.cccdPrefix));
    let cells = 0;
    for (let c = 0; c < CELL_COUNT; c++) cells += model.cellSize(c);
    expect(cells).toBe(people);
    const ids = new Set<string>();
    let bad = 0;
    for (let k = 0; k < people; k++) {
      const p = model.person(k);
      ids.add(p.id);
      const ok =
        /^\d{12}$/.test(p.id) &&
        prefixes.has(p.id.slice(0, 3)) &&
        p.id.slice(0, 3) === VN_PROVINCES_63[p.provinceIndex].cccdPrefix &&
        Number(p.id[3]) === centurySexDigit(p.year, p.sex) &&
        Number(p.id.slice(4, 6)) === p.year % 100 &&
        p.year >= FIRST_BIRTH_YEAR &&
        p.day >= 1 &&
        p.day <= daysInMonth(p.year, p.month) &&
        p.personId === k;
      if (!ok) bad++;
    }
    expect(bad).toBe(0);
    expect(ids.size).toBe(people);
  });

  it('century-sex digit: 0/1 for 1900–1999, 2/3 for 2000–2099', () => {
    expect(centurySexDigit(1999, 0)).toBe(0);
    expect(centurySexDigit(1900, 1)).toBe(1);
    expect(centurySexDigit(2000, 0)).toBe(2);
    expect(centurySexDigit(2025, 1)).toBe(3);
  });

  it('old 9-digit numbers are 9 digits and distinct', () => {
    const seen = new Set<string>();
    for (let k = 0; k < 20_000; k++) {
      const c = model.cmnd(k);
      expect(c.length).toBe(9);
      seen.add(c);
    }
    expect(seen.size).toBe(20_000);
    expect(LAST_CMND_BIRTH_YEAR).toBe(2006);
  });

  it('unusedId gives consistent IDs that no person holds', () => {
    const held = new Set<string>();
    for (let k = 0; k < people; k++) held.add(model.person(k).id);
    const rng = new Rng(3);
    for (let i = 0; i < 5000; i++) {
      const year = FIRST_BIRTH_YEAR + rng.int(100);
      const sex = rng.int(2) as 0 | 1;
      const prov = rng.int(63);
      const id = model.unusedId(rng, year, sex, prov);
      expect(held.has(id)).toBe(false);
      expect(id.slice(0, 3)).toBe(VN_PROVINCES_63[prov].cccdPrefix);
      expect(Number(id[3])).toBe(centurySexDigit(year, sex));
      expect(Number(id.slice(4, 6))).toBe(year % 100);
    }
  });

  it('namesakes share name and birth date with an earlier person of the same year and sex', () => {
    const m = new PersonModel({ people: 20_000, seed: 4, namesakeRate: 0.2 });
    let namesakes = 0;
    const byKey = new Map<string, number[]>();
    for (let k = 0; k < 20_000; k++) {
      const p = m.person(k);
      if (p.namesake) namesakes++;
      const key = `${p.family} ${p.middle} ${p.given}|${p.year}-${p.month}-${p.day}|${p.sex}`;
      const list = byKey.get(key) ?? [];
      list.push(k);
      byKey.set(key, list);
    }
    expect(namesakes / 20_000).toBeGreaterThan(0.17);
    expect(namesakes / 20_000).toBeLessThan(0.21);
    let inGroups = 0;
    for (const list of byKey.values()) if (list.length > 1) inGroups += list.length;
    expect(inGroups).toBeGreaterThanOrEqual(namesakes);
  });

  it('addresses: old form has district and 63-province name, new form the 34-province name and no district', () => {
    const p = model.person(12);
    const old = personAddressOld(p);
    const neu = personAddressNew(p);
    expect(old.startsWith('số ')).toBe(true);
    expect(old.endsWith(VN_PROVINCES_63[p.provinceIndex].name)).toBe(true);
    expect(old.split(', ').length).toBe(4);
    expect(neu.split(', ').length).toBe(3);
    expect(neu.endsWith(province34Name(p.provinceIndex))).toBe(true);
  });

  it('rejects a person index out of range and an impossible size', () => {
    expect(() => model.person(people)).toThrow();
    expect(() => model.person(-1)).toThrow();
    let err: unknown;
    try {
      new PersonModel({ people: 2e9, seed: 1, namesakeRate: 0 });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
  });
});
