import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { DEFAULT_POPULATION_OPTIONS, generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { isKhopError } from '../../src/errors.js';
import { parseNationalId } from '../../src/text/national-id.js';

function hashRows(rows: Iterable<PopulationRow>): { hash: string; count: number } {
  const h = createHash('sha256');
  let count = 0;
  for (const r of rows) {
    h.update(JSON.stringify(r));
    h.update('\n');
    count++;
  }
  return { hash: h.digest('hex'), count };
}

function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/** Province short name by numeric CCCD prefix (undefined: not in the 63-province table). */
const PROVINCE_BY_PREFIX: Array<string | undefined> = new Array<string | undefined>(1000);
for (const p of VN_PROVINCES_63) PROVINCE_BY_PREFIX[Number(p.cccdPrefix)] = p.shortName;

describe('generatePopulation: determinism', () => {
  it('same options → identical rows; another seed → other rows', () => {
    const opts = { size: 10_000, seed: 77, duplicateRate: 0.2, namesakeRate: 0.02, labelCorruptions: true };
    const a = hashRows(generatePopulation(opts));
    const b = hashRows(generatePopulation({ ...opts }));
    const c = hashRows(generatePopulation({ ...opts, seed: 78 }));
    expect(a.count).toBe(10_000);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
    // the high bits of a large seed matter too
    const d = hashRows(generatePopulation({ ...opts, seed: 77 + 2 ** 32 }));
    expect(d.hash).not.toBe(a.hash);
  });

  it('record ids run from startRecordId; exactly round(size·duplicateRate) duplicates; base rows first per person', () => {
    const rows = [...generatePopulation({ size: 10_001, seed: 5, duplicateRate: 0.3, startRecordId: 500 })];
    expect(rows.map((r) => r.recordId)).toEqual(Array.from({ length: 10_001 }, (_, i) => String(500 + i)));
    const seen = new Set<number>();
    let dups = 0;
    let nextNew = 0;
    for (const r of rows) {
      if (seen.has(r.personId)) dups++;
      else {
        expect(r.personId).toBe(nextNew++); // new people appear in order 0, 1, 2, …
        seen.add(r.personId);
      }
    }
    expect(dups).toBe(Math.round(10_001 * 0.3));
    expect(rows[0].personId).toBe(0);
  });

  it('defaults are documented values and size 0 yields nothing', () => {
    expect(DEFAULT_POPULATION_OPTIONS).toMatchObject({ size: 10_000, seed: 1, duplicateRate: 0.1, namesakeRate: 0.01, startRecordId: 0 });
    expect([...generatePopulation({ size: 0 })]).toEqual([]);
    expect([...generatePopulation({ size: 1, duplicateRate: 0.9 })].length).toBe(1);
  });
});

describe('generatePopulation: options', () => {
  it('validates once, at call time, naming every bad option', () => {
    let err: unknown;
    try {
      generatePopulation({ size: -1, seed: 1.5, duplicateRate: 1, namesakeRate: 2, corruption: { nameNfd: 3, bogus: 0.1 } as never });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    const problems = (err as { details: { problems: string[] } }).details.problems.join('\n');
    for (const name of ['size', 'seed', 'duplicateRate', 'namesakeRate', 'corruption.nameNfd', 'corruption.bogus']) {
      expect(problems).toContain(name);
    }
  });
  it('refuses a misspelt option and a startRecordId whose last row id is not a safe integer (two rows would share an id)', () => {
    const problemsOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
        return (e as { details: { problems: string[] } }).details.problems.join('\n');
      }
      return 'NO_THROW';
    };
    expect(problemsOf(() => generatePopulation({ sise: 3 } as never))).toContain('sise is not an option');
    expect(problemsOf(() => [...generatePopulation({ size: 3, startRecordId: Number.MAX_SAFE_INTEGER })])).toContain('startRecordId + size − 1');
    const top = [...generatePopulation({ size: 3, duplicateRate: 0, startRecordId: Number.MAX_SAFE_INTEGER - 2 })].map((r) => r.recordId);
    expect(new Set(top).size).toBe(3);
  });

  it('corruption rates of 0 give clean duplicates', () => {
    const zero = Object.fromEntries(
      ['nameMiddleDropped', 'nameReversed', 'nameDialect', 'nameTypo', 'nameToneStyle', 'nameNoDiacritics', 'nameEthD', 'nameNfd',
        'nameHalfComposed', 'nameCaseSpacing', 'dobYearOnly', 'dobOffByOne', 'dobDayMonthSwapped', 'dobFormat', 'idMissing',
        'idOldCmnd', 'idDigitTypo', 'idTransposition', 'idLeadingZeroLost', 'sexMissing', 'provinceMissing', 'addressNewForm'].map((k) => [k, 0]),
    );
    const first = new Map<number, PopulationRow>();
    for (const r of generatePopulation({ size: 3000, seed: 2, duplicateRate: 0.5, corruption: zero })) {
      const base = first.get(r.personId);
      if (base === undefined) first.set(r.personId, r);
      else expect({ ...r, recordId: '' }).toEqual({ ...base, recordId: '' });
    }
  });
});

