/**
 * PersonModel: base person k of a synthetic population, computed from (seed, people, k) in
 * O(log cells) time and O(cells) memory — so a 100M-person register can be streamed, sampled
 * and regenerated without ever being held.
 *
 * How person k is made:
 *
 * ```
 *  k ──π──▶ p (a seeded permutation of [0, people): the emission order is shuffled)
 *  p ──binary search in cellStart──▶ cell c = (birth year, sex, province), rank r = p − cellStart[c]
 *  ID   = cccdPrefix(province) · centurySex(year, sex) · yy · φ_c(r)      (φ_c: bijection of [0, 10^6))
 *  name, birth day ← Rng(hash(seed, p))  (or copied from an earlier p' of the same year and sex:
 *                                         a namesake)
 *  address         ← hash(seed, p)
 *  old 9-digit ID  = ψ(k)                                               (ψ: bijection of [0, 10^9))
 * ```
 *
 * Cells: 100 birth years × 2 sexes × 63 provinces = 12,600. Each cell's size (its quota) is
 * people × P(year) × P(sex) × P(province) rounded systematically (one seeded offset) so quotas
 * sum to `people` exactly (src/synth/demography.ts gives the shapes). Cells are ordered year-major,
 * then sex, then province, so everyone of one (year, sex) occupies one contiguous range of p —
 * the range a namesake is drawn from.
 *
 * Uniqueness of IDs: two people share an ID only if they share the cell (prefix, century-sex
 * digit and yy all derive from the cell) and φ_c(r) = φ_c(r'); φ_c is a bijection and ranks
 * inside a cell are distinct, so IDs are unique as long as every quota ≤ 10^6 (checked at
 * construction; at 10^9 people the largest cell is ~8·10^5). Serials φ_c(r) with r ≥ quota are
 * never used: that is where IDs "not in the register" come from.
 *
 * Trade-off: the population depends on `people` (quotas do), so the first rows of a 1,000-person
 * population differ from those of a 100-person one with the same seed.
 */
import { KhopError } from '../errors.js';
import { VN_DISTRICTS, VN_PROVINCES_34, VN_PROVINCES_63 } from '../data/vn-provinces.js';
import { deriveSeed, Rng } from '../util/rng.js';
import { AliasTable } from './alias-table.js';
import {
  ageWeights,
  daysInYear,
  formatDmy,
  MALE_SHARE,
  MAX_AGE,
  monthDayOf,
  pad2,
  PROVINCE_POPULATION_2019,
  REFERENCE_YEAR,
} from './demography.js';
import { FeistelPermutation, foldSeed, mix32 } from './feistel.js';
import { drawName, joinName, type NameParts } from './names.js';

/** First birth year generated (REFERENCE_YEAR − MAX_AGE). */
export const FIRST_BIRTH_YEAR = REFERENCE_YEAR - MAX_AGE;
const YEARS = MAX_AGE + 1;
const PROVINCES = VN_PROVINCES_63.length;
/** Number of (year, sex, province) cells. */
export const CELL_COUNT = YEARS * 2 * PROVINCES;
/** Serials per cell: the 6 random digits of an ID. */
export const SERIALS_PER_CELL = 1_000_000;
/** Largest supported population (the old 9-digit numbers must stay unique). */
export const MAX_PEOPLE = 1_000_000_000;
/** Oldest birth year that can hold an old 9-digit ID (CMND: issued at 14+, until 2021). */
export const LAST_CMND_BIRTH_YEAR = 2006;

/** Common street names (national heroes, dates, ideals) used in synthetic addresses. */
export const STREET_NAMES: readonly string[] = [
  'Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Quang Trung',
  'Nguyễn Huệ', 'Điện Biên Phủ', 'Hùng Vương', 'Lê Duẩn', 'Phan Chu Trinh', 'Phan Bội Châu',
  'Trần Phú', 'Nguyễn Du', 'Hoàng Diệu', 'Bà Triệu', 'Lê Thánh Tông', 'Ngô Quyền',
  'Nguyễn Văn Cừ', 'Võ Thị Sáu', 'Cách Mạng Tháng Tám', 'Độc Lập', 'Thống Nhất', 'Hòa Bình',
  'Nguyễn Thị Minh Khai', 'Lê Hồng Phong', 'Chu Văn An', 'Nguyễn Đình Chiểu', 'Tôn Đức Thắng',
  'Hàm Nghi', 'Lạc Long Quân', 'Âu Cơ', 'Lý Thái Tổ', 'Trần Quốc Toản', 'Nguyễn Thái Học',
  'Phạm Ngũ Lão', 'Yết Kiêu', 'Đinh Tiên Hoàng', 'Lê Lai', 'Nguyễn Khuyến',
];

