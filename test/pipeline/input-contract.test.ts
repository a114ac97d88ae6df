/**
 * What dedupe / link promise about their input beyond single rows: a pair reported at
 * probability p is returned with threshold p; a schema field no row holds is refused (not
 * silently never compared); with an idField, the same records in another order give the same
 * model, pairs and clusters (the u sample is drawn in record-id order).
 */
import { describe, expect, it } from 'vitest';
import { dedupe, link } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';

const GIVEN = ['James', 'Mary', 'John', 'Linda', 'Robert', 'Susan', 'Michael', 'Karen', 'William', 'Lisa', 'David', 'Nancy', 'Thomas', 'Sarah', 'Daniel', 'Emily'];
const FAMILY = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Johnson', 'Roberts', 'Walker', 'Wright', 'Hill', 'Clark'];
const CITY = ['London', 'Leeds', 'York', 'Bath', 'Derby', 'Hull', 'Ely', 'Wells'];

/** Seeded English person rows, ~30 % of them noisy copies of an earlier person. */
function people(n: number, seed: number): Array<Record<string, string | number>> {
  const rng = new Rng(seed);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const typo = (s: string): string => {
    const i = 1 + rng.int(s.length - 2);
    return rng.chance(0.5) ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  };
  const base: Array<Record<string, string | number>> = [];
  const out: Array<Record<string, string | number>> = [];
  for (let i = 0; i < n; i++) {
    if (base.length > 0 && rng.chance(0.3)) {
      const p: Record<string, string | number> = { ...pick(base), rid: `r${i}` };
      if (rng.chance(0.3)) p.given = typo(String(p.given));
      if (rng.chance(0.3)) p.family = typo(String(p.family));
      if (rng.chance(0.2)) p.city = pick(CITY);
      if (rng.chance(0.2)) p.email = '';
      out.push(p);
    } else {
      const g = pick(GIVEN);
      const f = pick(FAMILY);
      const dob = `${1940 + rng.int(60)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`;
      const p = { rid: `r${i}`, given: g, family: f, dob, city: pick(CITY), email: rng.chance(0.7) ? `${g}.${f}${rng.int(100)}@mail.example`.toLowerCase() : '' };
      base.push(p);
      out.push({ ...p });
    }
  }
  return out;
}

const schema = {
  given: { kind: 'givenName', locale: 'generic' },
  family: { kind: 'familyName', locale: 'generic' },
  dob: { kind: 'date' },
  city: { kind: 'category' },
  email: { kind: 'identifier' },
} as const;

