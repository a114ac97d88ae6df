import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Register } from '../../src/register/register.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { KhopPool } from '../../src/pool/pool.js';
import { Rng } from '../../src/util/rng.js';
import { VerdictTable, type TableFacts, type TableField } from '../../src/register/verdict-table.js';
import { VERDICT_STATUSES } from '../../src/register/verdict-codec.js';
import { packClaimBatch, PackedClaimValues } from '../../src/register/parallel-authenticate.js';
import type { StoreReader } from '../../src/register/store-reader.js';
import type { FieldPlan } from '../../src/register/register-layout.js';
import { FIELD_RESULTS, type Verdict } from '../../src/register/verdict.js';
import { build, claimOf, ROWS } from './fixture.js';
import { faultyPool } from '../pool/faulty-pool.js';

const POP = { size: 3000, seed: 11, duplicateRate: 0 };
let reg: Register;
let claims: Array<Record<string, unknown>>;
let pool: KhopPool;

/** Odd values a data team's claims carry: the table must treat them exactly as authenticate does. */
const ODD: unknown[] = [{ a: 1 }, [1, 2], true, () => 1, Symbol('s'), Number.NaN, 1n, 79185001234, null, undefined, '', '  ', '\u0000'];

beforeAll(async () => {
  reg = await Register.build(vietnamesePersonSchema(), generatePopulation(POP), { idField: 'recordId' });
  const rng = new Rng(5);
  claims = [...generateClaims({ register: POP, count: 2500, seed: 12 })].map((c) => {
    const claim: Record<string, unknown> = { id: c.id, fullName: c.fullName, dob: c.dob, sex: c.sex };
    // One claim in 20 gets an odd value in a random field.
    if (rng.chance(0.05)) claim[['id', 'fullName', 'dob', 'sex'][rng.int(4)]!] = ODD[rng.int(ODD.length)];
    return claim;
  });
  pool = KhopPool.create({ threads: 2 });
});

afterAll(async () => {
  await pool.close();
});

/** The table against one-by-one authenticate: every verdict, and every column accessor. */
function expectTableOf(table: VerdictTable, r: Register, input: Array<Record<string, unknown>>): Verdict[] {
  const single = input.map((c) => r.authenticate(c));
  expect(table.size).toBe(input.length);
  const counts: Record<string, number> = Object.fromEntries(VERDICT_STATUSES.map((s) => [s, 0]));
  for (let i = 0; i < input.length; i++) {
    const v = single[i]!;
    const got = table.verdict(i);
    expect(got).toEqual(v);
    expect(JSON.stringify(got)).toBe(JSON.stringify(v)); // key order and NaN → null alike
    expect(table.statusOf(i)).toBe(v.status);
    expect(VERDICT_STATUSES[table.status[i]!]).toBe(v.status);
    expect(table.recordIdOf(i)).toBe(v.recordId);
    expect(table.matchedByOf(i)).toBe(v.matchedBy);
    expect(table.reasonOf(i)).toBe(v.reason);
    expect(Object.is(table.weight[i], v.weight)).toBe(true);
    expect(table.candidatesOf(i)).toEqual(v.candidates);
    for (const name of table.fieldNames) {
      expect(table.fieldOf(i, name)).toBe(v.fields[name]); // the shared frozen field verdict
      expect(FIELD_RESULTS[table.results(name)[i]!]).toBe(v.fields[name]!.result);
    }
    counts[v.status]!++;
  }
  expect(table.statusCounts()).toEqual(counts);
  return single;
}

