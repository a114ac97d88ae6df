import { describe, it, expect } from 'vitest';
import { Register } from '../../src/register/register.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { Rng } from '../../src/util/rng.js';
import { isKhopError } from '../../src/errors.js';
import { ROWS, SCHEMA, build, claimOf } from './fixture.js';

describe('add / update / remove / compact', () => {
  it('add → found at once; update → new values; remove → NOT_FOUND; compact → same answers', async () => {
    const r = await build();
    const newcomer = { rid: 'N1', id: '001095000001', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam', old: '123456780' };
    const claim = { id: newcomer.id, name: newcomer.name, dob: newcomer.dob, sex: newcomer.sex };
    expect(r.authenticate(claim).status).toBe('NOT_FOUND');
    expect(r.add([newcomer])).toEqual({ added: 1, rejected: [] });
    expect(r.authenticate(claim)).toMatchObject({ status: 'VERIFIED', recordId: 'N1', matchedBy: 'id' });
    expect(r.authenticate({ ...claim, id: '123456780' })).toMatchObject({ status: 'VERIFIED', recordId: 'N1', matchedBy: 'earlierId' });
    // Did-you-mean sees the delta too.
    expect(r.authenticate({ ...claim, id: '001095000002' }).candidates!.map((c) => c.recordId)).toEqual(['N1']);
    expect(r.stats()).toMatchObject({ records: ROWS.length + 1, delta: 1, pendingChanges: 1, deleted: 0 });

    // update keeps the record id; the old values no longer verify.
    expect(r.update('P1', { id: '001090012345', name: 'Nguyễn Văn Anh', dob: '01/05/1990', sex: 'Nam' })).toBe(true);
    expect(r.authenticate(claimOf(0))).toMatchObject({ status: 'MISMATCH', recordId: 'P1' });
    expect(r.authenticate(claimOf(0, { name: 'Nguyễn Văn Anh' }))).toMatchObject({ status: 'VERIFIED', recordId: 'P1' });
    // P1's earlier ID went with the old row (the new row lists none).
    expect(r.authenticate(claimOf(0, { id: '012345678', name: 'Nguyễn Văn Anh' })).status).toBe('NOT_FOUND');
    // An update may change the ID.
    expect(r.update('P2', { ...claimOf(1), id: '079185009999' })).toBe(true);
    expect(r.authenticate(claimOf(1)).status).toBe('NOT_FOUND');
    expect(r.authenticate(claimOf(1, { id: '079185009999' }))).toMatchObject({ status: 'VERIFIED', recordId: 'P2' });

    expect(r.remove('P3')).toBe(true);
    expect(r.remove('P3')).toBe(false);
    expect(r.remove('nobody')).toBe(false);
    expect(r.update('nobody', claimOf(0))).toBe(false);
    expect(r.authenticate(claimOf(2)).status).toBe('NOT_FOUND');
    expect(r.stats()).toMatchObject({ records: ROWS.length, deleted: 3 });

    const probe = [claim, claimOf(0), claimOf(0, { name: 'Nguyễn Văn Anh' }), claimOf(1), claimOf(2), claimOf(3), { ...claim, id: '123456780' }, { ...claim, id: '001095000002' }];
    const before = probe.map((c) => r.authenticate(c));
    r.compact();
    expect(r.stats()).toMatchObject({ records: ROWS.length, delta: 0, pendingChanges: 0 });
    expect(probe.map((c) => r.authenticate(c))).toEqual(before);
    // The first compaction rewrote the store (3 dead of 11 rows > 1/8). One dead row of 8 is not
    // worth a rewrite: it stays in the store, tombstoned, but leaves the indexes.
    expect(r.remove('N1')).toBe(true);
    r.compact();
    expect(r.stats()).toMatchObject({ records: ROWS.length - 1, deleted: 1, pendingChanges: 0 });
    expect(r.authenticate(claim).status).toBe('NOT_FOUND');
    expect(r.authenticate(claimOf(3))).toMatchObject({ status: 'VERIFIED', recordId: 'P4' });
    expect(r.authenticate(claimOf(0, { name: 'Nguyễn Văn Anh' }))).toMatchObject({ status: 'VERIFIED', recordId: 'P1' });
  });

  it('update with an unusable row throws INVALID_ROW and changes nothing; record ids must be strings or numbers', async () => {
    const r = await build();
    expect(() => r.update('P1', { id: 'nope', name: 'X' })).toThrow(expect.objectContaining({ code: 'INVALID_ROW' }));
    expect(r.authenticate(claimOf(0))).toMatchObject({ status: 'VERIFIED', recordId: 'P1' });
    expect(() => r.remove({} as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => r.add(5 as unknown as object[])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const res = r.add([{ rid: 'Z', id: 'bad' }, 'x', { ...ROWS[0], rid: 'Z2' }]);
    expect(res.added).toBe(1);
    expect(res.rejected.map((x) => [x.index, x.code])).toEqual([
      [0, 'INVALID_ID'],
      [1, 'NOT_AN_OBJECT'],
    ]);
  });

  it('update refuses a row whose record id column names another record (RECORD_ID_CHANGED), and changes nothing; the same id, as text or number, is accepted', async () => {
    const r = await build();
    const renamed = { ...ROWS[0], rid: 'P1-new', name: 'Nguyễn Văn Anh' };
    let error: unknown;
    try {
      r.update('P1', renamed);
    } catch (e) {
      error = e;
    }
    expect(isKhopError(error, 'INVALID_ROW')).toBe(true);
    expect((error as { details: { code: string } }).details.code).toBe('RECORD_ID_CHANGED');
    expect((error as Error).message).toContain('column "rid"');
    // No value in the message: neither id nor the name.
    expect((error as Error).message).not.toMatch(/P1|Nguyễn/);
    // Before: stored under "P1" without a word, the row's "P1-new" dropped.
    expect(r.authenticate(claimOf(0))).toMatchObject({ status: 'VERIFIED', recordId: 'P1' });
    expect(r.stats()).toMatchObject({ records: ROWS.length, pendingChanges: 0 });
    // The record's own id in the row, or a blank one, is fine.
    expect(r.update('P1', { ...ROWS[0], rid: 'P1', name: 'Nguyễn Văn Anh' })).toBe(true);
    expect(r.update('P1', { ...ROWS[0], rid: '  ', name: 'Nguyễn Văn Anh' })).toBe(true);
    expect(r.authenticate(claimOf(0, { name: 'Nguyễn Văn Anh' }))).toMatchObject({ status: 'VERIFIED', recordId: 'P1' });
    // A numeric record id: 7 and "7" are one id (String), "007" another.
    const n = await Register.build(SCHEMA, [{ ...ROWS[0], rid: 7 }], { idField: 'rid' });
    expect(n.update(7, { ...ROWS[0], rid: '7', name: 'Nguyễn Văn Anh' })).toBe(true);
    expect(() => n.update(7, { ...ROWS[0], rid: '007' })).toThrow(expect.objectContaining({ code: 'INVALID_ROW' }));
    expect(n.authenticate(claimOf(0, { name: 'Nguyễn Văn Anh' }))).toMatchObject({ status: 'VERIFIED', recordId: 7 });
  });

  it('update and remove take a bigint record id: the record whose id is its decimal text, as build and add store it', async () => {
    const big = 12345678901234567890n; // beyond 2^53: only a bigint or text holds it exactly
    const r = await Register.build(SCHEMA, [{ ...ROWS[0], rid: big }, { ...ROWS[1], rid: 'P2' }], { idField: 'rid' });
    expect(r.authenticate(claimOf(0))).toMatchObject({ status: 'VERIFIED', recordId: '12345678901234567890' });
    // Before: INVALID_ARGUMENT "a record id must be a string or a finite number".
    expect(r.update(big, { ...ROWS[0], rid: big, name: 'Nguyễn Văn Anh' })).toBe(true);
    expect(r.authenticate(claimOf(0, { name: 'Nguyễn Văn Anh' }))).toMatchObject({ status: 'VERIFIED', recordId: '12345678901234567890' });
    expect(r.remove(big + 1n)).toBe(false);
    expect(r.remove(big)).toBe(true);
    expect(r.authenticate(claimOf(0, { name: 'Nguyễn Văn Anh' })).status).toBe('NOT_FOUND');
    expect(r.authenticate(claimOf(1))).toMatchObject({ status: 'VERIFIED', recordId: 'P2' });
  });

  it('add is all or nothing: an iterable or a getter that throws partway leaves the register unchanged', async () => {
    const r = await build();
    const size = r.size;
    function* failing(): Generator<Record<string, unknown>> {
      yield { ...ROWS[2], rid: 'N1' };
      throw new Error('source failed');
    }
    expect(() => r.add(failing())).toThrow('source failed');
    const bad = { ...ROWS[3], rid: 'N3' };
    Object.defineProperty(bad, 'name', { enumerable: true, get: () => { throw new Error('getter failed'); } });
    expect(() => r.add([{ ...ROWS[2], rid: 'N2' }, bad])).toThrow('getter failed');
    expect(r.size).toBe(size);
    // A retry of the good rows adds each once: no duplicate record, no AMBIGUOUS claim.
    expect(r.add([{ ...ROWS[2], rid: 'N1' }]).added).toBe(1);
    expect(r.size).toBe(size + 1);
  });

  it('a value that is a Proxy whose trap throws, or a revoked one, rejects its row WRONG_TYPE: the batch is not left half added', async () => {
    const r = await build();
    const size = r.size;
    const trap = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const [i, value] of [trap, revoked].entries()) {
      const res = r.add([{ ...ROWS[2], rid: `A${i}`, id: `00109001111${i}` }, { ...ROWS[3], rid: `B${i}`, name: value }, { ...ROWS[4], rid: `C${i}`, id: `00109001112${i}` }]);
      expect(res.added).toBe(2);
      expect(res.rejected.map((x) => [x.index, x.code, x.reason])).toEqual([[1, 'WRONG_TYPE', 'field "name" holds an object, expected text']]);
    }
    expect(r.size).toBe(size + 4);
    expect(() => r.update('P2', { ...ROWS[1], dob: revoked })).toThrow(expect.objectContaining({ code: 'INVALID_ROW' }));
    expect(r.authenticate(claimOf(1))).toMatchObject({ status: 'VERIFIED', recordId: 'P2' });
  });

  it('without idField, added rows continue the input positions and numeric ids work for update/remove', async () => {
    const r = await Register.build({ id: { kind: 'nationalId' }, name: { kind: 'personName' } }, [ROWS[0], ROWS[1]]);
    r.add([ROWS[2], { id: 'x' }, ROWS[3]]);
    expect(r.authenticate(claimOf(2)).recordId).toBe(2);
    expect(r.authenticate(claimOf(3)).recordId).toBe(4);
    expect(r.update(4, { ...claimOf(3), name: 'Lê Hoàng Lâm' })).toBe(true);
    expect(r.authenticate(claimOf(3, { name: 'Lê Hoàng Lâm' })).recordId).toBe(4);
    expect(r.remove('0')).toBe(true); // a record id is compared as text
    expect(r.authenticate(claimOf(0)).status).toBe('NOT_FOUND');
  });

  it('seeded random operations agree with a brute-force oracle, with auto-compaction', async () => {
    const base = [...generatePopulation({ size: 60, seed: 11, duplicateRate: 0 })];
    const pool = [...generatePopulation({ size: 80, seed: 12, duplicateRate: 0, startRecordId: 1000 })];
    const schema = vietnamesePersonSchema();
    const r = await Register.build(schema, base, { idField: 'recordId', maxPendingChanges: 7 });
    const live = new Map<string, PopulationRow>(base.map((p) => [p.recordId, p]));
    const gone: PopulationRow[] = [];
    const rng = new Rng(99);
    let next = 0;
    const claimFor = (p: PopulationRow) => ({ id: p.id, fullName: p.fullName, dob: p.dob, sex: p.sex });
    const idsInUse = () => new Set([...live.values()].map((p) => p.id));
    for (let step = 0; step < 120; step++) {
      const op = rng.int(4);
      const keys = [...live.keys()];
      if (op === 0 && next < pool.length) {
        const p = pool[next++]!;
        expect(r.add([p]).added).toBe(1);
        live.set(p.recordId, p);
      } else if (op === 1 && keys.length > 0) {
        const k = keys[rng.int(keys.length)]!;
        gone.push(live.get(k)!);
        expect(r.remove(k)).toBe(true);
        live.delete(k);
      } else if (op === 2 && keys.length > 0 && next < pool.length) {
        const k = keys[rng.int(keys.length)]!;
        const donor = pool[next++]!;
        const old = live.get(k)!;
        // Either new personal values under the same ID, or a new ID with the donor's values.
        const row = rng.chance(0.5) ? { ...old, fullName: donor.fullName, dob: donor.dob, sex: donor.sex, id: donor.id } : { ...old, fullName: donor.fullName };
        gone.push(old);
        expect(r.update(k, row)).toBe(true);
        live.set(k, { ...row, recordId: k });
      } else if (op === 3) {
        r.compact();
      }
      expect(r.stats().pendingChanges).toBeLessThanOrEqual(7);
      // Every live record verifies as itself.
      for (const [k, p] of live) {
        const v = r.authenticate(claimFor(p));
        expect(v.status, `step ${step} record ${k}`).toBe('VERIFIED');
        expect(String(v.recordId)).toBe(k);
      }
      // Removed / replaced values verify no more (unless a live record carries the same values).
      const inUse = idsInUse();
      for (const p of gone.slice(-5)) {
        const v = r.authenticate(claimFor(p));
        if (!inUse.has(p.id)) expect(v.status).toBe('NOT_FOUND');
        else expect(v.status === 'VERIFIED' ? live.has(String(v.recordId)) : true).toBe(true);
      }
    }
    expect(r.stats().records).toBe(live.size);
  });

  it('a removed record keeps being removed across compaction and store rewrite', async () => {
    const r = await build({ maxPendingChanges: 1000 });
    for (const row of ROWS.slice(0, 5)) expect(r.remove(row.rid)).toBe(true);
    r.compact(); // 5 dead of 8 > 1/8: the store is rewritten without them
    expect(r.stats()).toMatchObject({ records: 3, deleted: 0 });
    for (let i = 0; i < 5; i++) expect(r.authenticate(claimOf(i)).status).toBe('NOT_FOUND');
    for (let i = 5; i < 8; i++) expect(r.authenticate(claimOf(i)).status).toBe('VERIFIED');
    expect(r.update('P6', claimOf(5, { name: 'Võ Thị Mơ' }))).toBe(true);
    expect(r.authenticate(claimOf(5, { name: 'Võ Thị Mơ' })).recordId).toBe('P6');
    expect(isKhopError(new Error('x'))).toBe(false);
  });
});

describe('tied AMBIGUOUS candidates', () => {
  it('are listed in record-id order, whatever the build: fresh, build + add, build + add + compact, either row first', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' } } as const;
    const A = { rid: 'b10', id: '001090012345', name: 'Nguyen Van An', dob: '1990-05-01' };
    const B = { rid: 'b9', id: '001090012345', name: 'Tran Thi Binh', dob: '1990-05-01' };
    const claim = { id: '001090012345', name: 'Le Van Cuong', dob: '1990-05-01' };
    const orders = new Set<string>();
    for (const [x, y] of [[A, B], [B, A]] as const) {
      const fresh = await Register.build(schema, [x, y], { idField: 'rid' });
      const added = await Register.build(schema, [x], { idField: 'rid' });
      added.add([y]);
      const compacted = await Register.build(schema, [x], { idField: 'rid' });
      compacted.add([y]);
      compacted.compact();
      for (const r of [fresh, added, compacted]) {
        const v = r.authenticate(claim);
        expect(v.status).toBe('AMBIGUOUS');
        orders.add(v.candidates!.map((c) => c.recordId).join(','));
      }
    }
    expect([...orders]).toEqual(['b10,b9']); // text ids by code units ("b10" < "b9")
  });
});

describe('tied "did you mean" candidates', () => {
  it('are cut and listed in record-id order, whatever the build order or edit history', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' } } as const;
    const A = { rid: 'A', id: '001090012345', name: 'Nguyen Van An', dob: '1990-05-01', sex: 'Nam' };
    const B = { rid: 'B', id: '001090054321', name: 'Nguyen Van An', dob: '1990-05-01', sex: 'Nam' };
    const C = { rid: 'C', id: '001090054322', name: 'Nguyen Van An', dob: '1990-05-01', sex: 'Nam' };
    const claim = { id: '', name: 'Nguyen Van An', dob: '1990-05-01', sex: 'Nam' };
    const lists = new Set<string>();
    const tops = new Set<string>();
    for (const order of [[A, B, C], [C, B, A], [B, C, A]]) {
      const fresh = await Register.build(schema, order, { idField: 'rid' });
      const added = await Register.build(schema, order.slice(0, 1), { idField: 'rid' });
      added.add(order.slice(1));
      const updated = await Register.build(schema, order, { idField: 'rid' });
      updated.update('A', { id: A.id, name: A.name, dob: A.dob, sex: A.sex }); // same values: A moves to the delta
      for (const r of [fresh, added, updated]) {
        lists.add(r.authenticate(claim, { candidates: 3 }).candidates!.map((c) => c.recordId).join(','));
        tops.add(r.authenticate(claim, { candidates: 1 }).candidates!.map((c) => c.recordId).join(','));
      }
    }
    expect([...lists]).toEqual(['A,B,C']);
    expect([...tops]).toEqual(['A']);
  });
});