function shuffled<T>(rows: readonly T[], seed: number): T[] {
  const rng = new Rng(seed);
  const out = rows.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('threshold at a reported probability', () => {
  it('returns every pair whose reported probability equals the threshold', async () => {
    const rows = people(1500, 5);
    const opts = { schema, idField: 'rid', threads: 1, linkage: 'single', idConflicts: 'ignore' } as const;
    const all = await dedupe(rows, { ...opts, pairFloor: 1e-9 });
    const rng = new Rng(9);
    for (let t = 0; t < 40; t++) {
      const i = rng.int(all.pairs.count);
      const p = all.pairs.probability[i]!;
      if (!(p > 0 && p < 1)) continue;
      const r = await dedupe(rows, { ...opts, threshold: p, model: all.model });
      const key = (a: number, b: number): string => `${a}:${b}`;
      const got = new Set(Array.from({ length: r.pairs.count }, (_, j) => key(r.pairs.left[j]!, r.pairs.right[j]!)));
      let expected = 0;
      for (let j = 0; j < all.pairs.count; j++) {
        if (all.pairs.probability[j]! >= p) {
          expected++;
          expect(got.has(key(all.pairs.left[j]!, all.pairs.right[j]!))).toBe(true);
        }
      }
      expect(r.pairs.count).toBe(expected);
    }
  });
});

describe('schema fields no row holds', () => {
  it('dedupe refuses a field whose column is in no row, naming it (not silently never compared)', async () => {
    const rows = people(300, 6).map(({ dob, ...rest }) => ({ ...rest, dateOfBirth: dob }));
    const e = await dedupe(rows, { schema, idField: 'rid', threads: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_SCHEMA' });
    expect((e as Error).message).toMatch(/"dob" in no row of the rows/);
    // the same rows with the field's column named: accepted
    const ok = await dedupe(rows, { schema: { ...schema, dob: { kind: 'date', column: 'dateOfBirth' } }, idField: 'rid', threads: 1 });
    expect(ok.stats.acceptedRows).toBe(300);
  });
  it('an explicit undefined counts as absent; null or empty in every row is a column that is there', async () => {
    const rows = people(300, 7);
    const undef = rows.map((r) => ({ ...r, city: undefined }));
    await expect(dedupe(undef, { schema, idField: 'rid', threads: 1 })).rejects.toMatchObject({ code: 'INVALID_SCHEMA' });
    const nulls = rows.map((r) => ({ ...r, city: null }));
    const r = await dedupe(nulls, { schema, idField: 'rid', threads: 1 });
    expect(r.stats.acceptedRows).toBe(300);
  });
  it('link names the side that lacks the column', async () => {
    const rows = people(400, 8);
    const left = rows.slice(0, 200);
    const right = rows.slice(200).map(({ email: _e, ...rest }) => rest);
    const e = await link(left, right, { schema, idField: 'rid', threads: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_SCHEMA' });
    expect((e as Error).message).toMatch(/"email" in no row of the right rows/);
    expect((e as Error).message).not.toMatch(/left rows/);
  });
});

describe('input order', () => {
  it('with an idField, shuffled rows give the same model, pairs and clusters (dedupe)', async () => {
    for (const seed of [11, 12, 13]) {
      const rows = people(2500, seed);
      const a = await dedupe(rows, { schema, idField: 'rid', threads: 1 });
      const order = shuffled(rows, seed * 7);
      const b = await dedupe(order, { schema, idField: 'rid', threads: 1 });
      const ja = a.model.toJSON();
      const jb = b.model.toJSON();
      ja.comparisons.forEach((c, k) =>
        c.levels.forEach((l, i) => {
          const o = jb.comparisons[k]!.levels[i]!;
          if (l.u !== undefined) expect(o.u).toBeCloseTo(l.u, 12);
          if (l.m !== undefined) expect(o.m).toBeCloseTo(l.m, 9);
        }),
      );
      const clusterOf = (rs: typeof rows, cl: ReadonlyArray<string | number | null>): Map<unknown, unknown> => new Map(rs.map((r, i) => [r.rid, cl[i]]));
      expect(clusterOf(order, b.clusters)).toEqual(clusterOf(rows, a.clusters));
      const pairsOf = (rs: typeof rows, p: typeof a.pairs): string[] =>
        Array.from({ length: p.count }, (_, j) => [rs[p.left[j]!]!.rid, rs[p.right[j]!]!.rid].sort().join('|')).sort();
      expect(pairsOf(order, b.pairs)).toEqual(pairsOf(rows, a.pairs));
    }
  });
  it('with an idField, shuffled rows give the same model past the training cap (a rule of > 2,000,000 pairs, on a category)', async () => {
    // 6,000 rows in 8 cities: the city rule holds ~2.25M pairs, over the 2,000,000 a session
    // trains on. Its blocks are ordered by the folded city (not by dictionary codes numbered in
    // input order) and the session takes whole blocks (not the first rows of the cut block).
    const rows = people(6000, 5);
    const blocking = [{ name: 'city', parts: [{ column: 'city' }] }, { name: 'dob', parts: [{ column: 'dob' }] }, { name: 'email', parts: [{ column: 'email' }] }];
    const a = await dedupe(rows, { schema, idField: 'rid', threads: 1, blocking });
    expect(a.stats.rules[0]!.pairs).toBeGreaterThan(2_000_000);
    const b = await dedupe(shuffled(rows, 9), { schema, idField: 'rid', threads: 1, blocking });
    const jb = b.model.toJSON();
    a.model.toJSON().comparisons.forEach((c, k) =>
      c.levels.forEach((l, i) => {
        if (l.m !== undefined) expect(jb.comparisons[k]!.levels[i]!.m).toBeCloseTo(l.m, 9);
      }),
    );
  });

  it('with an idField, shuffled sides give the same links (link)', async () => {
    const rows = people(2400, 21);
    const left = rows.filter((_, i) => i % 2 === 0);
    const right = rows.filter((_, i) => i % 2 === 1);
    const a = await link(left, right, { schema, idField: 'rid', threads: 1 });
    const l2 = shuffled(left, 3);
    const r2 = shuffled(right, 4);
    const b = await link(l2, r2, { schema, idField: 'rid', threads: 1 });
    const linksOf = (l: typeof left, r: typeof right, x: typeof a.links): string[] =>
      Array.from({ length: x.count }, (_, j) => `${l[x.left[j]!]!.rid}|${r[x.right[j]!]!.rid}`).sort();
    expect(linksOf(l2, r2, b.links)).toEqual(linksOf(left, right, a.links));
  });
});
