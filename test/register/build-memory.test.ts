import { describe, it, expect, beforeAll } from 'vitest';
import { Register } from '../../src/register/register.js';
import { MEMORY_CHECK_EVERY, MEMORY_SAMPLE_ROWS } from '../../src/register/build-memory.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { isKhopError, type KhopError } from '../../src/errors.js';

const N = 10_000;
let rows: PopulationRow[];
/** stats().bytes.total of the register built from `rows` without a budget. */
let total: number;
let reference: Register;

beforeAll(async () => {
  rows = [...generatePopulation({ size: N, seed: 8, duplicateRate: 0 })];
  reference = await Register.build(vietnamesePersonSchema(), rows, { idField: 'recordId' });
  total = reference.stats().bytes.total;
});

async function failure(p: Promise<unknown>): Promise<KhopError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(isKhopError(e, 'MEMORY_BUDGET_EXCEEDED')).toBe(true);
  return e as KhopError;
}

/** Rows whose ID is a getter that marks the row as read. */
function watched(touched: Uint8Array): PopulationRow[] {
  return rows.map((r, i) => {
    const copy = { ...r };
    Object.defineProperty(copy, 'id', {
      enumerable: true,
      get() {
        touched[i] = 1;
        return r.id;
      },
    });
    return copy;
  });
}

describe('Register.build memoryBudget', () => {
  it('array over budget: fails after its sample, before reading the rest (projection ≥ the real size)', async () => {
    const touched = new Uint8Array(N);
    const e = await failure(Register.build(vietnamesePersonSchema(), watched(touched), { idField: 'recordId', memoryBudget: total * 0.9 }));
    expect(touched.reduce((a, b) => a + b, 0)).toBe(MEMORY_SAMPLE_ROWS);
    const d = e.details as { estimate: number; budget: number };
    expect(d.budget).toBe(total * 0.9);
    // The projection errs high (transient index-build arrays), never low, and not wildly.
    expect(d.estimate).toBeGreaterThanOrEqual(total);
    expect(d.estimate).toBeLessThan(total * 1.6);
    expect(e.message).toMatch(/needs an estimated [\d.]+ MiB, over the memory budget of [\d.]+ MiB/);
    expect(e.message).not.toContain(rows[0]!.id);
  });

  it('streamed input over budget: an endless source stops as the projection crosses the budget; the source is closed', async () => {
    // More than N rows need: the stream passes N rows before the budget is hit.
    const budget = total * 1.5;
    let pulled = 0;
    let closed = false;
    async function* endless(limit = Infinity): AsyncGenerator<PopulationRow> {
      try {
        for (let i = 0; i < limit; i++) {
          pulled++;
          yield { ...rows[i % N]!, recordId: String(i) };
        }
      } finally {
        closed = true;
      }
    }
    await failure(Register.build(vietnamesePersonSchema(), endless(), { idField: 'recordId', memoryBudget: budget }));
    expect(closed).toBe(true);
    expect(pulled).toBeGreaterThan(N);
    expect(pulled % MEMORY_CHECK_EVERY).toBe(0);
    // It stopped in time: the rows read up to the previous check make a register within budget.
    const before = await Register.build(vietnamesePersonSchema(), endless(pulled - MEMORY_CHECK_EVERY), { idField: 'recordId' });
    expect(before.stats().bytes.total).toBeLessThanOrEqual(budget);
  });

  it('a budget the build fits in: array and stream build the same register as no budget', async () => {
    async function* stream(): AsyncGenerator<PopulationRow> {
      yield* rows;
    }
    const budget = total * 1.6;
    const a = await Register.build(vietnamesePersonSchema(), rows, { idField: 'recordId', memoryBudget: budget });
    const s = await Register.build(vietnamesePersonSchema(), stream(), { idField: 'recordId', memoryBudget: budget });
    expect(a.stats()).toEqual(reference.stats());
    expect(s.stats()).toEqual(reference.stats());
    expect(a.stats().bytes.total).toBeLessThanOrEqual(budget);
    const claim = { id: rows[5]!.id, fullName: rows[5]!.fullName, dob: rows[5]!.dob, sex: rows[5]!.sex };
    expect(s.authenticate(claim)).toEqual(reference.authenticate(claim));
  });

  it('a stream that fits at every check but not in the final projection fails at the end, before any index is built', async () => {
    // Fewer rows than one check interval: only the final check can refuse it.
    const few = rows.slice(0, MEMORY_CHECK_EVERY - 1);
    async function* stream(): AsyncGenerator<PopulationRow> {
      yield* few;
    }
    await failure(Register.build(vietnamesePersonSchema(), stream(), { idField: 'recordId', memoryBudget: 1024 }));
  });

  it('rejects a memoryBudget that is not a positive number (INVALID_OPTION naming it)', async () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1GB']) {
      await expect(Register.build(vietnamesePersonSchema(), rows.slice(0, 3), { memoryBudget: bad as number })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/memoryBudget/),
      });
    }
  });
});
