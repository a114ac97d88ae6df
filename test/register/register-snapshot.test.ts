import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Register } from '../../src/register/register.js';
import { saveIndexSnapshot } from '../../src/block/index-snapshot.js';
import { RecordStore } from '../../src/block/record-store.js';
import { ROWS, SCHEMA, build, claimOf } from './fixture.js';
import { generatePopulation } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-register-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Claims touching every path: found, earlier ID, not found (+ candidates), invalid, inconsistent, mismatch. */
const PROBES: Array<Record<string, unknown>> = [
  ...ROWS.map((_r, i) => claimOf(i)),
  claimOf(0, { id: '012345678' }),
  claimOf(0, { id: '001090012346' }),
  claimOf(0, { id: 'x' }),
  claimOf(0, { sex: 'Nữ' }),
  claimOf(1, { name: 'Trần Thu Hòa' }),
  { id: '001095000001', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam' },
  { id: '123456780', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam' },
];

describe('save / load', () => {
  it('round trip gives identical verdicts and stats, pending changes included', async () => {
    const r = await build({ policy: { require: { id: ['exact', 'equivalent'], name: ['exact', 'equivalent', 'close'] } } });
    r.add([{ rid: 'N1', id: '001095000001', name: 'Mai Văn Tuấn', dob: '02/02/1995', sex: 'Nam', old: '123456780' }]);
    r.remove('P4');
    r.update('P5', { ...claimOf(4), name: 'Phạm Minh Khải' });
    const file = join(dir, 'a.khop');
    await r.save(file);
    const l = await Register.load(file);
    expect(PROBES.map((c) => l.authenticate(c))).toEqual(PROBES.map((c) => r.authenticate(c)));
    // Byte counts differ (a loaded store is one buffer per column); the counts must not.
    const { bytes: _b1, bytesPerRecord: _p1, ...s1 } = r.stats();
    const { bytes: _b2, bytesPerRecord: _p2, ...s2 } = l.stats();
    expect(s2).toEqual(s1);
    expect(l.policy).toEqual(r.policy);
    expect(l.schema.toJSON()).toEqual(r.schema.toJSON());
    // The loaded register keeps working: updates, then compaction.
    expect(l.update('N1', { id: '001095000001', name: 'Mai Văn Tú', dob: '02/02/1995', sex: 'Nam' })).toBe(true);
    l.compact();
    expect(l.authenticate({ id: '001095000001', name: 'Mai Văn Tú', dob: '02/02/1995', sex: 'Nam' })).toMatchObject({ status: 'VERIFIED', recordId: 'N1' });
    expect(l.authenticate(claimOf(3)).status).toBe('NOT_FOUND');
  });

  it('rows added or updated while save() writes are not in the file, and the file loads: the state at the call (seeded)', async () => {
    const pop = [...generatePopulation({ size: 12_000, seed: 9, duplicateRate: 0 })].map((r) => ({ ...r }) as Record<string, unknown>);
    for (let trial = 0; trial < 4; trial++) {
      const reg = await Register.build(vietnamesePersonSchema(), pop.slice(0, 8000), { idField: 'recordId', threads: 1 });
      const path = join(dir, `racing-${trial}.khop`);
      await reg.save(path); // a good file first: a broken save would replace it
      const probes = pop.slice(7990, 8010).map((r) => ({ ...r }));
      const expected = probes.map((c) => reg.authenticate(c));
      const issuesAtCall = JSON.stringify(reg.issues);
      let done = false;
      let n = 0;
      const saving = reg.save(path).then(() => {
        done = true;
      });
      // Keep changing the register until the save resolves: adds (some with an impossible date:
      // an issue the file must not count) and updates of saved records.
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          if (done) return resolve();
          const row = pop[8000 + (n % 4000)]!;
          if (n % 3 === 2) reg.update(String(pop[n % 8000]!['recordId']), { ...pop[n % 8000]!, fullName: 'Lê Văn Đổi' });
          else reg.add([{ ...row, recordId: `new-${trial}-${n}`, ...(n % 5 === 0 ? { dob: '31/02/1990' } : {}) }]);
          n++;
          setImmediate(tick);
        };
        tick();
      });
      await saving;
      expect(n).toBeGreaterThan(0);
      const back = await Register.load(path);
      expect(back.size).toBe(8000);
      expect(JSON.stringify(back.issues)).toBe(issuesAtCall);
      expect(probes.map((c) => back.authenticate(c))).toEqual(expected);
    }
  });

  it('a snapshot is not written over an open descriptor (a link to /proc/self/fd/N: the shell\'s log)', async () => {
    const { openSync, closeSync, symlinkSync, readFileSync, writeFileSync } = await import('node:fs');
    const log = join(dir, 'shell.log');
    writeFileSync(log, 'PREVIOUS\n');
    const fd = openSync(log, 'a');
    try {
      symlinkSync(`/proc/self/fd/${fd}`, join(dir, 'fd-link'));
      const reg = await build();
      await expect(reg.save(join(dir, 'fd-link'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(log, 'utf8')).toBe('PREVIOUS\n');
  });

  it('a loaded store whose last chunk has an all-empty text column can still grow', async () => {
    // No idField (numeric record ids), and a text column empty in every row.
    const schema = { ...SCHEMA, note: { kind: 'text' } } as const;
    const r = await Register.build(schema, ROWS.slice(0, 3).map((row) => ({ ...row, note: '' })));
    const file = join(dir, 'b.khop');
    await r.save(file);
    const l = await Register.load(file);
    expect(l.add([{ ...ROWS[3], note: 'có ghi chú' }]).added).toBe(1);
    expect(l.authenticate({ ...claimOf(3), note: 'co ghi chu' })).toMatchObject({ status: 'VERIFIED', recordId: 3 });
    expect(l.authenticate(claimOf(0)).recordId).toBe(0);
  });

  it('refuses a corrupted, truncated or foreign file', async () => {
    const r = await build();
    const file = join(dir, 'c.khop');
    await r.save(file);
    const bytes = await readFile(file);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3]! ^= 0x40;
    await writeFile(join(dir, 'flipped.khop'), flipped);
    await expect(Register.load(join(dir, 'flipped.khop'))).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT' });

    await writeFile(join(dir, 'short.khop'), bytes.subarray(0, bytes.length - 100));
    await expect(Register.load(join(dir, 'short.khop'))).rejects.toMatchObject({ code: 'SNAPSHOT_TRUNCATED' });

    await writeFile(join(dir, 'text.khop'), 'id,name\n001090012345,Nguyễn Văn An\n');
    await expect(Register.load(join(dir, 'text.khop'))).rejects.toMatchObject({ code: 'SNAPSHOT_FOREIGN' });

    // A valid khop snapshot that is not a register.
    const store = new RecordStore([{ name: 'x', type: 'int32' }]);
    store.append([1]);
    await saveIndexSnapshot(join(dir, 'index.khop'), store, [], { something: 'else' });
    await expect(Register.load(join(dir, 'index.khop'))).rejects.toMatchObject({ code: 'SNAPSHOT_FOREIGN' });

    await expect(Register.load(join(dir, 'missing.khop'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(r.save('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('identifier form of a saved register', () => {
  it('a register with an identifier field saved in the earlier form is refused SNAPSHOT_VERSION; one without such a field loads', async () => {
    const { readSnapshot, writeSnapshot } = await import('../../src/io/snapshot.js');
    const folder = await mkdtemp(join(tmpdir(), 'khop-idform-'));
    try {
      const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, email: { kind: 'identifier' } } as const;
      const row = { id: '001090012345', name: 'Nguyen Van An', dob: '1990-05-01', email: 'an_nguyen@mail.vn' };
      for (const [what, s, r] of [
        ['with an identifier', schema, row],
        ['without one', { id: schema.id, name: schema.name, dob: schema.dob }, { id: row.id, name: row.name, dob: row.dob }],
      ] as const) {
        const reg = await Register.build(s, [r], { policy: { require: { name: ['exact'] } } });
        const path = join(folder, 'reg.khop');
        await reg.save(path);
        // Saved and loaded by this version: the address written as stored is exact.
        const back = await Register.load(path);
        expect(back.authenticate(r).status, what).toBe('VERIFIED');
        if ('email' in r) expect(back.authenticate(r).fields['email'], what).toEqual({ result: 'exact', reason: 'as-written' });
        // The same file as an earlier version wrote it (no identifierForm in its metadata).
        const snap = await readSnapshot(path, { shared: false });
        const meta = { ...(snap.meta as Record<string, unknown>) };
        const user = { ...(meta['user'] as Record<string, unknown>) };
        delete user['identifierForm'];
        meta['user'] = user;
        await writeSnapshot(path, { meta, sections: [...snap.sections].map(([name, data]) => ({ name, data })) });
        const old = await Register.load(path).then(() => null, (e: unknown) => e as { code?: string; message?: string });
        if ('email' in r) {
          expect(old?.code, what).toBe('SNAPSHOT_VERSION');
          expect(old?.message).toContain('rebuild it');
        } else expect(old, what).toBeNull();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('layout version of a saved register', () => {
  it('a snapshot of layout version 1 or 2 (before every name and date field kept its written form) is refused SNAPSHOT_VERSION, unkeyed and keyed', async () => {
    const { readSnapshot, writeSnapshot } = await import('../../src/io/snapshot.js');
    const folder = await mkdtemp(join(tmpdir(), 'khop-layout-'));
    try {
      const idSecret = 'a-test-secret-of-32-bytes-000000';
      for (const [what, options, current, earlier] of [
        ['unkeyed', {}, 3, 1],
        ['keyed', { idSecret }, 4, 2],
      ] as const) {
        const reg = await Register.build(SCHEMA, ROWS, { idField: 'rid', ...options });
        const path = join(folder, `${what}.khop`);
        await reg.save(path);
        const snap = await readSnapshot(path, { shared: false });
        const user = (snap.meta as { user: Record<string, unknown> }).user;
        expect(user['version'], what).toBe(current);
        const back = await Register.load(path, options);
        expect(back.authenticate(claimOf(7)).fields['name'], what).toEqual({ result: 'exact', reason: 'as-written' }); // "Hồ   Văn   Bình"
        // The same file as the earlier layout's number says.
        const meta = { ...(snap.meta as Record<string, unknown>), user: { ...user, version: earlier } };
        await writeSnapshot(path, { meta, sections: [...snap.sections].map(([name, data]) => ({ name, data })) });
        const old = await Register.load(path, options).then(() => null, (e: unknown) => e as { code?: string; message?: string });
        expect(old?.code, what).toBe('SNAPSHOT_VERSION');
        expect(old?.message, what).toContain('rebuild it');
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('crafted register metadata (S12)', () => {
  it('metadata with fresh checksums that does not fit — issue counts, options, delta rows, deadPending — is refused SNAPSHOT_CORRUPT at load, never a TypeError on a later add', async () => {
    const { readSnapshot, writeSnapshot } = await import('../../src/io/snapshot.js');
    const folder = await mkdtemp(join(tmpdir(), 'khop-crafted-'));
    try {
      const reg = await build({ maxPendingChanges: 1000 });
      reg.add([{ ...ROWS[0], rid: 'N1', id: '001090011111' }]);
      reg.remove('P3');
      const path = join(folder, 'reg.khop');
      await reg.save(path);
      const snap = await readSnapshot(path, { shared: false });
      const user = (snap.meta as { user: Record<string, unknown> }).user;
      const options = user['options'] as Record<string, unknown>;
      const u32 = (...a: number[]): Uint8Array => new Uint8Array(new Uint32Array(a).buffer);
      const delta = user['delta'] as Record<string, unknown>;
      const cases: Array<[string, Record<string, unknown>]> = [
        ['issues a number', { issues: 5 }],
        ['issues an array', { issues: [1] }],
        ['an issue count not a number', { issues: { name: { 'name has no letters': 'x' } } }],
        ['a field issues a number', { issues: { name: 5 } }],
        ['idField a number', { options: { ...options, idField: 5 } }],
        ['earlierIdsField an object', { options: { ...options, earlierIdsField: {} } }],
        ['candidateSearch a string', { options: { ...options, candidateSearch: 'yes' } }],
        ['maxPendingChanges negative', { options: { ...options, maxPendingChanges: -1 } }],
        ['maxPendingChanges a string', { options: { ...options, maxPendingChanges: '7' } }],
        ['a delta entry naming a base row', { delta: { ...delta, id: u32(1, 2, 0) } }],
        ['deadPending beyond the dead base rows', { deadPending: 3 }],
      ];
      for (const [what, change] of cases) {
        const meta = { ...(snap.meta as Record<string, unknown>), user: { ...user, ...change } };
        await writeSnapshot(path, { meta, sections: [...snap.sections].map(([name, data]) => ({ name, data })) });
        const outcome = await Register.load(path).then(
          (back) => {
            // Loaded: the damage shows on the next change, not at load.
            try {
              back.add([{ ...ROWS[2], rid: 'N2', id: '001090011112', name: '0' }]);
              return 'loaded';
            } catch (e) {
              return `loaded, then add threw ${(e as Error).constructor.name}`;
            }
          },
          (e: unknown) => (e as { code?: string }).code,
        );
        expect(outcome, what).toBe('SNAPSHOT_CORRUPT');
      }
      // The file as saved still loads, its issue counts intact and inheriting nothing.
      await writeSnapshot(path, { meta: snap.meta, sections: [...snap.sections].map(([name, data]) => ({ name, data })) });
      const back = await Register.load(path);
      expect(back.issues).toEqual(reg.issues);
      const { bytes: _b, bytesPerRecord: _p, ...counts } = reg.stats();
      expect(back.stats()).toMatchObject(counts);
      expect(PROBES.map((c) => back.authenticate(c))).toEqual(PROBES.map((c) => reg.authenticate(c)));
      back.add([{ ...ROWS[2], rid: 'N2', id: '001090011112', name: '0' }]);
      expect(back.issues['name']?.['name has no letters']).toBe((reg.issues['name']?.['name has no letters'] ?? 0) + 1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