/** Stream numbers for deriveSeed: one independent random stream per purpose. */
const STREAM_EMISSION = 1;
const STREAM_SERIAL = 2;
const STREAM_CMND = 3;
const STREAM_IDENTITY = 4;
const STREAM_ADDRESS = 5;
const STREAM_QUOTA = 6;

/** Everything the generator knows about one base person (clean values). */
export interface Person {
  /** Ground-truth person number k (0-based order of first appearance). */
  personId: number;
  /** Index into VN_PROVINCES_63 of the province of birth registration. */
  provinceIndex: number;
  /** 0 = male, 1 = female. */
  sex: 0 | 1;
  year: number;
  month: number;
  day: number;
  family: string;
  middle: string;
  given: string;
  /** The 12-digit personal identification number (CCCD). */
  id: string;
  houseNumber: number;
  street: string;
  /** Index into VN_DISTRICTS. */
  districtIndex: number;
  /** True when name and birth date were copied from an earlier person of the same year and sex. */
  namesake: boolean;
}

/** Constructor options (already validated by the callers' option parsers). */
export interface PersonModelOptions {
  people: number;
  /** Any safe integer (all its bits matter). */
  seed: number;
  namesakeRate: number;
}

let provinceTables:
  | { provinceTable: AliasTable<number>; districtsOf: number[][]; province34NameOf: string[]; ageTable: Float64Array }
  | undefined;

function sharedTables(): NonNullable<typeof provinceTables> {
  if (provinceTables !== undefined) return provinceTables;
  const districtsOf: number[][] = VN_PROVINCES_63.map(() => []);
  const index = new Map<string, number>();
  VN_PROVINCES_63.forEach((p, i) => index.set(p.gso, i));
  VN_DISTRICTS.forEach(([, gso], di) => {
    const pi = index.get(gso);
    if (pi !== undefined) districtsOf[pi].push(di);
  });
  const province34NameOf = VN_PROVINCES_63.map((p) => {
    const merged = VN_PROVINCES_34.find((q) => q.legacy.includes(p.gso));
    if (merged === undefined) throw new KhopError('INTERNAL', 'province table: a 63-province code has no 34-province successor');
    return merged.name;
  });
  provinceTables = {
    provinceTable: new AliasTable(VN_PROVINCES_63.map((p, i): [number, number] => [i, PROVINCE_POPULATION_2019[p.gso] ?? 0])),
    districtsOf,
    province34NameOf,
    ageTable: ageWeights(),
  };
  return provinceTables;
}

/** The 34-province name (2025) that absorbed the given 63-province index. */
export function province34Name(provinceIndex: number): string {
  return sharedTables().province34NameOf[provinceIndex];
}

/** Draw a province index weighted by the 2019 census population. */
export function drawProvince(rng: Rng): number {
  return sharedTables().provinceTable.drawIndex(rng);
}

/** Draw a birth year weighted by the age pyramid. */
export function drawBirthYear(rng: Rng): number {
  const t = ageTables();
  return REFERENCE_YEAR - t.drawIndex(rng);
}

let ageAlias: AliasTable<number> | undefined;
function ageTables(): AliasTable<number> {
  if (ageAlias === undefined) {
    const w = sharedTables().ageTable;
    ageAlias = new AliasTable(Array.from(w, (x, age): [number, number] => [age, x]));
  }
  return ageAlias;
}

/** Century-and-sex digit of a CCCD: 0/1 male/female 1900–1999, 2/3 for 2000–2099, … */
export function centurySexDigit(year: number, sex: 0 | 1): number {
  return (Math.floor(year / 100) - 19) * 2 + sex;
}

/** "Nam" / "Nữ", the register's spelling of sex. */
export function sexLabel(sex: 0 | 1): string {
  return sex === 0 ? 'Nam' : 'Nữ';
}

function pad6(n: number): string {
  const s = '' + n;
  return '000000'.slice(s.length) + s;
}

function pad9(n: number): string {
  const s = '' + n;
  return '000000000'.slice(s.length) + s;
}

export class PersonModel {
  /** Number of base people. */
  readonly people: number;
  readonly namesakeRate: number;
  /** cellStart[c] = first position p of cell c; cellStart[CELL_COUNT] = people. */
  private readonly cellStart: Float64Array;
  private readonly emission: FeistelPermutation | null;
  private readonly serial: FeistelPermutation[];
  private readonly cmndPerm: FeistelPermutation;
  private readonly identitySeed: number;
  private readonly addressSeed: number;
  private readonly scratch: NameParts = { family: '', middle: '', given: '' };

