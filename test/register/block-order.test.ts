/**
 * The register's store in "did you mean" block order (block-order.ts): the layout itself, and
 * that nothing a user sees depends on it — every cell, index and verdict equals those of the
 * same rows built in input order (`tuning.blockOrder: false`), except the order in which an
 * AMBIGUOUS verdict lists records tied on every field (the store's row order).
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Register } from '../../src/register/register.js';
import { applyBlockOrder, storePermuteTask } from '../../src/register/block-order.js';
import { KhopError, isKhopError } from '../../src/errors.js';
import { recordIdAt } from '../../src/register/record-id.js';
import type { RegisterState } from '../../src/register/register-state.js';
import type { BlockIndex } from '../../src/block/block-index.js';
import { Rng } from '../../src/util/rng.js';
import { thrown } from '../util/thrown.js';
import { SCHEMA as FIXTURE_SCHEMA } from './fixture.js';

const SCHEMA = { ...FIXTURE_SCHEMA, province: { kind: 'category' } } as const;

const FAMILIES = ['Nguyễn', 'Nguyen', 'Trần', 'Lê', 'Phạm'];
const MIDDLES = ['Văn', 'Thị', 'Văn Minh', '', 'Hữu'];
const GIVENS = ['An', 'Ân', 'Anh', 'Trâm', 'Châm', 'Hòa'];
const DATES = ['01/05/1990', '1990-05-01', '15/08/1985', '03/04/1998', ''];

/** A register row: record id `rid`, earlier ID `old`. */
type Row = Record<'rid' | 'id' | 'name' | 'dob' | 'sex' | 'province' | 'old', string>;

/** Rows with few names and dates (large blocks), some without a date or a full name (in no block), some IDs twice. */
function makeRows(seed: number, n: number): Row[] {
  const rng = new Rng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    // Now and then a second record with the ID, date and sex of the row before (AMBIGUOUS).
    const twin = i > 0 && rng.chance(0.03) ? rows[i - 1]! : null;
    const dob = twin?.dob ?? rng.pick(DATES);
    const year = dob === '' ? 1970 : Number(/\d{4}/.exec(dob)![0]);
    const sex = twin?.sex ?? rng.pick(['Nam', 'Nữ', '']);
    const serial = twin === null ? i : i - 1;
    const name = rng.chance(0.05) ? rng.pick(GIVENS) : [rng.pick(FAMILIES), rng.pick(MIDDLES), rng.pick(GIVENS)].filter((t) => t !== '').join(' ');
    rows.push({
      rid: `R${i}`,
      id: twin?.id ?? `001${sex === 'Nữ' ? 1 : 0}${String(year % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`,
      name: rng.chance(0.3) ? name.toUpperCase() : name,
      dob,
      sex,
      province: rng.pick(['Hà Nội', 'Huế', '']),
      old: rng.chance(0.1) ? String(100_000_000 + i) : '',
    });
  }
  return rows;
}

function build(rows: readonly Row[], blockOrder: boolean): Promise<Register> {
  return Register.build(SCHEMA, rows, { idField: 'rid', earlierIdsField: 'old' }, { blockOrder });
}

function state(reg: Register): RegisterState {
  return (reg as unknown as { s: RegisterState }).s;
}

/** The input position of store row `row` (record ids are `R<position>`). */
function positionOf(reg: Register, row: number): number {
  const s = state(reg);
  const reader = (reg as unknown as { evaluator: { store: Parameters<typeof recordIdAt>[1] } }).evaluator.store;
  return Number(String(recordIdAt(s.layout, reader, row)).slice(1));
}

/** Every block of `ix` lists its rows in ascending order. */
function expectAscendingBlocks(ix: BlockIndex): void {
  for (let b = 0; b < ix.blockCount; b++) {
    for (let i = ix.starts[b]! + 1; i < ix.starts[b + 1]!; i++) expect(ix.rowIds[i]!).toBeGreaterThan(ix.rowIds[i - 1]!);
  }
}