describe('Register.authenticateAll', () => {
  it('gives, per claim, the verdict of one-by-one authenticate — on the calling thread alone', async () => {
    const table = await reg.authenticateAll(claims, { threads: 1 });
    const single = expectTableOf(table, reg, claims);
    // The claims reach every status a clean register can give, and did-you-mean candidates.
    expect(new Set(single.map((v) => v.status)).size).toBeGreaterThanOrEqual(5);
    expect(single.some((v) => (v.candidates?.length ?? 0) > 0)).toBe(true);
  });

  it('gives the same table on a pool (calling thread + 2 workers), whatever the batch size', async () => {
    for (const batchSize of [1, 37, 300, 8192]) {
      const table = await reg.authenticateAll(claims, { pool, batchSize });
      expectTableOf(table, reg, claims);
    }
  });

  it('takes back a batch no worker has started (a thread still starting): the same table, and the worker leaves that batch alone', async () => {
    // A pool whose tasks reach the worker late — as a thread that is still loading khop or
    // attaching the register: the calling thread runs out of claims to hand out first.
    const late: Array<Promise<unknown>> = [];
    const answers: unknown[] = [];
    const slow = {
      threads: pool.threads,
      close: async () => undefined,
      run: <T,>(task: string, payload: unknown): Promise<T> => {
        const r = new Promise((resolve) => setTimeout(resolve, 300)).then(() => pool.run<T>(task, payload));
        late.push(r.then((a) => answers.push(a)));
        return r;
      },
    };
    const input = claims.slice(0, 1200);
    const table = await reg.authenticateAll(input, { pool: slow, batchSize: 100 });
    expectTableOf(table, reg, input);
    const before = input.map((_, i) => JSON.stringify(table.verdict(i)));
    await Promise.all(late);
    // Every batch sent was taken back before its worker saw it; their late answers wrote nothing.
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((a) => (a as { takenBack?: boolean }).takenBack === true)).toBe(true);
    expect(input.map((_, i) => JSON.stringify(table.verdict(i)))).toEqual(before);
    // A worker that starts in time answers its batches itself (none taken back) — same table.
    const quick: unknown[] = [];
    const seen = { threads: pool.threads, close: async () => undefined, run: async <T,>(task: string, payload: unknown): Promise<T> => { const a = await pool.run<T>(task, payload); quick.push(a); return a; } };
    expectTableOf(await reg.authenticateAll(claims, { pool: seen, batchSize: 300 }), reg, claims);
    expect(quick.filter((a) => (a as { takenBack?: boolean }).takenBack !== true).length).toBeGreaterThan(0);
  });

  it('refuses an owner slot that is not an index of shared owners (the worker task checks its payload)', async () => {
    const R = reg as unknown as { s: { layout: { fields: FieldPlan[] } }; tableFields(): TableField[]; tableFacts(): TableFacts; sharedJob(): unknown };
    const t = new VerdictTable(2, R.tableFields(), R.tableFacts());
    const payload = { job: R.sharedJob(), claims: packClaimBatch(claims.slice(0, 2), R.s.layout.fields), count: 2, candidates: 3, columns: t.columns, from: 0 };
    for (const bad of [{ owners: new Int32Array(2), slot: 0 }, { owners: new Int32Array(new SharedArrayBuffer(8)), slot: 2 }, { owners: new Int32Array(new SharedArrayBuffer(8)), slot: 0.5 }]) {
      await expect(pool.run('register.authenticateTable', { ...payload, ...bad })).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    }
    const owners = new Int32Array(new SharedArrayBuffer(8));
    owners[1] = 2; // taken back by the calling thread
    expect(await pool.run('register.authenticateTable', { ...payload, owners, slot: 1 })).toEqual({ takenBack: true });
    expect(t.status.every((x) => x === 0)).toBe(true);
  });

  it('creates and closes its own pool with threads: 2', async () => {
    const table = await reg.authenticateAll(claims.slice(0, 1500), { threads: 2, batchSize: 200 });
    expectTableOf(table, reg, claims.slice(0, 1500));
  });

  it('AMBIGUOUS, earlier IDs and candidates of tied records come through the table (1 and 2 threads)', async () => {
    const twin = { ...ROWS[0], rid: 'P1b', old: '' };
    const r = await build({}, [...ROWS, twin]);
    const input = [claimOf(0), claimOf(0, { id: '012345678' }), claimOf(1), claimOf(2, { name: 'Nguyễn Thị Châm' }), claimOf(3, { id: '024072000112' })];
    const many = Array.from({ length: 200 }, (_, i) => input[i % input.length]!);
    for (const options of [{ threads: 1 }, { pool, batchSize: 16 }]) {
      const table = await r.authenticateAll(many, options);
      const single = expectTableOf(table, r, many);
      expect(single[0]!.status).toBe('AMBIGUOUS');
      expect(single[1]!.matchedBy).toBe('earlierId');
    }
  });

  it('an empty array gives an empty table', async () => {
    const table = await reg.authenticateAll([], { pool });
    expect(table.size).toBe(0);
    expect(table.statusCounts()).toEqual(Object.fromEntries(VERDICT_STATUSES.map((s) => [s, 0])));
  });

  it('answers against the register as it is when called (after a remove)', async () => {
    const r = await build();
    const victim = claimOf(4);
    expect((await r.authenticateAll([victim], { threads: 1 })).statusOf(0)).toBe('VERIFIED');
    expect(r.remove('P5')).toBe(true);
    const many = Array.from({ length: 600 }, () => victim);
    const table = await r.authenticateAll(many, { pool, batchSize: 50 });
    for (let i = 0; i < many.length; i++) expect(table.statusOf(i)).toBe('NOT_FOUND');
  });

  it('rejects a claim that is not an object, naming its position and no value', async () => {
    const input: unknown[] = [...claims.slice(0, 5), 'Nguyễn Văn An 001090012345'];
    const e = await reg.authenticateAll(input as Array<Record<string, unknown>>).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { index: 5 } });
    expect(String((e as Error).message)).not.toMatch(/Nguy|0010/);
    await expect(reg.authenticateAll('claims' as unknown as [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(reg.authenticateAll([null] as unknown as [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects bad options', async () => {
    await expect(reg.authenticateAll(claims, { threads: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(reg.authenticateAll(claims, { batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(reg.authenticateAll(claims, { candidates: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(reg.authenticateAll(claims, null as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('a worker that throws or dies rejects with WORKER_FAILED naming the phase; no table; the pool stays usable', async () => {
    for (const mode of ['throw', 'exit'] as const) {
      const faulty = faultyPool({ task: 'register.authenticateTable', mode }, { threads: 1, inCallingThread: false });
      // The thread is up before the call (a thread still starting would have its batches taken
      // back and answered by the calling thread: no failure to see), and there is work enough
      // for the calling thread to be busy when the first failure comes back.
      await faulty.run('pool.info', 1);
      const e = await reg.authenticateAll([...claims, ...claims, ...claims, ...claims], { pool: faulty, batchSize: 300 }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'WORKER_FAILED', details: { phase: 'authenticate' } });
      expect(String((e as Error).message)).toContain('authenticate phase');
      const info = await faulty.run<{ isMainThread: boolean }>('pool.info', 1);
      expect(info.isMainThread).toBe(false);
      await faulty.close();
    }
  });
});

describe('VerdictTable', () => {
  it('settle() takes a worker batch written in place; rejects a range that does not fit or a side that does not match its claims', async () => {
    const r = await build();
    const R = r as unknown as { tableFields(): TableField[]; tableFacts(): TableFacts; evaluator: { store: StoreReader }; s: { layout: { fields: FieldPlan[] } } };
    const input = [claimOf(0), claimOf(1, { id: 'x' }), claimOf(2, { name: 'Nguyễn Thị Châm' }), claimOf(3, { id: '079999999999' })];
    const single = input.map((c) => r.authenticate(c));
    const batch = () => new PackedClaimValues(packClaimBatch(input, R.s.layout.fields));
    const store = R.evaluator.store;
    // The worker's path, on this thread: written into the columns, the verdicts without a record back.
    const t = new VerdictTable(input.length, R.tableFields(), R.tableFacts());
    const side = r.authenticateIntoTable(batch(), input.length, 3, t.columns, 0);
    expect(side.verdicts.count).toBe(single.filter((v) => v.recordId === null).length);
    t.settle(0, input.length, store, side);
    expect(t.complete).toBe(true);
    for (let i = 0; i < input.length; i++) expect(JSON.stringify(t.verdict(i))).toBe(JSON.stringify(single[i]));
    // A range that does not fit, a side whose claim is not where it says, a side that lies about a status.
    const bad = new VerdictTable(input.length, R.tableFields(), R.tableFacts());
    const s2 = r.authenticateIntoTable(batch(), input.length, 3, bad.columns, 0);
    expect(() => bad.settle(1, input.length + 1, store, s2)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => bad.settle(0, input.length, store, { ...s2, at: s2.at.map(() => 0) })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    const lying = new Uint8Array(s2.verdicts.bytes);
    lying[0] = (lying[0]! + 1) % VERDICT_STATUSES.length;
    expect(() => bad.settle(0, input.length, store, { ...s2, verdicts: { ...s2.verdicts, bytes: lying } })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => bad.settle(0, input.length, store, { ...s2, verdicts: { ...s2.verdicts, nums: s2.verdicts.nums.subarray(0, 0) } })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    // A batch that does not fit the table is refused by the worker's path.
    expect(() => r.authenticateIntoTable(batch(), input.length, 3, bad.columns, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Accessors.
    expect(() => t.verdict(input.length)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => t.statusOf(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => t.fieldOf(0, 'nope')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => t.results('nope')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('reads record ids from the store each batch was answered in, across a compaction', async () => {
    const r = await build();
    const input = Array.from({ length: 5 }, (_, i) => claimOf(i));
    const before = await r.authenticateAll(input, { threads: 1 });
    const ids = input.map((_, i) => before.recordIdOf(i));
    const storeOf = () => (r as unknown as { evaluator: { store: StoreReader } }).evaluator.store;
    const old = storeOf();
    // Two dead rows of eight: the compaction rewrites the store (rows renumbered).
    expect(r.remove('P1')).toBe(true);
    expect(r.remove('P6')).toBe(true);
    r.compact();
    expect(storeOf()).not.toBe(old);
    // The old table still names the records it was answered against.
    expect(input.map((_, i) => before.recordIdOf(i))).toEqual(ids);
    expect(input.map((_, i) => before.verdict(i).recordId)).toEqual(ids);
    const after = await r.authenticateAll(input, { threads: 1 });
    for (let i = 0; i < input.length; i++) expect(after.verdict(i)).toEqual(r.authenticate(input[i]!));
  });
});