describe('generatePopulation: streaming at 1M rows', () => {
  it('streams 1M rows with small heap growth; IDs unique and consistent with dob and sex', () => {
    const gc = gcFunction();
    const n = 1_000_000;
    const ids = new Float64Array(n); // allocated before the baseline: off-heap
    gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let maxGrowth = 0;
    let bad = 0;
    let count = 0;
    for (const r of generatePopulation({ size: n, seed: 123, duplicateRate: 0 })) {
      // parse the ID back with charCodeAt: 12 digits, known prefix, century/sex/yy agree with dob/sex
      const id = r.id;
      let ok = id.length === 12;
      let value = 0;
      for (let i = 0; ok && i < 12; i++) {
        const c = id.charCodeAt(i) - 48;
        if (c < 0 || c > 9) ok = false;
        value = value * 10 + c;
      }
      if (ok) {
        const prefix = Math.floor(value / 1e9);
        const g = Math.floor(value / 1e8) % 10;
        const yy = Math.floor(value / 1e6) % 100;
        const dob = r.dob; // dd/mm/yyyy
        const year = (dob.charCodeAt(6) - 48) * 1000 + (dob.charCodeAt(7) - 48) * 100 + (dob.charCodeAt(8) - 48) * 10 + (dob.charCodeAt(9) - 48);
        const sex = r.sex === 'Nam' ? 0 : r.sex === 'Nữ' ? 1 : -1;
        ok =
          PROVINCE_BY_PREFIX[prefix] === r.province &&
          (g & 1) === sex &&
          g >> 1 === Math.floor(year / 100) - 19 &&
          yy === year % 100;
      }
      if (!ok) bad++;
      ids[count++] = value;
      if ((count & 0xffff) === 0) {
        const growth = process.memoryUsage().heapUsed - baseline;
        if (growth > maxGrowth) maxGrowth = growth;
      }
    }
    expect(count).toBe(n);
    expect(bad).toBe(0);
    // holding 1M rows would take hundreds of MB; the stream keeps O(cells) state
    expect(maxGrowth).toBeLessThan(64 * 2 ** 20);
    ids.sort();
    let dupIds = 0;
    for (let i = 1; i < n; i++) if (ids[i] === ids[i - 1]) dupIds++;
    expect(dupIds).toBe(0);
  });

  it('IDs satisfy the library parser (parseNationalId) with matching birth year and sex', () => {
    let n = 0;
    for (const r of generatePopulation({ size: 3000, seed: 8, duplicateRate: 0 })) {
      const parsed = parseNationalId(r.id);
      expect(parsed.ok).toBe(true);
      if (parsed.ok && parsed.kind === 'cccd') {
        expect(parsed.birthYear).toBe(Number(r.dob.slice(6)));
        expect(parsed.sex).toBe(r.sex === 'Nam' ? 'male' : 'female');
        expect(parsed.provinceName).toBe(r.province);
      }
      n++;
    }
    expect(n).toBe(3000);
  });
});

describe('generatePopulation: namesakes', () => {
  it('namesakes exist (same full name and dob) and are different people with different IDs', () => {
    const groups = new Map<string, PopulationRow[]>();
    let people = 0;
    for (const r of generatePopulation({ size: 20_000, seed: 31, duplicateRate: 0, namesakeRate: 0.05 })) {
      people++;
      const key = r.fullName + '|' + r.dob;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [r]);
      else g.push(r);
    }
    let extra = 0;
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      extra += g.length - 1;
      expect(new Set(g.map((r) => r.personId)).size).toBe(g.length);
      expect(new Set(g.map((r) => r.id)).size).toBe(g.length);
    }
    expect(extra / people).toBeGreaterThan(0.04);
    expect(extra / people).toBeLessThan(0.06);
    // without namesakes, exact (name, dob) collisions are rare chance events
    const plain = new Set<string>();
    let chance = 0;
    for (const r of generatePopulation({ size: 20_000, seed: 31, duplicateRate: 0, namesakeRate: 0 })) {
      const key = r.fullName + '|' + r.dob;
      if (plain.has(key)) chance++;
      plain.add(key);
    }
    expect(chance / people).toBeLessThan(0.005);
  });
});