describe('a record id with a lone UTF-16 surrogate', () => {
  it('rejects its row WRONG_TYPE (build and add) — the other rows are kept; nothing half-added', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' } } as const;
    const A = { rid: 'A', id: '001090012345', name: 'Nguyen Van An', dob: '01/05/1990' };
    const bad = { rid: 'B\uD800', id: '001090012346', name: 'Le Van Binh', dob: '01/05/1990' };
    const built = await Register.build(schema, [A, bad, { ...A, rid: 'C', id: '001090012347' }], { idField: 'rid' });
    expect(built.size).toBe(2);
    expect(built.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'WRONG_TYPE']]);
    expect(built.rejected[0]!.reason).toContain('lone UTF-16 surrogate');
    const r = await Register.build(schema, [A], { idField: 'rid' });
    const result = r.add([{ ...A, rid: 'N1', id: '001090011111' }, bad, { ...A, rid: '\uDC00x', id: '001090011112' }]);
    expect(result.added).toBe(1);
    expect(result.rejected.map((x) => [x.index, x.code])).toEqual([[1, 'WRONG_TYPE'], [2, 'WRONG_TYPE']]);
    expect(r.authenticate({ id: '001090011111', name: 'Nguyen Van An', dob: '01/05/1990' }).recordId).toBe('N1');
    expect(r.size).toBe(2);
    // A real pair is text: kept.
    expect(r.add([{ ...A, rid: 'E\uD83D\uDE00', id: '001090011113' }]).added).toBe(1);
  });
});