  constructor(options: PersonModelOptions) {
    const { people, namesakeRate } = options;
    const seed = foldSeed(options.seed);
    if (!Number.isSafeInteger(people) || people < 0 || people > MAX_PEOPLE) {
      throw new KhopError('INVALID_OPTION', `people must be an integer in [0, ${MAX_PEOPLE}]`);
    }
    this.people = people;
    this.namesakeRate = namesakeRate;
    this.cellStart = computeCellStarts(people, seed);
    for (let c = 0; c < CELL_COUNT; c++) {
      if (this.cellStart[c + 1] - this.cellStart[c] > SERIALS_PER_CELL) {
        throw new KhopError('CAPACITY_EXCEEDED', 'population too large: a (province, year, sex) cell exceeds 10^6 IDs');
      }
    }
    this.emission = people > 0 ? new FeistelPermutation(people, deriveSeed(seed, STREAM_EMISSION)) : null;
    const serialSeed = deriveSeed(seed, STREAM_SERIAL);
    this.serial = new Array<FeistelPermutation>(CELL_COUNT);
    for (let c = 0; c < CELL_COUNT; c++) this.serial[c] = new FeistelPermutation(SERIALS_PER_CELL, deriveSeed(serialSeed, c));
    this.cmndPerm = new FeistelPermutation(MAX_PEOPLE, deriveSeed(seed, STREAM_CMND));
    this.identitySeed = deriveSeed(seed, STREAM_IDENTITY);
    this.addressSeed = deriveSeed(seed, STREAM_ADDRESS);
  }

  /**
   * The old 9-digit number (CMND) of person k: ψ(k) zero-padded, unique per person. Only
   * people born ≤ LAST_CMND_BIRTH_YEAR ever held one.
   */
  cmnd(k: number): string {
    return pad9(this.cmndPerm.apply(k));
  }

  /** Number of people in cell c (its quota). */
  cellSize(c: number): number {
    return this.cellStart[c + 1] - this.cellStart[c];
  }

  /** Base person k (0 ≤ k < people), a fresh object. */
  person(k: number): Person {
    if (!(k >= 0 && k < this.people) || !Number.isInteger(k)) {
      throw new KhopError('INVALID_ARGUMENT', 'person index out of range');
    }
    const p = (this.emission as FeistelPermutation).apply(k);
    const c = this.cellOf(p);
    const r = p - this.cellStart[c];
    const provinceIndex = c % PROVINCES;
    const sex = (Math.floor(c / PROVINCES) % 2) as 0 | 1;
    const year = FIRST_BIRTH_YEAR + Math.floor(c / (2 * PROVINCES));

    // Identity (name + birth day): follow the namesake chain to its root. Each step moves to
    // a strictly smaller position of the same (year, sex) block, so the walk terminates. The
    // decision and the jump come from a hash of (seed, position); the name from an Rng on it.
    const blockStart = this.cellStart[c - provinceIndex];
    let q = p;
    let namesake = false;
    let h = deriveSeed(this.identitySeed, q);
    while (q > blockStart && h / 4294967296 < this.namesakeRate) {
      q = blockStart + Math.floor((mix32(h + 0x9e3779b9) / 4294967296) * (q - blockStart));
      namesake = true;
      h = deriveSeed(this.identitySeed, q);
    }
    const rng = new Rng(h);
    const name = drawName(rng, sex, this.scratch);
    const md = monthDayOf(year, rng.int(daysInYear(year)));

    // Address: three chained hashes of (seed, p) pick district, street and house number.
    const a1 = deriveSeed(this.addressSeed, p);
    const a2 = mix32(a1 + 0x9e3779b9);
    const a3 = mix32(a2 + 0x9e3779b9);
    const districts = sharedTables().districtsOf[provinceIndex];
    const districtIndex = districts[Math.floor((a1 / 4294967296) * districts.length)];
    const street = STREET_NAMES[Math.floor((a2 / 4294967296) * STREET_NAMES.length)];
    // house numbers: 80 % small (1–99), 20 % up to 999 (low 10 bits decide, the rest pick)
    const houseNumber = (a3 & 1023) < 819 ? 1 + ((a3 >>> 10) % 99) : 100 + ((a3 >>> 10) % 900);

    const id =
      VN_PROVINCES_63[provinceIndex].cccdPrefix +
      centurySexDigit(year, sex) +
      pad2(year % 100) +
      pad6(this.serial[c].apply(r));
    return {
      personId: k,
      provinceIndex,
      sex,
      year,
      month: Math.floor(md / 100),
      day: md % 100,
      family: name.family,
      middle: name.middle,
      given: name.given,
      id,
      houseNumber,
      street,
      districtIndex,
      namesake,
    };
  }

