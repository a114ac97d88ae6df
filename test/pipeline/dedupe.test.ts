import { describe, expect, it } from 'vitest';
import { dedupe, link, type MatchProgress } from '../../src/pipeline/match.js';
import { estimateMemory } from '../../src/pipeline/estimate-memory.js';
import { KhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { generatePopulation } from '../../src/synth/population.js';
import { UnionFind } from '../../src/cluster/union-find.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';

const schema = {
  id: { kind: 'nationalId' as const },
  name: { kind: 'personName' as const, locale: 'vi' as const },
  dob: { kind: 'date' as const },
  sex: { kind: 'sex' as const },
};

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quốc', 'Hữu'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim'];
const GIVEN_M = ['An', 'Bình', 'Cường', 'Dũng', 'Hùng', 'Khoa', 'Long', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Tùng', 'Việt'];
const GIVEN_F = ['Anh', 'Bích', 'Chi', 'Dung', 'Hà', 'Hoa', 'Lan', 'Mai', 'Ngọc', 'Phương', 'Thảo', 'Trang', 'Yến'];

/** A small seeded population: people with one to three records, light corruption, truth per row. */
function population(people: number, seed: number): { rows: Record<string, unknown>[]; truth: number[] } {
  const rng = new Rng(seed);
  const rows: Record<string, unknown>[] = [];
  const truth: number[] = [];
  for (let p = 0; p < people; p++) {
    const male = rng.chance(0.5);
    const name = `${rng.pick(FAMILY)} ${rng.pick(male ? MIDDLE_M : MIDDLE_F)} ${rng.pick(male ? GIVEN_M : GIVEN_F)}`;
    const year = 1950 + rng.int(60);
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(28);
    const id = `${rng.pick(VN_PROVINCES_63).cccdPrefix}${male ? (year < 2000 ? 0 : 2) : year < 2000 ? 1 : 3}${String(year % 100).padStart(2, '0')}${String(rng.int(1e6)).padStart(6, '0')}`;
    const copies = 1 + (rng.chance(0.3) ? 1 + rng.int(2) : 0);
    for (let c = 0; c < copies; c++) {
      let n = name;
      let d = `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
      let i: string | null = id;
      if (c > 0) {
        const kind = rng.int(4);
        if (kind === 0) n = n.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
        if (kind === 1) d = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        if (kind === 2) i = null;
        if (kind === 3) i = id.slice(1); // lost leading zero
      }
      rows.push({ id: i, name: n, dob: d, sex: male ? 'Nam' : 'Nữ', rid: `r${rows.length}` });
      truth.push(p);
    }
  }
  return { rows, truth };
}

function pairF1(pred: ReadonlyArray<string | number | null>, truth: readonly number[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pred.length; i++) {
    for (let j = i + 1; j < pred.length; j++) {
      const p = pred[i] !== null && pred[i] === pred[j];
      const t = truth[i] === truth[j];
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

describe('dedupe', () => {
  it('finds the duplicates of a seeded population (brute-force pair F1)', async () => {
    const { rows, truth } = population(400, 7);
    const r = await dedupe(rows, { schema });
    expect(r.clusters).toHaveLength(rows.length);
    expect(pairF1(r.clusters, truth)).toBeGreaterThan(0.95);
    expect(r.stats.inputRows).toBe(rows.length);
    expect(r.stats.acceptedRows + r.stats.rejectedRows).toBe(rows.length);
  });

  it('is deterministic: same input → identical pairs, weights and clusters', async () => {
    const { rows } = population(200, 11);
    const a = await dedupe(rows, { schema });
    const b = await dedupe(rows, { schema });
    expect(Array.from(a.pairs.left)).toEqual(Array.from(b.pairs.left));
    expect(Array.from(a.pairs.right)).toEqual(Array.from(b.pairs.right));
    expect(Array.from(a.pairs.weight)).toEqual(Array.from(b.pairs.weight));
    expect(a.clusters).toEqual(b.clusters);
    expect(JSON.stringify(a.model.toJSON())).toBe(JSON.stringify(b.model.toJSON()));
  });

  it('a category misspelt by one slip is compared as one-typo (dictionary of the run)', async () => {
    const rows = [
      { id: 1, given: 'Oliver', family: 'Hughes', dob: '1980-04-02', city: 'London' },
      { id: 2, given: 'Oliver', family: 'Hughes', dob: '1980-04-02', city: 'Lonon' },
      { id: 3, given: 'Amelia', family: 'Price', dob: '1975-09-12', city: 'Leeds' },
      { id: 4, given: 'Amelia', family: 'Price', dob: '1975-09-12', city: 'London' },
    ];
    const r = await dedupe(rows, {
      schema: { given: { kind: 'givenName' }, family: { kind: 'familyName' }, dob: { kind: 'date' }, city: { kind: 'category' } },
      idField: 'id', pairFloor: 0, threads: 1,
    });
    const level = (x: number, y: number) => {
      for (let i = 0; i < r.pairs.count; i++) {
        if (r.pairs.left[i] === x && r.pairs.right[i] === y) return r.explain(i).fields.find((f) => f.comparison === 'city')!.label;
      }
      return undefined;
    };
    expect(level(0, 1)).toBe('one-typo');
    expect(level(2, 3)).toBe('else');
  });

  it('a shared common category is weaker evidence than a shared rare one (term-frequency adjustment)', async () => {
    // 40 people in London, one pair in Ely: each pair shares its name, date and city.
    const rows: Array<Record<string, string | number>> = [];
    const given = ['Oliver', 'Amelia', 'Jack', 'Isla', 'Harry', 'Ava', 'George', 'Mia', 'Noah', 'Lily'];
    const family = ['Hughes', 'Price', 'Wood', 'Clarke', 'Ward', 'Turner', 'Hill', 'Moore', 'Cox', 'Bell'];
    for (let i = 0; i < 20; i++) {
      const person = { given: given[i % 10]!, family: family[Math.floor(i / 2) % 10]!, dob: `19${50 + i}-0${1 + (i % 9)}-1${i % 10}`, city: 'London' };
      rows.push({ id: rows.length, ...person }, { id: rows.length + 1, ...person });
    }
    rows.push({ id: 40, given: 'Edith', family: 'Cole', dob: '1948-03-14', city: 'Ely' }, { id: 41, given: 'Edith', family: 'Cole', dob: '1948-03-14', city: 'Ely' });
    const r = await dedupe(rows, {
      schema: { given: { kind: 'givenName' }, family: { kind: 'familyName' }, dob: { kind: 'date' }, city: { kind: 'category' } },
      idField: 'id', pairFloor: 0, threads: 1,
    });
    const city = (x: number, y: number) => {
      for (let i = 0; i < r.pairs.count; i++) {
        if (r.pairs.left[i] === x && r.pairs.right[i] === y) return r.explain(i).fields.find((f) => f.comparison === 'city')!;
      }
      throw new Error('pair not found');
    };
    const london = city(0, 1);
    const ely = city(40, 41);
    expect(london.label).toBe('exact');
    expect(ely.label).toBe('exact');
    expect(london.termFrequency).toBeCloseTo(40 / 42, 9);
    expect(ely.termFrequency).toBeCloseTo(2 / 42, 9);
    expect(london.tfAdjustment).toBeLessThan(0);
    expect(ely.tfAdjustment).toBeGreaterThan(0);
  });

  it('explains every returned pair: the waterfall adds up to the pair weight', async () => {
    const { rows } = population(150, 3);
    const r = await dedupe(rows, { schema });
    expect(r.pairs.count).toBeGreaterThan(0);
    for (let i = 0; i < r.pairs.count; i++) {
      const e = r.explain(i);
      expect(e.total).toBeCloseTo(r.pairs.weight[i]!, 9);
      expect(e.probability).toBeCloseTo(r.pairs.probability[i]!, 9);
      expect(e.fields.map((f) => f.comparison)).toEqual(r.model.comparisons.map((c) => c.name));
    }
    expect(() => r.explain(r.pairs.count)).toThrow(KhopError);
  });

  it('cluster id is the smallest user id of the cluster (idField), stable when rows are appended', async () => {
    const { rows } = population(150, 5);
    const withIds = rows.map((row, i) => ({ ...row, rid: 1000 - i }));
    const r = await dedupe(withIds, { schema, idField: 'rid' });
    const members = new Map<string | number | null, number[]>();
    r.clusters.forEach((c, i) => members.set(c, [...(members.get(c) ?? []), withIds[i]!.rid as number]));
    for (const [id, ids] of members) expect(id).toBe(Math.min(...ids));
    // Appending a new, unrelated person keeps every existing cluster id.
    const extra = { id: '079199123456', name: 'Tôn Thất Vĩnh', dob: '02/02/1999', sex: 'Nam', rid: 1 };
    const r2 = await dedupe([...withIds, extra], { schema, idField: 'rid' });
    expect(r2.clusters.slice(0, withIds.length)).toEqual(r.clusters);
  });

  it('rejects rows it cannot use, with reasons and positions, and keeps the count', async () => {
    const { rows } = population(60, 9);
    const bad = [null, 'text', { id: { x: 1 }, name: 'A' }, { name: ['a'] }, { dob: Number.NaN }, {}, { id: '', name: '   ' }];
    const input = [...rows.slice(0, 10), ...bad, ...rows.slice(10)];
    const r = await dedupe(input, { schema });
    expect(r.rejected.map((x) => x.index)).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(r.rejected.map((x) => x.code)).toEqual(['NOT_AN_OBJECT', 'NOT_AN_OBJECT', 'WRONG_TYPE', 'WRONG_TYPE', 'WRONG_TYPE', 'NO_VALUES', 'NO_VALUES']);
    for (const x of r.rejected) expect(x.reason).not.toMatch(/\{|\[|NaN\b.*NaN/);
    expect(r.clusters.filter((c) => c === null)).toHaveLength(7);
    expect(r.stats.acceptedRows + r.stats.rejectedRows).toBe(input.length);
  });

  it('counts unusable values as missing, per field and reason', async () => {
    const { rows } = population(60, 2);
    rows[0]!.dob = '31/02/1990';
    rows[1]!.id = '12345abc';
    const r = await dedupe(rows, { schema });
    expect(Object.values(r.stats.issues.dob ?? {}).reduce((a, b) => a + b, 0)).toBe(1);
    expect(Object.values(r.stats.issues.id ?? {}).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('reports configuration errors together, before reading rows', async () => {
    let read = false;
    const rows = {
      *[Symbol.iterator]() {
        read = true;
        yield {};
      },
    };
    const err = await dedupe(rows, { schema, threshold: 2, maxBlockSize: 1, threads: 0 } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KhopError);
    expect((err as KhopError).code).toBe('INVALID_OPTION');
    expect(((err as KhopError).details!.problems as string[]).length).toBe(3);
    expect(read).toBe(false);
    // A bad threshold is reported under its own name only (an unset pairFloor is the threshold).
    const problems = async (o: object) => ((await dedupe([], { schema, ...o } as never).catch((e: KhopError) => e)) as KhopError).details!.problems;
    expect(await problems({ threshold: Number.NaN })).toEqual(['threshold: a probability in (0, 1)']);
    expect(await problems({ threshold: '0.5' })).toEqual(['threshold: a probability in (0, 1)']);
    expect(await problems({ threshold: 0.5, pairFloor: 0.9 })).toEqual(['pairFloor: a probability in [0, threshold]']);
    expect(await problems({ threshold: Number.NaN, pairFloor: 2 })).toEqual(['threshold: a probability in (0, 1)', 'pairFloor: a probability in [0, threshold]']);
    await expect(dedupe([], { schema: { x: { kind: 'bogus' } } } as never)).rejects.toMatchObject({ code: 'INVALID_SCHEMA' });
  });

  it('a user rule written on field names keeps its own maxBlockSize: its larger blocks are skipped and reported', async () => {
    const person = (name: string, dob: string) => ({ id: null, name, dob, sex: null });
    const rows = [
      person('Lê Văn An', '1990-01-02'),
      person('Trần Thị Bích', '1990-01-02'),
      person('Phạm Đức Long', '1990-01-02'),
      person('Hồ Kim Mai', '1975-06-07'),
      person('Bùi Hữu Nam', '1975-06-07'),
    ];
    const rule = { name: 'dob', parts: [{ column: 'dob' }] };
    const [capped, whole] = await Promise.all([dedupe(rows, { schema, blocking: [{ ...rule, maxBlockSize: 2 }] }), dedupe(rows, { schema, blocking: [rule] })]);
    expect(capped.stats.rules[0]).toMatchObject({ name: 'dob', rule: 'dob.date (blocks ≤ 2 rows)', pairs: 1, skippedBlocks: 1, skippedPairs: 3 });
    expect(whole.stats.rules[0]).toMatchObject({ name: 'dob', rule: 'dob.date', pairs: 4, skippedBlocks: 0 });
    // A rule's own cap above the run's: the run's applies, and the description says so.
    const runCapped = await dedupe(rows, { schema, blocking: [{ ...rule, maxBlockSize: 50 }], maxBlockSize: 2 });
    expect(runCapped.stats.rules[0]).toMatchObject({ name: 'dob', rule: 'dob.date (blocks ≤ 2 rows)', skippedBlocks: 1 });
    await expect(dedupe(rows, { schema, blocking: [{ ...rule, maxBlockSize: 1 }] })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('accepts async iterables', async () => {
    const { rows, truth } = population(100, 4);
    async function* gen() {
      for (const r of rows) yield r;
    }
    const r = await dedupe(gen(), { schema });
    expect(pairF1(r.clusters, truth)).toBeGreaterThan(0.9);
  });

  it('reports the prepare phase from before the first row, then the rows as they are prepared (one thread and a pool)', async () => {
    const { rows } = population(7000, 11); // ~9,000 rows: three chunks of 4,096
    rows.push({ id: 'not an id', name: '', dob: 'never', sex: '?' }); // a rejected row counts too
    for (const threads of [1, 2]) {
      const events: MatchProgress[] = [];
      const r = await dedupe(rows, { schema, threads, onProgress: (e) => events.push(e) });
      const prepare = events.filter((e) => e.phase === 'prepare');
      expect(events[0]).toEqual({ phase: 'prepare', done: 0, unit: 'rows' });
      expect(prepare.at(-1)).toMatchObject({ done: rows.length, total: rows.length, final: true });
      expect(prepare.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < prepare.length; i++) expect(prepare[i]!.done).toBeGreaterThanOrEqual(prepare[i - 1]!.done);
      expect(prepare.slice(0, -1).every((e) => e.final === undefined && e.unit === 'rows' && e.done <= rows.length)).toBe(true);
      // Every prepare event before any other phase's.
      expect(events.findIndex((e) => e.phase !== 'prepare')).toBe(prepare.length);
      expect(r.rejected.length).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('link', () => {
  it('links two datasets with cross pairs only, positions relative to each side', async () => {
    const { rows, truth } = population(300, 21);
    const left: Record<string, unknown>[] = [];
    const right: Record<string, unknown>[] = [];
    const tl: number[] = [];
    const tr: number[] = [];
    const seen = new Set<number>();
    rows.forEach((row, i) => {
      if (!seen.has(truth[i]!)) {
        seen.add(truth[i]!);
        left.push(row);
        tl.push(truth[i]!);
      } else {
        right.push(row);
        tr.push(truth[i]!);
      }
    });
    const r = await link(left, right, { schema });
    expect(r.clusters.left).toHaveLength(left.length);
    expect(r.clusters.right).toHaveLength(right.length);
    let correct = 0;
    for (let i = 0; i < r.links.count; i++) {
      expect(r.links.left[i]!).toBeLessThan(left.length);
      expect(r.links.right[i]!).toBeLessThan(right.length);
      if (tl[r.links.left[i]!] === tr[r.links.right[i]!]) correct++;
    }
    expect(r.links.count).toBeGreaterThan(right.length * 0.9);
    expect(correct / r.links.count).toBeGreaterThan(0.97);
  });
});

describe('cluster ids', () => {
  /** Components of the graph of `pairs` over rows keyed "L<i>" / "R<j>" (or "<i>" for dedupe). */
  function components(keys: string[], pairs: Array<[string, string]>): Map<string, string> {
    const parent = new Map(keys.map((k) => [k, k]));
    const find = (k: string): string => {
      while (parent.get(k) !== k) k = parent.get(k)!;
      return k;
    };
    for (const [a, b] of pairs) parent.set(find(a), find(b));
    return new Map(keys.map((k) => [k, find(k)]));
  }

  it('link: a cluster id names its side — no two clusters share one, also when both sides number rows from 0', async () => {
    const { rows } = population(200, 23);
    const left = rows.filter((_, i) => i % 2 === 0);
    const right = rows.filter((_, i) => i % 2 === 1);
    for (const idField of [undefined, 'uid']) {
      // With uid: each side numbers its own rows "0", "1", … (as two exports would).
      const withIds = (side: Record<string, unknown>[]) => side.map((r, i) => ({ ...r, uid: String(i) }));
      const r = await link(idField ? withIds(left) : left, idField ? withIds(right) : right, { schema, threads: 1, ...(idField ? { idField } : {}) });
      const keys = [...left.map((_, i) => `L${i}`), ...right.map((_, j) => `R${j}`)];
      const links: Array<[string, string]> = [];
      for (let p = 0; p < r.links.count; p++) links.push([`L${r.links.left[p]}`, `R${r.links.right[p]}`]);
      const comp = components(keys, links);
      const idOf = (k: string) => (k[0] === 'L' ? r.clusters.left[Number(k.slice(1))] : r.clusters.right[Number(k.slice(1))]);
      // One cluster id ⇔ one component of the links (every merge is a link).
      const byId = new Map<unknown, string>();
      for (const k of keys) {
        const id = idOf(k);
        if (byId.has(id)) expect(comp.get(byId.get(id)!)).toBe(comp.get(k));
        else byId.set(id, k);
      }
      const byComp = new Map<string, unknown>();
      for (const k of keys) {
        const c = comp.get(k)!;
        if (byComp.has(c)) expect(idOf(k)).toBe(byComp.get(c));
        else byComp.set(c, idOf(k));
      }
      // The id: "left:" + the smallest left id of the cluster, or "right:" + a lone right row's own.
      for (const k of keys) {
        const members = keys.filter((x) => comp.get(x) === comp.get(k));
        const lefts = members.filter((x) => x[0] === 'L').map((x) => Number(x.slice(1)));
        const expected = lefts.length > 0 ? `left:${Math.min(...lefts)}` : `right:${k.slice(1)}`;
        expect(idOf(k)).toBe(expected);
      }
      expect(r.links.count).toBeGreaterThan(0);
    }
  });

  it('dedupe: the smallest id by value when the ids are digits written as text ("9" before "10")', async () => {
    const { rows } = population(300, 24);
    // Ids as text, scattered over 1..2999 (distinct): a cluster's ids often differ in length, where
    // the text order and the numeric order disagree.
    const withIds = rows.map((r, i) => ({ ...r, uid: String(1 + ((i * 7919) % 2999)) }));
    const r = await dedupe(withIds, { schema, threads: 1, idField: 'uid' });
    const members = new Map<unknown, number[]>();
    r.clusters.forEach((c, i) => members.set(c, [...(members.get(c) ?? []), Number(withIds[i]!['uid'])]));
    let multi = 0;
    for (const [id, ids] of members) {
      expect(id).toBe(String(Math.min(...ids)));
      if (ids.length > 1 && String(Math.min(...ids)).length !== String(Math.max(...ids)).length) multi++;
    }
    expect(multi).toBeGreaterThan(0); // some cluster mixes ids of different lengths
  });
});

describe('dedupe — national ID conflicts', () => {
  it('does not chain namesakes with different IDs through a record without an ID', async () => {
    const { rows } = population(200, 31);
    const namesakes = [
      { id: '001090012345', name: 'Nguyễn Văn Tùng', dob: '01/05/1990', sex: 'Nam' },
      { id: '001090067890', name: 'Nguyễn Văn Tùng', dob: '01/05/1990', sex: 'Nam' },
      { id: null, name: 'Nguyen Van Tung', dob: '1990-05-01', sex: 'Nam' },
    ];
    const input = [...rows, ...namesakes];
    const n = rows.length;
    const split = await dedupe(input, { schema, threads: 1 });
    expect(split.clusters[n]).not.toBe(split.clusters[n + 1]);
    expect([split.clusters[n], split.clusters[n + 1]]).toContain(split.clusters[n + 2]);
    const merged = await dedupe(input, { schema, threads: 1, idConflicts: 'ignore', linkage: 'single' });
    expect(merged.clusters[n]).toBe(merged.clusters[n + 1]);
  });

  it('a person under an ID and its one-digit typo: the same clusters in either input order', async () => {
    // Per group: A (ID X), B (the same person, ID Y: X with its last digit changed), C (the same
    // person, no ID, another address), D (ID Y, C's name and address, another person's birth
    // date). A–B is vouched (one digit), so their cluster holds X and Y: a pair reaching it with
    // Y is no conflict, whichever of A and B came first (the cluster kept only the first row's ID).
    const people = [...generatePopulation({ size: 2400, seed: 43, duplicateRate: 0 })].filter((p) => /^\d{12}$/.test(p.id));
    const rows: Array<Record<string, unknown>> = people.slice(0, 1500).map((p, i) => ({ rid: `P${i}`, id: p.id, name: p.fullName, dob: p.dob, sex: p.sex, address: p.address }));
    for (let t = 0; t < 12; t++) {
      const p = people[1600 + t]!;
      const q = people[1800 + t]!;
      const y = p.id.slice(0, 11) + String((Number(p.id[11]) + 1) % 10);
      const base = { name: p.fullName, dob: p.dob, sex: p.sex };
      rows.push({ rid: `A${t}`, id: p.id, ...base, address: p.address });
      rows.push({ rid: `B${t}`, id: y, ...base, address: p.address });
      rows.push({ rid: `C${t}`, id: null, ...base, address: q.address });
      rows.push({ rid: `D${t}`, id: y, ...base, dob: q.dob, address: q.address });
    }
    const withAddress = { ...schema, address: { kind: 'text' as const } };
    const trained = await dedupe(rows, { schema: withAddress, idField: 'rid', threads: 1 });
    const options = { schema: withAddress, idField: 'rid', threads: 1, model: trained.model, blocking: [{ name: 'dob', parts: [{ column: 'dob' }] }, { name: 'address', parts: [{ column: 'address.fold' }] }] };
    const given = await dedupe(rows, options);
    const reversed = await dedupe([...rows].reverse(), options);
    const clusterOf = (r: typeof given, input: typeof rows) => new Map(input.map((x, i) => [x['rid'], r.clusters[i]]));
    const a = clusterOf(given, rows);
    const b = clusterOf(reversed, [...rows].reverse());
    for (const rid of a.keys()) expect([rid, b.get(rid)]).toEqual([rid, a.get(rid)]);
    // The typo pair did join A and B in some group (else this test shows nothing).
    expect(Array.from({ length: 12 }, (_, t) => a.get(`A${t}`) === a.get(`B${t}`)).some(Boolean)).toBe(true);
  });

  it('link: a pair the clustering keeps apart by the ID is not a link; every link is inside one cluster', async () => {
    const { rows } = population(300, 37);
    const left = rows.filter((_, i) => i % 2 === 0);
    const right = rows.filter((_, i) => i % 2 === 1);
    // Namesakes on the two sides with different IDs, and a record without an ID on the right:
    // the keyless one joins one of them, and the two namesakes must not be linked.
    left.push({ id: '001090012345', name: 'Nguyễn Văn Tùng', dob: '01/05/1990', sex: 'Nam' });
    right.push({ id: '001090067890', name: 'Nguyễn Văn Tùng', dob: '01/05/1990', sex: 'Nam' }, { id: null, name: 'Nguyen Van Tung', dob: '1990-05-01', sex: 'Nam' });
    const a = left.length - 1;
    const b = right.length - 2;
    const split = await link(left, right, { schema, threads: 1 });
    // 'single': every matched pair joins its clusters (the average-linkage guard keeps none apart).
    const ignore = await link(left, right, { schema, threads: 1, idConflicts: 'ignore', linkage: 'single' });
    const pairsOf = (r: typeof split) => Array.from({ length: r.links.count }, (_, i) => `${r.links.left[i]}:${r.links.right[i]}`);
    // Under 'ignore' the namesakes are linked (directly or through the keyless record)…
    expect(ignore.clusters.left[a]).toBe(ignore.clusters.right[b]);
    // …under 'split' they are in two clusters, and no link joins rows of two clusters.
    expect(split.clusters.left[a]).not.toBe(split.clusters.right[b]);
    expect(pairsOf(split)).not.toContain(`${a}:${b}`);
    for (let i = 0; i < split.links.count; i++) expect(split.clusters.left[split.links.left[i]!]).toBe(split.clusters.right[split.links.right[i]!]);
    // The links are the pairs at or above the threshold (those of 'ignore', which keeps them
    // all), less exactly the ones whose rows 'split' put in two clusters.
    const expected = pairsOf(ignore).filter((key) => {
      const [l, r] = key.split(':').map(Number);
      return split.clusters.left[l!] === split.clusters.right[r!];
    });
    expect(pairsOf(split)).toEqual(expected);
    expect(expected.length).toBeLessThan(ignore.links.count);
  });

  it('memoryBudget: a run estimated over budget fails before it starts', async () => {
    const { rows } = population(100, 1);
    await expect(dedupe(rows, { schema, memoryBudget: 1024 })).rejects.toMatchObject({ code: 'MEMORY_BUDGET_EXCEEDED' });
    const ok = await dedupe(rows, { schema, memoryBudget: 2 ** 34, threads: 1 });
    expect(ok.clusters).toHaveLength(rows.length);
  });

  it('memoryBudget on rows that are not an array: checked as they are read (estimateMemory of the rows read, by a sample of the first) — an endless stream stops, its source closed', async () => {
    const { rows } = population(100, 1);
    const people = [...generatePopulation({ size: 140_000, seed: 2 })].map((r) => ({ ...r }) as Record<string, unknown>);
    const genSchema = { id: { kind: 'nationalId' as const }, fullName: { kind: 'personName' as const }, dob: { kind: 'date' as const }, sex: { kind: 'sex' as const } };
    let read = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Record<string, unknown>> {
      try {
        for (let i = 0; ; i++) {
          read++;
          yield people[i % people.length]!;
        }
      } finally {
        closed = true;
      }
    }
    // Over the budget at the second check (131,072 rows read), under it at the first (65,536).
    const budget = (await estimateMemory(100_000, genSchema, { sample: people.slice(0, 2048) })).bytes;
    expect((await estimateMemory(65_536, genSchema, { sample: people.slice(0, 2048) })).bytes).toBeLessThan(budget);
    const e = await dedupe(endless(), { schema: genSchema, memoryBudget: budget, threads: 1 }).then(() => null, (x: unknown) => x as KhopError);
    expect(e?.code).toBe('MEMORY_BUDGET_EXCEEDED');
    expect(read).toBeGreaterThan(65_536);
    expect(read).toBeLessThanOrEqual(131_072 + 1);
    expect(closed).toBe(true);
    // A plain iterable and a link of iterables: refused after the last row when over, run when under.
    await expect(dedupe(rows.values(), { schema, memoryBudget: 1024, threads: 1 })).rejects.toMatchObject({ code: 'MEMORY_BUDGET_EXCEEDED' });
    await expect(link(rows.values(), rows.slice(0, 10), { schema, memoryBudget: 1024, threads: 1 })).rejects.toMatchObject({ code: 'MEMORY_BUDGET_EXCEEDED' });
    const ok = await dedupe(rows.values(), { schema, memoryBudget: 2 ** 34, threads: 1 });
    expect(ok.clusters).toHaveLength(rows.length);
  });
});

describe('dedupe — linkage', () => {
  /** Namesakes without an ID column: 5,000 synthetic rows (name, date, sex, province). */
  function namesakeRows(): Record<string, unknown>[] {
    return [...generatePopulation({ size: 5000, seed: 5 })].map((r) => ({ recordId: r.recordId, fullName: r.fullName, dob: r.dob, sex: r.sex, province: r.province }));
  }
  const generic = { fullName: { kind: 'personName' as const }, dob: { kind: 'date' as const }, sex: { kind: 'sex' as const }, province: { kind: 'category' as const } };

  it("'single' is the transitive closure of the matched pairs; 'average' refines it, keeping apart only pairs it counts", async () => {
    const rows = namesakeRows();
    const single = await dedupe(rows, { schema: generic, idField: 'recordId', threads: 1, idConflicts: 'ignore', linkage: 'single' });
    const average = await dedupe(rows, { schema: generic, idField: 'recordId', threads: 1, idConflicts: 'ignore' });
    // The same pairs either way (returned at or above the threshold): only the clusters differ.
    expect(Array.from(average.pairs.weight)).toEqual(Array.from(single.pairs.weight));
    const uf = new UnionFind(rows.length);
    for (let i = 0; i < single.pairs.count; i++) uf.union(single.pairs.left[i]!, single.pairs.right[i]!);
    for (let i = 0; i < rows.length; i++) for (const j of [i + 1, (i * 7919) % rows.length]) {
      if (j < rows.length) expect(single.clusters[i] === single.clusters[j]).toBe(uf.connected(i, j));
    }
    // Rows the guard puts together, single linkage puts together.
    const rowOfId = new Map(rows.map((r, i) => [r.recordId, i]));
    for (let i = 0; i < rows.length; i++) expect(single.clusters[rowOfId.get(average.clusters[i])!]).toBe(single.clusters[i]);
    const refused = Number(average.stats.phases.find((p) => p.phase === 'cluster')!.averageLinkagePairs);
    let apart = 0;
    for (let i = 0; i < average.pairs.count; i++) if (average.clusters[average.pairs.left[i]!] !== average.clusters[average.pairs.right[i]!]) apart++;
    expect(apart).toBeLessThanOrEqual(refused);
    // This seeded population holds namesakes that single linkage chains (measured: one pair).
    expect(refused).toBeGreaterThan(0);
    expect(apart).toBeGreaterThan(0);
  });

  it('clusters do not depend on pairFloor; the returned pairs do', async () => {
    const rows = namesakeRows();
    const base = await dedupe(rows, { schema: generic, idField: 'recordId', threads: 1 });
    const all = await dedupe(rows, { schema: generic, idField: 'recordId', threads: 1, pairFloor: 0 });
    const some = await dedupe(rows, { schema: generic, idField: 'recordId', threads: 1, pairFloor: 0.2 });
    expect(all.clusters).toEqual(base.clusters);
    expect(some.clusters).toEqual(base.clusters);
    expect(all.pairs.count).toBe(all.stats.candidatePairs);
    expect(Math.min(...some.pairs.probability)).toBeGreaterThanOrEqual(0.2);
    expect(Math.min(...base.pairs.probability)).toBeGreaterThanOrEqual(0.5);
    expect(some.pairs.count).toBeGreaterThanOrEqual(base.pairs.count);
    expect(all.pairs.count).toBeGreaterThan(some.pairs.count);
  });

  it('rejects an unknown linkage with the other configuration errors', async () => {
    await expect(dedupe([], { schema, linkage: 'complete' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/linkage/) });
  });
});

describe('dedupe — e-mail addresses of namesakes', () => {
  it('does not match namesakes whose e-mails differ in their digits only (john.smith81@… / john.smith83@…)', async () => {
    // Generic people with a name-made e-mail and a two-digit suffix, 5 % of them with a second,
    // unchanged record. Before, a digit difference was a one-typo, transposition or two-typos
    // level worth +10 to +17 bits (u from random pairs, ~1e-6): 3,168 pairs of namesakes of
    // other birth dates or cities matched.
    const G = ['Joe', 'Mary', 'James', 'Anna', 'David', 'Sarah', 'Paul', 'Emma', 'Mark', 'Lucy', 'John', 'Kate', 'Tom', 'Jane', 'Peter', 'Amy', 'Chris', 'Laura', 'Steve', 'Helen'];
    const F = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Evans', 'Walker', 'McDonald', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Turner', 'Hill', 'Moore', 'Baker', 'Carter', 'Cooper', 'Ward'];
    const C = ['London', 'Leeds', 'Manchester', 'Glasgow', 'Bristol', 'Cardiff', 'Hull', 'York'];
    const D = ['gmail.com', 'yahoo.co.uk', 'hotmail.com', 'outlook.com'];
    const rng = new Rng(2026);
    const pick = <T,>(a: readonly T[]): T => a[rng.int(a.length)]!;
    const p2 = (n: number) => String(n).padStart(2, '0');
    const rows: Array<Record<string, string>> = [];
    const person: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const g = pick(G);
      const f = pick(F);
      const p = { rid: `p${i}`, given: g, family: f, dob: `${1940 + rng.int(60)}-${p2(1 + rng.int(12))}-${p2(1 + rng.int(28))}`, city: pick(C), email: `${g}.${f}${p2(rng.int(100))}@${pick(D)}`.toLowerCase() };
      rows.push(p);
      person.push(i);
      if (rng.next() < 0.05) {
        rows.push({ ...p, rid: `p${i}d` });
        person.push(i);
      }
    }
    const schema = { given: { kind: 'givenName' }, family: { kind: 'familyName' }, dob: { kind: 'date' }, city: { kind: 'category' }, email: { kind: 'identifier' } } as const;
    const r = await dedupe(rows, { schema, idField: 'rid', threads: 1 });
    let falseMatches = 0;
    let trueMatches = 0;
    for (let i = 0; i < r.pairs.count; i++) {
      if (person[r.pairs.left[i]!] === person[r.pairs.right[i]!]) trueMatches++;
      // (Namesakes that the generator gave the same e-mail, or the same birth date and city, are
      // a match to any reader.)
      else if (r.pairs.probability[i]! >= 0.5) {
        const a = rows[r.pairs.left[i]!]!;
        const b = rows[r.pairs.right[i]!]!;
        if (a.email !== b.email && (a.dob !== b.dob || a.city !== b.city)) falseMatches++;
      }
    }
    const duplicates = rows.length - 3000;
    expect(trueMatches).toBe(duplicates);
    expect(falseMatches).toBe(0);
  });
});