describe('a row value behind a getter', () => {
  it('is read once: update() stores the value its type was checked on, never an object read the second time', async () => {
    const r = await build();
    let reads = 0;
    const row: Record<string, unknown> = { id: ROWS[1].id, dob: ROWS[1].dob, sex: ROWS[1].sex };
    // Text on the first read, then an object whose toString() is another name.
    Object.defineProperty(row, 'name', { enumerable: true, get: () => (reads++ === 0 ? 'Trần Thị Thu Hòa' : { toString: () => 'Lê Văn Tám' }) });
    expect(r.update('P2', row)).toBe(true);
    expect(reads).toBe(1);
    expect(r.authenticate(claimOf(1, { name: 'Lê Văn Tám' })).status).toBe('MISMATCH');
    expect(r.authenticate(claimOf(1))).toMatchObject({ status: 'VERIFIED', recordId: 'P2' });
    // The same through build.
    reads = 0;
    const b = await build(undefined, [{ ...ROWS[0] }, Object.defineProperties({ rid: 'P2', id: ROWS[1].id, dob: ROWS[1].dob, sex: ROWS[1].sex }, Object.getOwnPropertyDescriptors(row))]);
    expect(reads).toBe(1);
    expect(b.authenticate(claimOf(1, { name: 'Lê Văn Tám' })).status).toBe('MISMATCH');
  });
});