  /**
   * A well-formed 12-digit ID that no person of this population holds, consistent with the
   * given birth year and sex, in the given province (or a weighted random one when that cell is
   * full). Uses a serial rank ≥ the cell's quota, which φ_c maps outside the used serials.
   */
  unusedId(rng: Rng, year: number, sex: 0 | 1, provinceIndex: number): string {
    const yi = year - FIRST_BIRTH_YEAR;
    if (!(yi >= 0 && yi < YEARS)) throw new KhopError('INVALID_ARGUMENT', 'birth year outside the generated range');
    let prov = provinceIndex;
    for (let attempt = 0; ; attempt++) {
      const c = (yi * 2 + sex) * PROVINCES + prov;
      const used = this.cellSize(c);
      if (used < SERIALS_PER_CELL) {
        const r = used + rng.int(SERIALS_PER_CELL - used);
        return VN_PROVINCES_63[prov].cccdPrefix + centurySexDigit(year, sex) + pad2(year % 100) + pad6(this.serial[c].apply(r));
      }
      if (attempt > 1000) throw new KhopError('CAPACITY_EXCEEDED', 'no unused ID left for this birth year and sex');
      prov = drawProvince(rng);
    }
  }

  /** Largest c with cellStart[c] ≤ p: the cell holding position p. */
  private cellOf(p: number): number {
    const s = this.cellStart;
    let lo = 0;
    let hi = CELL_COUNT - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (s[mid] <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Cell quotas as prefix sums (length CELL_COUNT + 1). */
function computeCellStarts(people: number, seed: number): Float64Array {
  const t = sharedTables();
  const ages = t.ageTable;
  const provW = new Float64Array(PROVINCES);
  let provTotal = 0;
  for (let i = 0; i < PROVINCES; i++) {
    provW[i] = PROVINCE_POPULATION_2019[VN_PROVINCES_63[i].gso] ?? 0;
    provTotal += provW[i];
  }
  let ageTotal = 0;
  for (let a = 0; a <= MAX_AGE; a++) ageTotal += ages[a];
  const expected = new Float64Array(CELL_COUNT);
  for (let yi = 0; yi < YEARS; yi++) {
    const age = REFERENCE_YEAR - (FIRST_BIRTH_YEAR + yi);
    const pYear = ages[age] / ageTotal;
    for (let sex = 0; sex < 2; sex++) {
      const pSex = sex === 0 ? MALE_SHARE : 1 - MALE_SHARE;
      for (let pi = 0; pi < PROVINCES; pi++) {
        const c = (yi * 2 + sex) * PROVINCES + pi;
        expected[c] = people * pYear * pSex * (provW[pi] / provTotal);
      }
    }
  }
  // Systematic rounding (one random offset u, as in systematic sampling): cell c gets
  // ⌊S_c + u⌋ − ⌊S_{c−1} + u⌋ people where S_c is the running sum of expectations. Each quota is
  // the floor or the ceiling of its expectation, quotas sum to \`people\`, and a small population
  // is a stratified sample spread over years, sexes and provinces (not the largest cells only).
  const u = new Rng(deriveSeed(seed, STREAM_QUOTA)).next();
  const start = new Float64Array(CELL_COUNT + 1);
  let cum = 0;
  for (let c = 0; c < CELL_COUNT; c++) {
    cum += expected[c];
    start[c + 1] = Math.min(people, Math.floor(cum + u));
  }
  start[CELL_COUNT] = people;
  return start;
}

/** The clean, register-style row values of a person. */
export function personFullName(p: Person): string {
  return joinName(p);
}

export function personDob(p: Person): string {
  return formatDmy(p.year, p.month, p.day);
}

/** "số N, đường <street>, <district>, <province>" in the 63-province form. */
export function personAddressOld(p: Person): string {
  return 'số ' + p.houseNumber + ', đường ' + p.street + ', ' + VN_DISTRICTS[p.districtIndex][0] + ', ' + VN_PROVINCES_63[p.provinceIndex].name;
}

/** "số N, đường <street>, <34-province name>": the form after 2025-07-01 (no district level). */
export function personAddressNew(p: Person): string {
  return 'số ' + p.houseNumber + ', đường ' + p.street + ', ' + province34Name(p.provinceIndex);
}
