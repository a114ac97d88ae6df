/**
 * "Did you mean" (src/register/candidate-search.ts): the bounded, early-skipping search against
 * a brute-force oracle — every live record of the register whose candidate key equals the
 * claim's, all of them, each evaluated in full
 * (RecordEvaluator.evaluate), sorted by weight descending then record id ascending (then store
 * row), the first k.
 * The registers are made of very few names and birth dates, so blocks are large (some past
 * 256 rows, where the search once stopped) and the bound has rows to skip. Every value is made up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Register } from '../../src/register/register.js';
import { compareRecordIds } from '../../src/util/record-id-order.js';
import { PreparedClaim } from '../../src/register/claim.js';
import { CandidateSearch } from '../../src/register/candidate-search.js';
import { canonicalPersonName, candidateKey } from '../../src/register/person-name-form.js';
import { BY_SEARCH, type RecordEvaluator } from '../../src/register/record-evaluator.js';
import type { RegisterState } from '../../src/register/register-state.js';
import type { VerdictCandidate } from '../../src/register/verdict.js';
import { parseDate } from '../../src/text/date.js';
import { Rng } from '../../src/util/rng.js';
import { recordIdAt } from '../../src/register/record-id.js';

const SCHEMA = {
  id: { kind: 'nationalId', country: 'VN' },
  name: { kind: 'personName', locale: 'vi' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
  province: { kind: 'category' },
} as const;

const FAMILIES = ['Nguyễn', 'Nguyễn', 'Nguyễn', 'Nguyen', 'Trần', 'Lê'];
const MIDDLES = ['Văn', 'Thị', 'Văn Minh', 'Thị Thu', '', 'Hữu', 'Minh', 'Ngọc'];
const GIVENS = ['An', 'Ân', 'Anh', 'Trâm', 'Châm', 'Hòa', 'Hoà', 'Hoa'];
/** Two birth dates, each in two written formats (same packed date). */
const DATES: ReadonlyArray<readonly [string, string, number]> = [
  ['01/05/1990', '1990-05-01', 1990],
  ['15/08/1985', '1985-08-15', 1985],
];
const PROVINCES = ['Hà Nội', 'Hải Phòng', 'Huế'];

interface Row {
  rid: string;
  id: string;
  name: string;
  dob: string;
  sex: string;
  province: string;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function writeName(rng: Rng, family: string, middle: string, given: string): string {
  const name = [family, middle, given].filter((t) => t !== '').join(' ');
  switch (rng.int(5)) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
    case 2:
      return name.toLowerCase();
    default:
      return name;
  }
}

