import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRows, type PreparedDataset } from '../../src/pipeline/prepare.js';
import { bindSide, bindSharedSide, planComparisons, shareSide, type ComparisonPlan } from '../../src/pipeline/comparisons.js';
import { KhopPool } from '../../src/pool/pool.js';
import { createMatchJob, PERSON_NAME_INDEX_TASK, personNameIndexTask, POOLED_SIDE_INDEX_MIN_ROWS, releaseMatchJob, TOKEN_SET_INDEX_TASK, tokenSetIndexTask, type MatchJob, type SideIndexPool } from '../../src/pool/match-job.js';
import { computeLevels, posteriorSumBuffer, scoreAll, sumPosteriors } from '../../src/pool/parallel-match.js';
import { pairRanges, rangeStart } from '../../src/pool/pair-ranges.js';
import { PoolTraffic } from '../../src/pool/task-message.js';
import { sharedCopyUint32, sharedFloat64, sharedUint8 } from '../../src/pool/shared-arrays.js';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import { matchProbabilityFromWeight } from '../../src/score/probability.js';
import { sampleRandomPairs } from '../../src/score/random-pairs.js';
import { defineSchema, type Schema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';
import { Rng } from '../../src/util/rng.js';
import { KhopError } from '../../src/errors.js';

const schema: Schema = defineSchema({
  id: { kind: 'nationalId' },
  fullName: { kind: 'personName', locale: 'vi' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
  province: { kind: 'category' },
  address: { kind: 'text' },
});

let prepared: PreparedDataset;
let plan: ComparisonPlan;
let left: Uint32Array;
let right: Uint32Array;
let count: number;
let local: KhopPool;
let pool: KhopPool;

beforeAll(async () => {
  prepared = await prepareRows([generatePopulation({ size: 900, seed: 21 })], schema, { idField: 'recordId' });
  plan = planComparisons(schema, prepared.nameGroups, { dictionaries: prepared.dictionaries });
  const random = sampleRandomPairs(7000, prepared.store.rowCount, 3);
  count = random.count;
  left = sharedCopyUint32(random.left, count);
  right = sharedCopyUint32(random.right, count);
  local = KhopPool.create({ threads: 1 });
  pool = KhopPool.create({ threads: 2 });
});
afterAll(async () => {
  await local.close();
  await pool.close();
});

function job(p: KhopPool): Promise<MatchJob> {
  return createMatchJob(p.nextJobId(), schema.fields, prepared.nameGroups, prepared.dictionaries, prepared.store, plan);
}

describe('shareSide / bindSharedSide', () => {
  it('binds the same values as bindSide, numeric columns on shared memory', () => {
    const d = shareSide(prepared.store, plan);
    expect(d.int32.map(([c]) => c).sort()).toEqual(['dob.date', 'dob.dateTyped', 'province.cat']);
    expect(d.uint8.map(([c]) => c)).toEqual(['sex.sex']);
    for (const [, a] of [...d.int32, ...d.uint8]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    const a = bindSide(prepared.store);
    const b = bindSharedSide(structuredClone(d));
    expect(Array.from(b.int32('dob.date'))).toEqual(Array.from(a.int32('dob.date')));
    expect(Array.from(b.int32('dob.dateTyped'))).toEqual(Array.from(a.int32('dob.dateTyped')));
    expect(Array.from(b.uint8('sex.sex'))).toEqual(Array.from(a.uint8('sex.sex')));
  });
});

describe('createMatchJob on a pool', () => {
  it('builds the token-set and person-name indexes on workers meanwhile: the same side as the calling thread builds', async () => {
    const big = await prepareRows([generatePopulation({ size: POOLED_SIDE_INDEX_MIN_ROWS, seed: 5 })], schema, { idField: 'recordId' });
    const bigPlan = planComparisons(schema, big.nameGroups, { dictionaries: big.dictionaries });
    expect(bigPlan.tokenSetColumns).toEqual(['address.fold']);
    expect(bigPlan.namePrefixes).toEqual(['fullName']);
    const tasks: string[] = [];
    const counting: SideIndexPool = { threads: pool.threads, run: (task, payload) => (tasks.push(task), pool.run(task, payload)) };
    const pooled = await createMatchJob(pool.nextJobId(), schema.fields, big.nameGroups, big.dictionaries, big.store, bigPlan, counting);
    expect(tasks).toEqual([TOKEN_SET_INDEX_TASK, PERSON_NAME_INDEX_TASK]);
    const here = shareSide(big.store, bigPlan);
    const side = pooled.shared.side;
    const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(side.tokenSets!.map(([c]) => c)).toEqual(['address.fold']);
    const [x, y] = [side.tokenSets![0]![1], here.tokenSets![0]![1]];
    expect(x.ids.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(x.rowCount).toBe(big.store.rowCount);
    expect(bytes(x.starts).equals(bytes(y.starts))).toBe(true);
    expect(bytes(x.ids).equals(bytes(y.ids))).toBe(true);
    // The person-name index a worker built: every array byte for byte the calling thread's.
    expect(side.names!.map(([p]) => p)).toEqual(['fullName']);
    const [nx, ny] = [side.names![0]![1], here.names![0]![1]];
    expect(nx.rows.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([nx.rowCount, nx.valueCount]).toEqual([ny.rowCount, ny.valueCount]);
    for (const k of ['rows', 'units', 'offsets', 'sig', 'flags'] as const) expect(bytes(nx[k]).equals(bytes(ny[k])), k).toBe(true);
    // The rest of the side as the calling thread alone describes it.
    expect(side.int32.map(([c]) => c)).toEqual(here.int32.map(([c]) => c));
    releaseMatchJob(pooled);
    // A one-thread pool, or a small store: built in the calling thread, no task.
    tasks.length = 0;
    const oneThread: SideIndexPool = { threads: 1, run: counting.run };
    const local = await createMatchJob(pool.nextJobId(), schema.fields, big.nameGroups, big.dictionaries, big.store, bigPlan, oneThread);
    expect(tasks).toEqual([]);
    expect(Array.from(local.shared.side.tokenSets![0]![1].ids)).toEqual(Array.from(y.ids));
    expect(Array.from(local.shared.side.names![0]![1].rows)).toEqual(Array.from(ny.rows));
    releaseMatchJob(local);
    tasks.length = 0;
    const small = await createMatchJob(pool.nextJobId(), schema.fields, prepared.nameGroups, prepared.dictionaries, prepared.store, plan, counting);
    expect(tasks).toEqual([]);
    expect(small.shared.side.tokenSets!.map(([c]) => c)).toEqual(['address.fold']);
    expect(small.shared.side.names!.map(([p]) => p)).toEqual(['fullName']);
    releaseMatchJob(small);
  });

  it('a worker that fails building an index rejects the job, named after the compare phase, once every task has settled', async () => {
    const big = await prepareRows([generatePopulation({ size: POOLED_SIDE_INDEX_MIN_ROWS, seed: 6 })], schema, { idField: 'recordId' });
    const bigPlan = planComparisons(schema, big.nameGroups, { dictionaries: big.dictionaries });
    const failing: SideIndexPool = { threads: 2, run: () => Promise.reject(new KhopError('WORKER_FAILED', 'task match.tokenSetIndex failed')) };
    await expect(createMatchJob(pool.nextJobId(), schema.fields, big.nameGroups, big.dictionaries, big.store, bigPlan, failing)).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringMatching(/^compare phase: /),
    });
    // One index fails at once, the other is still being built: the job waits for it before rejecting.
    let settled = false;
    const oneFails: SideIndexPool = {
      threads: 2,
      run: (task, payload) =>
        task === TOKEN_SET_INDEX_TASK
          ? Promise.reject(new KhopError('WORKER_FAILED', 'task match.tokenSetIndex failed'))
          : pool.run<never>(task, payload).finally(() => (settled = true)),
    };
    await expect(createMatchJob(pool.nextJobId(), schema.fields, big.nameGroups, big.dictionaries, big.store, bigPlan, oneFails)).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    expect(settled).toBe(true);
  });

  it('the tasks refuse a payload without a store or a column / prefix', () => {
    expect(() => tokenSetIndexTask({ column: 'address.fold' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => tokenSetIndexTask(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => personNameIndexTask({ prefix: 'fullName' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^match\.personNameIndex: .*prefix/) }));
    expect(() => personNameIndexTask({ store: shareSide(prepared.store, plan).store, prefix: 7 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('computeLevels', () => {
  it('equals plan.compute in the calling thread (oracle), for 1 and 2 threads', async () => {
    const side = bindSide(prepared.store);
    const expected = plan.specs.map(() => new Uint8Array(count));
    plan.compute(side, side, left, right, 0, count, expected, 0);
    for (const p of [local, pool]) {
      const j = await job(p);
      const traffic = new PoolTraffic();
      const levels = plan.specs.map(() => sharedUint8(count));
      const seen: number[] = [];
      await computeLevels({ pool: p, job: j, traffic }, 'compare', left, right, count, levels, (d) => seen.push(d));
      releaseMatchJob(j);
      levels.forEach((col, k) => expect(Array.from(col)).toEqual(Array.from(expected[k]!)));
      expect(seen[seen.length - 1]).toBe(count);
      expect(traffic.messages).toBe(Math.min(pairRanges(count).ranges, p.threads * 4));
      // Only the job description and a few numbers are copied: far less than the pairs.
      expect(traffic.argBytes).toBeLessThan(traffic.messages * 2048);
    }
  });

  it('writes nothing outside [0, count)', async () => {
    const j = await job(pool);
    const levels = plan.specs.map(() => {
      const c = sharedUint8(count + 10);
      c.fill(0xee);
      return c;
    });
    await computeLevels({ pool, job: j }, 'compare', left, right, count - 5, levels);
    for (const c of levels) {
      for (let i = count - 5; i < count + 10; i++) expect(c[i]).toBe(0xee);
    }
  });
});

describe('scoreAll and sumPosteriors', () => {
  let levels: Uint8Array[];
  let model: FellegiSunterModel;
  beforeAll(async () => {
    levels = plan.specs.map(() => sharedUint8(count));
    await computeLevels({ pool: local, job: await job(local) }, 'compare', left, right, count, levels);
    const rng = new Rng(5);
    const table = () =>
      plan.specs.map((s) => {
        const w = s.levels.map((_, l) => (l === 0 ? 0 : 0.05 + rng.next()));
        const sum = w.reduce((a, b) => a + b, 0);
        return w.map((x) => x / sum);
      });
    model = new FellegiSunterModel(plan.specs, { prior: 0.001, m: table(), u: table() });
  });

  it("scoreAll equals model.scorePairs with per-pair tf copied from the left row (oracle), bit for bit", async () => {
    const n = prepared.store.rowCount;
    const tfRows = plan.tfColumns.map((c, k) => {
      if (c === null) return undefined;
      const t = sharedFloat64(n);
      for (let i = 0; i < n; i++) t[i] = i % 3 === 0 ? 0 : ((i * 7 + k) % 101) / 1000 + 1e-4;
      return t;
    });
    expect(tfRows.some((t) => t !== undefined)).toBe(true);
    // The oracle: the per-pair column the compare phase used to write, scored per pair.
    const tfPairs = tfRows.map((t) => (t === undefined ? undefined : Float64Array.from(left.subarray(0, count), (row) => t[row]!)));
    const expected = new Float64Array(count);
    model.scorePairs(levels, count, expected, tfPairs);
    const withoutTf = new Float64Array(count);
    model.scorePairs(levels, count, withoutTf);
    expect(Array.from(expected)).not.toEqual(Array.from(withoutTf)); // the tf adjustments bite
    for (const p of [local, pool]) {
      const out = sharedFloat64(count);
      await scoreAll({ pool: p, job: await job(p) }, 'score', model, levels, tfRows, left, count, out);
      expect(Array.from(out)).toEqual(Array.from(expected));
    }
  });

  it('sumPosteriors adds per-range sums in range order (oracle), the same for 1 and 2 threads', async () => {
    const evidence = sharedFloat64(count);
    model.scorePairs(levels, count, evidence);
    const logit = -7.25;
    const r = pairRanges(count);
    expect(r.ranges).toBeGreaterThan(1);
    let expected = 0;
    let plain = 0;
    for (let g = 0; g < r.ranges; g++) {
      let s = 0;
      for (let i = rangeStart(r, g); i < rangeStart(r, g + 1); i++) s += matchProbabilityFromWeight(evidence[i]! + logit);
      expected += s;
    }
    // the textbook 2^w / (1 + 2^w), in input order: equal up to rounding
    for (let i = 0; i < count; i++) plain += 1 / (1 + 2 ** -(evidence[i]! + logit));
    const a = await sumPosteriors({ pool: local, job: await job(local) }, 'train', evidence, count, logit, posteriorSumBuffer(count));
    const b = await sumPosteriors({ pool, job: await job(pool) }, 'train', evidence, count, logit, posteriorSumBuffer(count));
    expect(a).toBe(expected);
    expect(b).toBe(expected);
    expect(a).toBeCloseTo(plain, 9);
  });
});