describe('Register store in did-you-mean block order', () => {
  it('each block’s rows are adjacent, in block order and in input order, then the rows in no block in input order', async () => {
    const reg = await build(makeRows(3, 2500), true);
    const s = state(reg);
    const ix = s.candidateIndex!;
    let next = 0;
    let multi = 0;
    for (let b = 0; b < ix.blockCount; b++) {
      if (ix.starts[b + 1]! - ix.starts[b]! > 1) multi++;
      for (let i = ix.starts[b]!; i < ix.starts[b + 1]!; i++) {
        expect(ix.rowIds[i]).toBe(next++);
        if (i > ix.starts[b]!) expect(positionOf(reg, ix.rowIds[i]!)).toBeGreaterThan(positionOf(reg, ix.rowIds[i - 1]!));
      }
    }
    // The test means something only with large blocks and rows in no block.
    expect(multi).toBeGreaterThan(30);
    expect(next).toBeLessThan(s.store.rowCount - 100);
    for (let row = next + 1; row < s.store.rowCount; row++) expect(positionOf(reg, row)).toBeGreaterThan(positionOf(reg, row - 1));
    for (const other of [s.idIndex, s.earlierIndex, ix]) expectAscendingBlocks(other);
  });

  it('every cell is the cell of the same record in a register built in input order', async () => {
    const rows = makeRows(5, 1500);
    const blockOrdered = await build(rows, true);
    const inputOrdered = await build(rows, false);
    const a = state(blockOrdered);
    const b = state(inputOrdered);
    expect(a.store.rowCount).toBe(rows.length);
    let moved = 0;
    for (let row = 0; row < a.store.rowCount; row++) {
      expect(positionOf(inputOrdered, row)).toBe(row);
      const pos = positionOf(blockOrdered, row);
      if (pos !== row) moved++;
      for (let c = 0; c < a.store.columns.length; c++) {
        const type = a.store.columns[c]!.type;
        expect(a.store.isNull(c, row), `column ${c}`).toBe(b.store.isNull(c, pos));
        if (type === 'ascii' || type === 'utf8') expect(a.store.getString(c, row)).toBe(b.store.getString(c, pos));
        else expect(a.store.getNumber(c, row)).toBe(b.store.getNumber(c, pos));
      }
    }
    expect(moved).toBeGreaterThan(rows.length / 2);
  });

  it('laid out on a pool (columns permuted by workers and the calling thread at once): the same register, byte for byte', async () => {
    const rows = makeRows(8, 1500);
    const dir = await mkdtemp(join(tmpdir(), 'khop-border-'));
    try {
      const bytes = async (indexPoolMinRows: number): Promise<Buffer> => {
        // threads: 3 — with the pool, its 3 workers and the calling thread share the columns.
        const reg = await Register.build(SCHEMA, rows, { idField: 'rid', earlierIdsField: 'old', threads: 3 }, { minRows: Number.MAX_SAFE_INTEGER, indexPoolMinRows });
        const path = join(dir, `r${indexPoolMinRows}.khop`);
        await reg.save(path);
        return readFile(path);
      };
      const alone = await bytes(Number.MAX_SAFE_INTEGER);
      const pooled = await bytes(0);
      expect(pooled.equals(alone)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the store.permute task refuses a payload without the inverse permutation', async () => {
    const reg = await build(makeRows(11, 50), false);
    const s = state(reg);
    const order = Uint32Array.from({ length: s.store.rowCount }, (_, i) => i);
    const err = thrown(() => storePermuteTask({ store: s.store.toDescriptor(), order, columns: [0] } as unknown as Parameters<typeof storePermuteTask>[0]));
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('a worker that fails rejects with WORKER_FAILED naming the block-order phase', async () => {
    const reg = await build(makeRows(9, 300), false);
    const s = state(reg);
    let calls = 0;
    const failing = {
      threads: 1,
      run: () => {
        calls++;
        return Promise.reject(new KhopError('WORKER_FAILED', 'pool task store.permute failed'));
      },
    };
    const err = await applyBlockOrder(s.store, s.candidateIndex!, [s.idIndex, s.earlierIndex, s.candidateIndex!], failing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(calls).toBe(1);
    expect(isKhopError(err, 'WORKER_FAILED')).toBe(true);
    expect((err as KhopError).details?.['phase']).toBe('block-order');
  });

  it('verdicts equal an input-order register’s: own, earlier, unknown, invalid and changed claims, candidates included', async () => {
    const rows = makeRows(7, 2000);
    const a = await build(rows, true);
    const b = await build(rows, false);
    const rng = new Rng(17);
    const statuses = new Map<string, number>();
    let withCandidates = 0;
    for (let q = 0; q < 1500; q++) {
      const r = rng.pick(rows);
      const claim: Record<string, unknown> = { id: r.id, name: r.name, dob: r.dob, sex: r.sex };
      switch (rng.int(6)) {
        case 0:
          if (r.old !== '') claim.id = r.old;
          break;
        case 1:
          claim.id = r.id.slice(0, 11) + String((Number(r.id[11]) + 1) % 10);
          break;
        case 2:
          claim.id = 'x';
          break;
        case 3:
          claim.name = [rng.pick(FAMILIES), rng.pick(GIVENS)].join(' ');
          break;
        default:
      }
      const k = 1 + rng.int(8);
      const va = a.authenticate(claim, { candidates: k });
      const vb = b.authenticate(claim, { candidates: k });
      if (va.status === 'AMBIGUOUS') {
        // The tied records of an ID come in the store's row order (documented): the same
        // records, in another order.
        const byId = (x: typeof va) => ({ ...x, candidates: [...(x.candidates ?? [])].sort((p, r) => String(p.recordId).localeCompare(String(r.recordId))) });
        expect(byId(va), `claim ${q}`).toEqual(byId(vb));
      } else expect(va, `claim ${q}`).toEqual(vb);
      statuses.set(va.status, (statuses.get(va.status) ?? 0) + 1);
      if ((va.candidates?.length ?? 0) > 1) withCandidates++;
    }
    for (const st of ['VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID', 'AMBIGUOUS']) expect(statuses.get(st) ?? 0, st).toBeGreaterThan(10);
    expect(withCandidates).toBeGreaterThan(100);
  });
});