/** An ID consistent with the birth year and sex (century-sex digit, year digits, serial). */
function idOf(year: number, sex: string, serial: number): string {
  const century = sex === 'Nữ' ? 1 : 0;
  return `001${century}${String(year % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
}

function makeRow(rng: Rng, serial: number): Row {
  const [dmy, iso, year] = pick(rng, DATES);
  const sex = pick(rng, ['Nam', 'Nữ', 'Nam', 'Nữ', '']);
  return {
    rid: `R${serial}`,
    id: idOf(year, sex, serial),
    name: writeName(rng, pick(rng, FAMILIES), pick(rng, MIDDLES), pick(rng, GIVENS)),
    dob: rng.chance(0.5) ? dmy : iso,
    sex,
    province: rng.chance(0.2) ? '' : pick(rng, PROVINCES),
  };
}

/** A claim near row `r` (or a fresh name): varied name, date format, sex, and an unusable or unknown ID. */
function makeClaim(rng: Rng, r: Row): Record<string, unknown> {
  const tokens = r.name.split(' ');
  let name = r.name;
  switch (rng.int(6)) {
    case 0:
      name = writeName(rng, pick(rng, FAMILIES), pick(rng, MIDDLES), pick(rng, GIVENS));
      break;
    case 1:
      if (tokens.length >= 3) name = [tokens[0], tokens[tokens.length - 1]].join(' ');
      break;
    case 2:
      if (tokens.length >= 2) name = [tokens[tokens.length - 1], ...tokens.slice(0, -1)].join(' ');
      break;
    default:
  }
  const [dmy, iso] = DATES.find((d) => d[0] === r.dob || d[1] === r.dob)!;
  const claim: Record<string, unknown> = {
    name,
    dob: rng.chance(0.5) ? dmy : iso,
    sex: pick(rng, [r.sex, r.sex, 'Nam', 'Nữ', undefined]),
  };
  if (rng.chance(0.3)) claim.province = pick(rng, [r.province, ...PROVINCES]);
  // Unusable IDs (INVALID_ID) and one-digit neighbours of a real ID (NOT_FOUND, close ID).
  switch (rng.int(4)) {
    case 0:
      claim.id = 'abc';
      break;
    case 1:
      break;
    default: {
      const last = Number(r.id[11]);
      claim.id = r.id.slice(0, 11) + String((last + 1 + rng.int(9)) % 10);
    }
  }
  return claim;
}

interface Internals {
  s: RegisterState;
  evaluator: RecordEvaluator;
  didYouMean: CandidateSearch;
}

function internals(reg: Register): Internals {
  return reg as unknown as Internals;
}

const rowKeys = new WeakMap<Row, string | null>();

/** The candidate key the register computes for a row (ingestion: canonical name + packed date). */
function keyOfRow(r: Row): string | null {
  let key = rowKeys.get(r);
  if (key === undefined) {
    const norm = canonicalPersonName(r.name, 'vi')?.norm ?? null;
    const d = parseDate(r.dob);
    key = norm === null || !d.ok ? null : candidateKey(norm, d.packed, 'vi');
    rowKeys.set(r, key);
  }
  return key;
}

const keyIndexes = new WeakMap<readonly Row[], { length: number; byKey: Map<string, number[]> }>();

/** Row positions by candidate key (string equality, not the index's hashes), ascending. */
function rowsByKey(rows: readonly Row[]): Map<string, number[]> {
  let e = keyIndexes.get(rows);
  if (e === undefined || e.length !== rows.length) {
    const byKey = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const key = keyOfRow(r);
      if (key === null) return;
      let a = byKey.get(key);
      if (a === undefined) byKey.set(key, (a = []));
      a.push(i);
    });
    e = { length: rows.length, byKey };
    keyIndexes.set(rows, e);
  }
  return e.byKey;
}

/**
 * The oracle: store rows in `rows` order (row i = rows[i]); `live[i]` false for dead rows.
 * Rows below `baseRows` come in ascending order, delta rows newest first (as the index lists
 * them), capped, then everything is evaluated and sorted.
 */
function oracle(reg: Register, rows: readonly Row[], live: readonly boolean[], baseRows: number, claim: Record<string, unknown>, k: number): VerdictCandidate[] {
  const { s, evaluator } = internals(reg);
  const L = s.layout;
  const c = new PreparedClaim(claim, L);
  if (c.text[L.fullName!.index] === null || c.text[L.date!.index] === null) return [];
  const d = c.date(L.date!);
  const norm = c.name(L.fullName!).canonical;
  if (!d.ok || norm === null) return [];
  const key = candidateKey(norm, d.packed, 'vi');
  if (key === null) return [];
  const same = rowsByKey(rows).get(key) ?? [];
  const listed: number[] = [];
  for (const i of same) if (i < baseRows && live[i]) listed.push(i);
  for (let j = same.length - 1; j >= 0; j--) if (same[j]! >= baseRows && live[same[j]!]) listed.push(same[j]!);
  const taken = listed.sort((a, b) => a - b);
  const K = L.fields.length;
  const scored = taken.map((row) => {
    const out = new Uint8Array(K);
    const e = { weight: 0, policyHolds: false };
    evaluator.evaluate(c, row, BY_SEARCH, out, e);
    return { row, weight: e.weight, out };
  });
  scored.sort((a, b) => b.weight - a.weight || compareRecordIds(rows[a.row]!.rid, rows[b.row]!.rid) || a.row - b.row);
  return scored.slice(0, k).map((x) => ({ recordId: rows[x.row]!.rid, weight: x.weight, fields: evaluator.fields(x.out) }));
}

async function bigRegister(seed: number, n: number): Promise<{ reg: Register; rows: Row[]; live: boolean[] }> {
  const rng = new Rng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) rows.push(makeRow(rng, i));
  const reg = await Register.build(SCHEMA, rows, { idField: 'rid' });
  expect(reg.rejected).toEqual([]);
  // The store holds the rows in did-you-mean block order (block-order.ts): the oracle's row i
  // is store row i, found by its record id.
  const byRid = new Map(rows.map((r) => [r.rid, r]));
  const { s } = internals(reg);
  const stored = Array.from({ length: s.store.rowCount }, (_, row) => byRid.get(String(recordIdAt(s.layout, internals(reg).evaluator.store, row)))!);
  expect(new Set(stored).size).toBe(rows.length);
  return { reg, rows: stored, live: stored.map(() => true) };
}

/** Authenticate `count` claims; every NOT_FOUND / INVALID_ID verdict's candidates must equal the oracle's. */
function checkClaims(reg: Register, rows: Row[], live: boolean[], baseRows: number, rng: Rng, count: number): { searched: number; large: number } {
  let searched = 0;
  let large = 0;
  for (let q = 0; q < count; q++) {
    let r = rng.int(rows.length);
    while (!live[r]) r = rng.int(rows.length);
    const claim = makeClaim(rng, rows[r]!);
    const k = rng.chance(0.1) ? 100 : 1 + rng.int(6);
    const v = reg.authenticate(claim, { candidates: k });
    if (v.status !== 'NOT_FOUND' && v.status !== 'INVALID_ID') continue;
    const expected = oracle(reg, rows, live, baseRows, claim, k);
    expect(v.candidates, `claim ${q} (k ${k})`).toEqual(expected);
    searched++;
    if (expected.length === k) large++;
  }
  return { searched, large };
}

describe('CandidateSearch: the top k with the bound equals the brute-force top k', () => {
  it('large blocks (some past 256 rows), seeded claims with every k, rows skipped by the bound', async () => {
    const { reg, rows, live } = await bigRegister(7, 3000);
    const search = internals(reg).didYouMean;
    const { searched, large } = checkClaims(reg, rows, live, rows.length, new Rng(11), 1200);
    // The test means something only when many claims were searched and rows were skipped.
    expect(searched).toBeGreaterThan(800);
    expect(large).toBeGreaterThan(700);
    expect(search.skipped).toBeGreaterThan(1000);
    expect(search.compared).toBeGreaterThan(1000);
  });

  it('delta rows and removed rows (before compaction) and after compaction', async () => {
    const { reg, rows, live } = await bigRegister(21, 1200);
    const rng = new Rng(5);
    const baseRows = rows.length;
    // Add rows sharing the same names and dates; remove some base and some delta rows.
    const added: Row[] = [];
    for (let i = 0; i < 400; i++) added.push(makeRow(rng, baseRows + i));
    reg.add(added);
    rows.push(...added);
    live.push(...added.map(() => true));
    for (let i = 0; i < 150; i++) {
      const r = rng.int(rows.length);
      if (live[r] && reg.remove(rows[r]!.rid)) live[r] = false;
    }
    expect(reg.stats().delta).toBeGreaterThan(0);
    checkClaims(reg, rows, live, baseRows, rng, 800);
    reg.compact();
    // Every row is now a base row; dead rows stay in the store (tombstoned) unless they pass
    // 1/8 of it, when the store is rewritten without them, in order.
    const rowCount = internals(reg).s.store.rowCount;
    if (rowCount === rows.length) checkClaims(reg, rows, live, rows.length, rng, 500);
    else {
      const kept = rows.filter((_, i) => live[i]);
      expect(rowCount).toBe(kept.length);
      checkClaims(reg, kept, kept.map(() => true), kept.length, rng, 500);
    }
  });
});

describe('CandidateSearch: a store of several chunks, grown after the first searches', () => {
  it('rows past the first 65,536-row chunk, then rows added into a new chunk, searched like the oracle', async () => {
    // The search reads store cells per chunk (touch, chunkCells): cached on first use and
    // extended when add() opens a chunk after earlier searches.
    const { reg, rows, live } = await bigRegister(31, 65_400);
    const rng = new Rng(9);
    const baseRows = rows.length;
    checkClaims(reg, rows, live, baseRows, rng, 150);
    // Not full yet: every cell's null bit is read.
    const flags = (): number[][] => (internals(reg).didYouMean as unknown as { cellClean: number[][] }).cellClean;
    expect(flags()[internals(reg).s.layout.fullName!.storeColumn]![0]).toBe(2);
    const added: Row[] = [];
    for (let i = 0; i < 400; i++) added.push(makeRow(rng, baseRows + i));
    reg.add(added);
    rows.push(...added);
    live.push(...added.map(() => true));
    expect(internals(reg).s.store.rowCount).toBeGreaterThan(65_536);
    // Claims about rows past the chunk boundary (the added ones among them), then any rows.
    let searched = 0;
    for (let q = 0; q < 100; q++) {
      const r = 65_536 + rng.int(rows.length - 65_536);
      const claim = makeClaim(rng, rows[r]!);
      const v = reg.authenticate(claim, { candidates: 5 });
      if (v.status !== 'NOT_FOUND' && v.status !== 'INVALID_ID') continue;
      expect(v.candidates, `claim ${q}`).toEqual(oracle(reg, rows, live, baseRows, claim, 5));
      searched++;
    }
    expect(searched).toBeGreaterThan(30);
    checkClaims(reg, rows, live, baseRows, rng, 150);
    // The first chunk filled up after the first searches: its cells are now read without null
    // bits where the column has none (ID, name, date, form, record id) and with them where it
    // has (a blank sex is a null cell) — both ways compared with the oracle above.
    const clean = flags();
    const L = internals(reg).s.layout;
    for (const col of [L.id.storeColumn, L.fullName!.storeColumn, L.date!.storeColumn, L.formColumn, L.recordIdColumn]) expect(clean[col]![0], `column ${col}`).toBe(1);
    expect(clean[L.sex!.storeColumn]![0]).toBe(0);
  }, 60_000);
});

describe('CandidateSearch: record ids decoded by the search', () => {
  it('a number record id comes back as the number, a text one (digits with a leading zero, accents) as the text', async () => {
    const rng = new Rng(13);
    const rows: Array<Omit<Row, 'rid'> & { rid: string | number }> = [];
    for (let i = 0; i < 600; i++) rows.push({ ...makeRow(rng, i), rid: i % 3 === 0 ? 7_000_000 + i : i % 3 === 1 ? `0${i}` : `Hồ sơ ${i}` });
    const reg = await Register.build(SCHEMA, rows, { idField: 'rid' });
    let seen = 0;
    for (let q = 0; q < 300; q++) {
      const r = rows[rng.int(rows.length)]!;
      const v = reg.authenticate(makeClaim(rng, { ...r, rid: String(r.rid) }), { candidates: 5 });
      for (const c of v.candidates ?? []) {
        const row = rows.find((x) => String(x.rid) === String(c.recordId))!;
        expect(c.recordId).toBe(row.rid); // same value and type
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(300);
  });

  it('every row of a block of more than 256 namesakes is examined: a record added to it is offered, as when built with it', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' } } as const;
    const namesakes = Array.from({ length: 300 }, (_, i) => ({ rid: `N${i}`, id: `001090${100000 + i}`, name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' }));
    const x = { rid: 'X', id: '001090999999', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' };
    const claim = { id: '001090999990', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' }; // one digit off X's, unknown
    const first = await Register.build(schema, [x, ...namesakes], { idField: 'rid' });
    const last = await Register.build(schema, [...namesakes, x], { idField: 'rid' });
    const added = await Register.build(schema, namesakes, { idField: 'rid' });
    added.add([x]);
    const expected = first.authenticate(claim).candidates ?? [];
    expect(expected[0]!.recordId).toBe('X');
    expect(last.authenticate(claim).candidates).toEqual(expected);
    expect(added.authenticate(claim).candidates).toEqual(expected);
    added.compact();
    expect(added.authenticate(claim).candidates).toEqual(expected);
  });
});

describe('did you mean: a symbol kept as a word of the name', () => {
  it('is no name part, on the claim and on the register row (the verdict reads such a name as the name)', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' } } as const;
    const reg = await Register.build(schema, [
      { id: '001090012345', name: 'Nguyễn Văn Hoà', dob: '02/01/1990', sex: 'Nam' },
      { id: '001090012346', name: 'Trần Văn Hoà ★', dob: '02/01/1990', sex: 'Nam' },
    ]);
    const found = (name: string) => reg.authenticate({ id: '', name, dob: '02/01/1990', sex: 'Nam' }, { candidates: 3 }).candidates?.map((c) => c.recordId);
    for (const name of ['Nguyễn Văn Hoà 🙂', '🙂 Nguyễn Văn Hoà', 'Nguyễn Văn Hoà ★']) expect(found(name), name).toEqual([0]);
    expect(found('Trần Văn Hoà')).toEqual([1]);
  });
});
