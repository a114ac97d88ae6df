/**
 * Register sources for the claim generator: the people claims are built from, sampled by index
 * without holding a generated register, and IDs guaranteed absent from it.
 *
 * - ModelSource: the register is population options; person i is recomputed by the
 *   PersonModel in O(log cells), and unused IDs are serial ranks beyond a cell's quota
 *   (see src/synth/person-model.ts) — O(cells) memory for any register size.
 * - RowsSource: the register is an array of rows (already in memory); rows are validated once
 *   (all problems reported together), unused IDs are drawn at random and checked against a Set
 *   of the register's IDs.
 *
 * Trade-off: the rows form costs a Set of IDs (fine for the test-sized registers it serves; a
 * national register should be given as options).
 */
import { KhopError } from '../errors.js';
import { VN_PROVINCES_63 } from '../data/vn-provinces.js';
import type { Rng } from '../util/rng.js';
import { daysInMonth, pad2 } from './demography.js';
import { joinName } from './names.js';
import { centurySexDigit, drawProvince, type PersonModel } from './person-model.js';

/** A register row as accepted by generateClaims (clean values). */
export interface RegisterRowInput {
  personId: number;
  /** 12-digit CCCD with a prefix of the 63-province table. */
  id: string;
  fullName: string;
  /** dd/mm/yyyy or yyyy-mm-dd. */
  dob: string;
  /** "Nam" | "Nữ". */
  sex: string;
}

/** What a claim needs of a register person. */
export interface RegisterPerson {
  personId: number;
  id: string;
  fullName: string;
  year: number;
  month: number;
  day: number;
  sex: 0 | 1;
}

export interface RegisterSource {
  readonly size: number;
  person(i: number): RegisterPerson;
  unusedId(rng: Rng, year: number, sex: 0 | 1): string;
}

export class ModelSource implements RegisterSource {
  readonly size: number;
  constructor(private readonly model: PersonModel) {
    this.size = model.people;
  }
  person(i: number): RegisterPerson {
    const p = this.model.person(i);
    return { personId: p.personId, id: p.id, fullName: joinName(p), year: p.year, month: p.month, day: p.day, sex: p.sex };
  }
  unusedId(rng: Rng, year: number, sex: 0 | 1): string {
    return this.model.unusedId(rng, year, sex, drawProvince(rng));
  }
}

export const PREFIXES = new Set(VN_PROVINCES_63.map((p) => p.cccdPrefix));

export class RowsSource implements RegisterSource {
  readonly size: number;
  private readonly ids: Set<string>;
  private readonly ymd: Int32Array;
  constructor(private readonly rows: readonly RegisterRowInput[]) {
    this.size = rows.length;
    this.ids = new Set();
    this.ymd = new Int32Array(rows.length);
    const problems: string[] = [];
    for (let i = 0; i < rows.length && problems.length < 20; i++) {
      const r = rows[i];
      if (r === null || typeof r !== 'object') {
        problems.push(`register[${i}] is not a row`);
        continue;
      }
      if (!Number.isSafeInteger(r.personId)) problems.push(`register[${i}].personId must be an integer`);
      if (typeof r.id !== 'string' || !/^\d{12}$/.test(r.id) || !PREFIXES.has(r.id.slice(0, 3))) {
        problems.push(`register[${i}].id must be a 12-digit ID with a known province prefix`);
      }
      if (typeof r.fullName !== 'string' || r.fullName.trim() === '') problems.push(`register[${i}].fullName must be a non-empty string`);
      if (r.sex !== 'Nam' && r.sex !== 'Nữ') problems.push(`register[${i}].sex must be "Nam" or "Nữ"`);
      const packed = typeof r.dob === 'string' ? parseCleanDate(r.dob) : 0;
      if (packed === 0) problems.push(`register[${i}].dob must be dd/mm/yyyy or yyyy-mm-dd`);
      this.ymd[i] = packed;
      this.ids.add(r.id);
    }
    if (problems.length > 0) {
      throw new KhopError('INVALID_ARGUMENT', `invalid register rows: ${problems.join('; ')}`, { details: { problems } });
    }
  }
  person(i: number): RegisterPerson {
    const r = this.rows[i];
    const packed = this.ymd[i];
    return {
      personId: r.personId,
      id: r.id,
      fullName: r.fullName,
      year: Math.floor(packed / 10000),
      month: Math.floor(packed / 100) % 100,
      day: packed % 100,
      sex: r.sex === 'Nam' ? 0 : 1,
    };
  }
  unusedId(rng: Rng, year: number, sex: 0 | 1): string {
    for (;;) {
      const prov = VN_PROVINCES_63[drawProvince(rng)];
      let serial = '' + rng.int(1_000_000);
      serial = '000000'.slice(serial.length) + serial;
      const id = prov.cccdPrefix + centurySexDigit(year, sex) + pad2(year % 100) + serial;
      if (!this.ids.has(id)) return id;
    }
  }
}

/** yyyymmdd of a valid dd/mm/yyyy or yyyy-mm-dd date, 0 otherwise. */
function parseCleanDate(s: string): number {
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  if (match !== null) {
    d = +match[1];
    m = +match[2];
    y = +match[3];
  } else {
    match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (match === null) return 0;
    y = +match[1];
    m = +match[2];
    d = +match[3];
  }
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return 0;
  return y * 10000 + m * 100 + d;
}

