/**
 * Keyed registers (RegisterBuildOptions.idSecret): the same verdicts as an unkeyed register
 * wherever a verdict does not depend on ID digits, and no ID number in a saved snapshot.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Register } from '../../src/register/register.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { KeyedIdHasher } from '../../src/hash/keyed-id-hash.js';
import { isKhopError } from '../../src/errors.js';
import type { Verdict } from '../../src/register/verdict.js';
import { ROWS, SCHEMA, build, claimOf } from './fixture.js';

const SECRET = 'test secret: 32 bytes of entropy';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-keyed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Claims touching every path: found, earlier ID, lost zero, format, not found (+ candidates), invalid, inconsistent, mismatch. */
const PROBES: Array<Record<string, unknown>> = [
  ...ROWS.map((_r, i) => claimOf(i)),
  claimOf(0, { id: '012345678' }),
  claimOf(0, { id: '1090012345' }),
  claimOf(0, { id: '001 090 012 345' }),
  claimOf(0, { id: '001090012346' }),
  claimOf(0, { id: '001090013245' }),
  claimOf(0, { id: 'x' }),
  claimOf(0, { id: '' }),
  claimOf(0, { sex: 'Nữ' }),
  claimOf(1, { name: 'Trần Thu Hòa' }),
  { id: '001095000001', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam' },
];

async function collect(it: AsyncIterable<Verdict>): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/**
 * A verdict with the ID field of its candidates blanked and their weights dropped: what a
 * keyed register must still agree on when the ID cannot be graded.
 */
function withoutCandidateIds(v: Verdict, idField: string): unknown {
  if (v.candidates === undefined) return v;
  return { ...v, candidates: v.candidates.map((c) => ({ recordId: c.recordId, fields: { ...c.fields, [idField]: null } })) };
}

const ID_CLOSE_OR_MISMATCH = new Set(['one-digit', 'transposition', 'different-scheme', 'differs']);

/** Keyed vs unkeyed: equal, or (candidates only) the same records in the same order with the ID not comparable. */
function expectKeyedAgrees(keyed: Verdict, plain: Verdict, idField: string): 'equal' | 'candidate-ids' {
  if (plain.candidates === undefined || plain.candidates.every((c) => !ID_CLOSE_OR_MISMATCH.has(c.fields?.[idField]?.reason ?? ''))) {
    expect(keyed).toEqual(plain);
    return 'equal';
  }
  expect(withoutCandidateIds(keyed, idField)).toEqual(withoutCandidateIds(plain, idField));
  for (let i = 0; i < plain.candidates.length; i++) {
    const p = plain.candidates[i]!.fields![idField]!;
    const k = keyed.candidates![i]!.fields![idField]!;
    if (ID_CLOSE_OR_MISMATCH.has(p.reason)) expect(k).toEqual({ result: 'missing', reason: 'keyed-not-comparable' });
    else expect(k).toEqual(p);
  }
  return 'candidate-ids';
}

describe('keyed register (idSecret)', () => {
  it('answers like an unkeyed register; ID exactness from the claim; candidate IDs not comparable', async () => {
    const plain = await build();
    const keyed = await build({ idSecret: SECRET });
    let graded = 0;
    for (const c of PROBES) if (expectKeyedAgrees(keyed.authenticate(c), plain.authenticate(c), 'id') === 'candidate-ids') graded++;
    expect(graded).toBeGreaterThan(0);
    expect(keyed.authenticate(claimOf(0, { id: '012345678' }))).toMatchObject({ status: 'VERIFIED', matchedBy: 'earlierId' });
    expect(keyed.authenticate(claimOf(0, { id: '1090012345' })).fields.id).toEqual({ result: 'equivalent', reason: 'lost-leading-zero' });
    expect(keyed.authenticate(claimOf(0, { id: '001 090 012 345' })).fields.id).toEqual({ result: 'equivalent', reason: 'id-format' });
    const nf = keyed.authenticate(claimOf(0, { id: '001090012346' }));
    expect(nf.status).toBe('NOT_FOUND');
    expect(nf.candidates![0]).toMatchObject({ recordId: 'P1', fields: { id: { result: 'missing', reason: 'keyed-not-comparable' } } });
    // The unkeyed register grades the same candidate's ID as one digit apart.
    expect(plain.authenticate(claimOf(0, { id: '001090012346' })).candidates![0]!.fields!.id!.reason).toBe('one-digit');
  });

  it('a PreparedClaim loaded with claim after claim (as a batch prepares them) holds each claim’s own HMAC key and tag', async () => {
    const { PreparedClaim } = await import('../../src/register/claim.js');
    const keyed = await build({ idSecret: SECRET });
    const layout = (keyed as unknown as { s: { layout: ConstructorParameters<typeof PreparedClaim>[1] } }).s.layout;
    const ID = layout.fields.find((f) => f.name === 'id')!;
    const probes = PROBES.filter((c) => new PreparedClaim(c, layout).id(ID)?.ok === true);
    expect(probes.length).toBeGreaterThan(5);
    const reused = new PreparedClaim(probes[0]!, layout);
    for (const c of probes) {
      reused.storedId(ID); // the previous claim's key and tag, computed
      reused.load(c, layout);
      const fresh = new PreparedClaim(c, layout);
      expect([reused.keyedLo(ID), reused.keyedHi(ID), reused.storedId(ID)]).toEqual([fresh.keyedLo(ID), fresh.keyedHi(ID), fresh.storedId(ID)]);
    }
  });

  it('a secondary national ID is exact when its HMAC tag matches, otherwise not comparable', async () => {
    const schema = { ...SCHEMA, spouse: { kind: 'nationalId', country: 'VN' } } as const;
    const rows = [{ rid: 'A', id: '001090012345', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam', spouse: '079185001234' }];
    const keyed = await Register.build(schema, rows, { idField: 'rid', idSecret: SECRET });
    const claim = { id: '001090012345', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' };
    expect(keyed.authenticate({ ...claim, spouse: '079185001234' }).fields.spouse).toEqual({ result: 'exact', reason: 'as-written' });
    expect(keyed.authenticate({ ...claim, spouse: '79185001234' }).fields.spouse).toEqual({ result: 'equivalent', reason: 'lost-leading-zero' });
    expect(keyed.authenticate({ ...claim, spouse: '079185001243' }).fields.spouse).toEqual({ result: 'missing', reason: 'keyed-not-comparable' });
    const plain = await Register.build(schema, rows, { idField: 'rid' });
    expect(plain.authenticate({ ...claim, spouse: '079185001243' }).fields.spouse!.reason).toBe('transposition');
  });

  it('generator claims: every verdict equals the unkeyed one, candidates modulo their ID grade (seeded)', async () => {
    const POP = { size: 3000, seed: 21, duplicateRate: 0 };
    const rows = [...generatePopulation(POP)];
    const claims = [...generateClaims({ register: POP, count: 1500, seed: 5 })].map((c) => ({ ...c }) as Record<string, unknown>);
    // Plus claims of register people with a mistyped last ID digit: NOT_FOUND with candidates
    // whose ID the unkeyed register grades (one digit) and the keyed one cannot.
    for (let i = 0; i < 150; i++) {
      const r = rows[i * 19]!;
      const last = Number(r.id.at(-1));
      claims.push({ id: r.id.slice(0, -1) + String((last + 1 + (i % 8)) % 10), fullName: r.fullName, dob: r.dob, sex: r.sex });
    }
    const plain = await Register.build(vietnamesePersonSchema(), rows, { idField: 'recordId' });
    const keyed = await Register.build(vietnamesePersonSchema(), rows, { idField: 'recordId', idSecret: SECRET });
    const kinds = { equal: 0, 'candidate-ids': 0 };
    const statuses = new Set<string>();
    for (const c of claims) {
      const p = plain.authenticate(c);
      statuses.add(p.status);
      kinds[expectKeyedAgrees(keyed.authenticate(c), p, 'id')]++;
    }
    expect(statuses.size).toBeGreaterThanOrEqual(5);
    expect(kinds.equal).toBeGreaterThan(1000);
    expect(kinds['candidate-ids']).toBeGreaterThan(0);
    // authenticateMany (batch path) agrees with authenticate on the keyed register.
    expect(await collect(keyed.authenticateMany(claims.slice(0, 500), { batchSize: 64 }))).toEqual(claims.slice(0, 500).map((c) => keyed.authenticate(c)));
  });

  it('add / update / remove / compact work keyed, with earlier IDs', async () => {
    const keyed = await build({ idSecret: SECRET, maxPendingChanges: 3 });
    const plain = await build({ maxPendingChanges: 3 });
    const ops = (r: Register): void => {
      r.add([{ rid: 'N1', id: '001095000001', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam', old: '123456780' }]);
      r.remove('P4');
      r.update('P5', { ...claimOf(4), name: 'Phạm Minh Khải' });
    };
    ops(keyed);
    ops(plain);
    const probes = [...PROBES, { id: '123456780', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam' }];
    for (const c of probes) expectKeyedAgrees(keyed.authenticate(c), plain.authenticate(c), 'id');
    expect(keyed.authenticate(probes.at(-1)!)).toMatchObject({ status: 'VERIFIED', recordId: 'N1', matchedBy: 'earlierId' });
    keyed.compact();
    plain.compact();
    for (const c of probes) expectKeyedAgrees(keyed.authenticate(c), plain.authenticate(c), 'id');
  });

  it('refuses idField = the national ID column, and short secrets (INVALID_OPTION)', async () => {
    await expect(Register.build(SCHEMA, ROWS, { idField: 'id', idSecret: SECRET })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(build({ idSecret: 'too short' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/idSecret/) });
    await expect(build({ idSecret: 42 as unknown as string })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

/** Every byte pattern that would reveal an ID number, with what it is. */
function idPatterns(digits: string): Array<[string, Buffer]> {
  const n = Number(digits);
  const f64 = Buffer.alloc(8);
  f64.writeDoubleLE(n);
  const i64 = Buffer.alloc(8);
  i64.writeBigUInt64LE(BigInt(n));
  const h = new Uint32Array(2);
  new KeyHasher({ seed: 0n }).hashAscii(digits, h, 0);
  // Index keys are stored (hi, lo); pending delta entries (lo, hi).
  const xxh = Buffer.alloc(8);
  xxh.writeUInt32LE(h[1]!, 0);
  xxh.writeUInt32LE(h[0]!, 4);
  const xxhDelta = Buffer.alloc(8);
  xxhDelta.writeUInt32LE(h[0]!, 0);
  xxhDelta.writeUInt32LE(h[1]!, 4);
  return [
    ['ascii', Buffer.from(digits, 'latin1')],
    ['ascii-no-zeros', Buffer.from(String(n), 'latin1')],
    ['float64', f64],
    ['int64', i64],
    ['xxh64-key', xxh],
    ['xxh64-delta-key', xxhDelta],
  ];
}

function found(file: Buffer, digits: string): string[] {
  return idPatterns(digits)
    .filter(([, p]) => file.includes(p))
    .map(([what]) => what);
}

describe('keyed snapshot', () => {
  const IDS = [...ROWS.map((r) => r.id), '012345678', '001095000001', '123456780'];
  const mutate = (r: Register): void => {
    r.add([{ rid: 'N1', id: '001095000001', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam', old: '123456780' }]);
    r.remove('P4');
  };

  it('holds no ID number (ASCII digits, float64, int64, XXH64 key) — the unkeyed one does', async () => {
    const keyed = await build({ idSecret: SECRET });
    const plain = await build();
    mutate(keyed);
    mutate(plain);
    const fk = join(dir, 'keyed.khop');
    const fp = join(dir, 'plain.khop');
    await keyed.save(fk);
    await plain.save(fp);
    const bk = await readFile(fk);
    const bp = await readFile(fp);
    for (const id of IDS) expect({ id, found: found(bk, id) }).toEqual({ id, found: [] });
    // The scanner can fail: the unkeyed file holds every current ID as a float64 and every ID's XXH64 key.
    for (const id of ROWS.filter((r) => r.rid !== 'P4').map((r) => r.id)) expect(found(bp, id)).toEqual(expect.arrayContaining(['float64', 'xxh64-key']));
    expect(found(bp, '001095000001')).toEqual(expect.arrayContaining(['float64', 'xxh64-delta-key']));
    expect(found(bp, '012345678')).toContain('xxh64-key');
    expect(found(bp, '123456780')).toContain('xxh64-delta-key');
    // …and finds ASCII digits when a column holds them as text.
    const leaky = await Register.build({ ...SCHEMA, note: { kind: 'text' } }, ROWS.map((r) => ({ ...r, note: r.id })), { idField: 'rid', idSecret: SECRET });
    const fl = join(dir, 'leaky.khop');
    await leaky.save(fl);
    expect(found(await readFile(fl), ROWS[0]!.id)).toContain('ascii');
    expect(bk.includes(Buffer.from(SECRET))).toBe(false);
    expect(bk.includes(Buffer.from(KeyedIdHasher.fromSecret(SECRET).key))).toBe(false);
  });

  it('loads with the same secret only: identical verdicts; none, a wrong one, or one for an unkeyed file → INVALID_OPTION', async () => {
    const keyed = await build({ idSecret: SECRET });
    mutate(keyed);
    const f = join(dir, 'k2.khop');
    await keyed.save(f);
    const loaded = await Register.load(f, { idSecret: SECRET });
    expect(PROBES.map((c) => loaded.authenticate(c))).toEqual(PROBES.map((c) => keyed.authenticate(c)));
    const refused = async (p: Promise<unknown>, re: RegExp): Promise<void> => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
      expect((e as Error).message).toMatch(re);
      expect((e as Error).message).not.toContain(SECRET);
    };
    await refused(Register.load(f), /keyed: pass the idSecret/);
    await refused(Register.load(f, { idSecret: 'test secret: 32 bytes of entropY' }), /not the secret/);
    const plain = await build();
    const fp = join(dir, 'p2.khop');
    await plain.save(fp);
    await refused(Register.load(fp, { idSecret: SECRET }), /not keyed/);
    await refused(Register.load(fp, { secret: SECRET } as never), /secret is not a Register.load option/);
    // The loaded keyed register keeps working.
    loaded.add([{ rid: 'N2', id: '001095000002', name: 'Mai Văn Tú', dob: '03/03/1995', sex: 'Nam' }]);
    loaded.compact();
    expect(loaded.authenticate({ id: '001095000002', name: 'Mai Văn Tú', dob: '03/03/1995', sex: 'Nam' })).toMatchObject({ status: 'VERIFIED', recordId: 'N2' });
  });
});
