import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AUTO_THREADS_MIN_CLAIMS, Register, defaultAuthenticateThreads } from '../../src/register/register.js';
import { openOwnPoolCount } from '../../src/register/parallel-authenticate.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { KhopPool } from '../../src/pool/pool.js';
import type { Verdict } from '../../src/register/verdict.js';
import { faultyPool } from '../pool/faulty-pool.js';
import { KhopError } from '../../src/errors.js';

const POP = { size: 3000, seed: 6, duplicateRate: 0 };
let reg: Register;
let claims: Array<Record<string, unknown>>;
let pool: KhopPool;

beforeAll(async () => {
  reg = await Register.build(vietnamesePersonSchema(), generatePopulation(POP), { idField: 'recordId' });
  claims = [...generateClaims({ register: POP, count: 2000, seed: 9 })].map((c) => ({ ...c }) as Record<string, unknown>);
  pool = KhopPool.create({ threads: 2 });
});

afterAll(async () => {
  await pool.close();
});

async function collect(it: AsyncIterable<Verdict>): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** Verdicts as plain data (a verdict crossing threads is a structured clone). */
const plain = (vs: Verdict[]) => JSON.parse(JSON.stringify(vs)) as unknown;

describe('authenticateMany on a worker pool', () => {
  it('gives the verdicts of one-by-one authenticate, in input order, on 2 threads', async () => {
    const single = claims.map((c) => reg.authenticate(c));
    const parallel = await collect(reg.authenticateMany(claims, { pool, batchSize: 128 }));
    expect(parallel).toHaveLength(claims.length);
    expect(plain(parallel)).toEqual(plain(single));
    expect(new Set(single.map((v) => v.status)).size).toBeGreaterThanOrEqual(5);
  });

  it('answers against the register as it is after a change (add, remove)', async () => {
    const first = claims.slice(0, 300);
    await collect(reg.authenticateMany(first, { pool, batchSize: 50 }));
    const victim = first.find((c) => reg.authenticate(c).status === 'VERIFIED')!;
    const before = reg.authenticate(victim);
    expect(reg.remove(before.recordId!)).toBe(true);
    const after = await collect(reg.authenticateMany([victim], { pool }));
    expect(after[0]!.status).toBe('NOT_FOUND');
    expect(plain(after)).toEqual(plain([reg.authenticate(victim)]));
  });

  it('a source that throws: every claim read before it gets its verdict, then its own error — one thread as a pool (seeded)', async () => {
    // Reference: the verdicts of the claims before the failure, one by one.
    const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const next = rng(77);
    for (let trial = 0; trial < 8; trial++) {
      const failAt = Math.floor(next() * 900);
      const batchSize = [1, 7, 50, 128][trial % 4]!;
      const sync = trial % 2 === 0;
      const boom = new Error(`source failed at ${failAt}`);
      const source = (): Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>> => {
        if (sync) {
          return (function* () {
            for (let i = 0; i < claims.length; i++) {
              if (i === failAt) throw boom;
              yield claims[i]!;
            }
          })();
        }
        return (async function* () {
          for (let i = 0; i < claims.length; i++) {
            if (i === failAt) throw boom;
            yield claims[i]!;
          }
        })();
      };
      const want = plain(claims.slice(0, failAt).map((c) => reg.authenticate(c)));
      for (const options of [{ threads: 1, batchSize }, { pool, batchSize }]) {
        const got: Verdict[] = [];
        let error: unknown;
        try {
          for await (const v of reg.authenticateMany(source(), options)) got.push(v);
        } catch (e) {
          error = e;
        }
        expect(error, `trial ${trial}`).toBe(boom);
        expect(plain(got), `trial ${trial}, ${'pool' in options ? 'pool' : 'one thread'}`).toEqual(want);
      }
    }
  });

  it('next() called again before the last one settled (Promise.all): every verdict once, in order — array, generator, async source', async () => {
    const some = claims.slice(0, 400);
    const single = plain(some.map((c) => reg.authenticate(c)));
    const sources: Array<() => Iterable<unknown> | AsyncIterable<unknown>> = [
      () => some,
      () => (function* () { yield* some; })(),
      () => (async function* () { for (const c of some) yield c; })(),
    ];
    for (const source of sources) {
      const it = reg.authenticateMany(source(), { pool, batchSize: 7 })[Symbol.asyncIterator]();
      // In waves, so that calls overlap at turns and batch hand-outs alike.
      const got: Array<IteratorResult<Verdict>> = [];
      for (let wave = 0; wave < 9; wave++) got.push(...(await Promise.all(Array.from({ length: 50 }, () => it.next()))));
      expect(plain(got.slice(0, some.length).map((r) => r.value))).toEqual(single);
      expect(got.slice(some.length).every((r) => r.done === true)).toBe(true);
    }
  });

  it('a next() made when an earlier verdict arrives comes after the calls made before it (call order), on a pool', async () => {
    const some = claims.slice(0, 600);
    const single = plain(some.map((c) => reg.authenticate(c)));
    const it = reg.authenticateMany(some, { pool, batchSize: 7 })[Symbol.asyncIterator]();
    const got: Array<IteratorResult<Verdict>> = [];
    for (;;) {
      // call order: p1, p2, then p3 (made when p1 settles)
      let p3: Promise<IteratorResult<Verdict>> | undefined;
      const p1 = it.next();
      const p3made = p1.then(() => {
        p3 = it.next();
      });
      const p2 = it.next();
      const [r1, r2] = await Promise.all([p1, p2]);
      await p3made;
      got.push(r1, r2, await p3!);
      if (got[got.length - 1]!.done === true) break;
    }
    const values = got.filter((r) => r.done !== true).map((r) => r.value);
    expect(plain(values)).toEqual(single);
  });

  it('after return(), next() is done at once — also when return() came during the first batch — and an own pool is closed', async () => {
    const before = openOwnPoolCount();
    for (const options of [{ pool, batchSize: 7 }, { threads: 3, batchSize: 7 }]) {
      const it = reg.authenticateMany(claims, options)[Symbol.asyncIterator]();
      const first = it.next();
      const returned = it.return!();
      const after = it.next();
      expect((await first).done).toBe(true);
      expect((await returned).done).toBe(true);
      expect((await after).done).toBe(true);
      for (let i = 0; i < 5; i++) expect((await it.next()).done).toBe(true);
    }
    expect(openOwnPoolCount()).toBe(before);
  });

  it('creates and closes its own pool with threads: 2', async () => {
    const some = claims.slice(0, 400);
    const got = await collect(reg.authenticateMany(some, { threads: 2, batchSize: 100 }));
    expect(plain(got)).toEqual(plain(some.map((c) => reg.authenticate(c))));
  });

  it('gives the SAME objects (key order, NaN weights, shared field verdicts) as one by one', async () => {
    const some = claims.slice(0, 700);
    const single = some.map((c) => reg.authenticate(c));
    const parallel = await collect(reg.authenticateMany(some, { pool, batchSize: 64 }));
    expect(parallel).toEqual(single);
    expect(parallel.map((v) => JSON.stringify(v))).toEqual(single.map((v) => JSON.stringify(v)));
    expect(parallel[0]!.fields.id).toBe(single[0]!.fields.id);
  });

  it('treats values of unusable types exactly as one by one (objects, arrays, booleans, functions, symbols, NaN, bigint)', async () => {
    const odd: unknown[] = [{ a: 1 }, [1, 2], true, false, () => 1, Symbol('s'), Number.NaN, Infinity, 1n, 79185001234, null, undefined, '', '  '];
    const mixed: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 120; i++) {
      const c: Record<string, unknown> = { ...claims[i]! };
      const field = ['id', 'fullName', 'dob', 'sex'][i % 4]!;
      c[field] = odd[i % odd.length];
      mixed.push(c);
    }
    // A column named like an Object.prototype key stays an ordinary value.
    mixed.push(JSON.parse('{"__proto__": "x", "id": "001090012345"}') as Record<string, unknown>);
    const single = mixed.map((c) => reg.authenticate(c));
    const parallel = await collect(reg.authenticateMany(mixed, { pool, batchSize: 32 }));
    expect(parallel).toEqual(single);
  });

  it('a claim that is not an object ends the stream with INVALID_ARGUMENT at its turn, after the verdicts before it', async () => {
    const input: unknown[] = [...claims.slice(0, 70), 'not a claim', ...claims.slice(70, 80)];
    const got: Verdict[] = [];
    await expect(
      (async () => {
        for await (const v of reg.authenticateMany(input, { pool, batchSize: 32 })) got.push(v);
      })(),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'authenticateMany: claim 70 (0-based) is not an object of fields', details: { index: 70 } });
    expect(got).toEqual(claims.slice(0, 70).map((c) => reg.authenticate(c)));
    // The one-thread path behaves the same.
    const seq: Verdict[] = [];
    await expect(
      (async () => {
        for await (const v of reg.authenticateMany(input, { batchSize: 32 })) seq.push(v);
      })(),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'authenticateMany: claim 70 (0-based) is not an object of fields', details: { index: 70 } });
    expect(seq).toEqual(got);
  });

  it('defaults to all cores only for arrays of at least AUTO_THREADS_MIN_CLAIMS claims', () => {
    expect(defaultAuthenticateThreads(new Array(AUTO_THREADS_MIN_CLAIMS), 2)).toBe(2);
    expect(defaultAuthenticateThreads(new Array(AUTO_THREADS_MIN_CLAIMS - 1), 2)).toBe(1);
    expect(defaultAuthenticateThreads(new Array(AUTO_THREADS_MIN_CLAIMS), 1)).toBe(1);
    expect(defaultAuthenticateThreads((function* () {})(), 8)).toBe(1); // a stream: length unknown
  });

  it('a worker that throws or dies mid-stream rejects the iteration with WORKER_FAILED naming the task; the pool stays usable', async () => {
    for (const mode of ['throw', 'exit'] as const) {
      const faulty = faultyPool({ task: 'register.authenticate', mode }, { threads: 1, inCallingThread: false });
      const got: Verdict[] = [];
      let error: unknown;
      try {
        for await (const v of reg.authenticateMany(claims.slice(0, 300), { pool: faulty, batchSize: 50 })) got.push(v);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'WORKER_FAILED', details: { phase: 'authenticate' } });
      expect(String((error as Error).message)).toContain('register.authenticate');
      // Only the calling thread's first batch came out — whole and correct; nothing partial after it.
      expect(got).toEqual(claims.slice(0, got.length).map((c) => reg.authenticate(c)));
      expect(got.length).toBeLessThan(300);
      const info = await faulty.run<{ isMainThread: boolean }>('pool.info', 1);
      expect(info.isMainThread).toBe(false);
      await faulty.close();
    }
  });

  it('rejects bad thread counts before reading any claim', () => {
    expect(() => reg.authenticateMany(claims, { threads: 0 })).toThrow(/threads/);
    expect(() => reg.authenticateMany(claims, { threads: null as never })).toThrow(/threads/);
  });
});

describe('claim values as they cross to a worker (packValues / packClaimBatch / unpackValues)', () => {
  it('round-trip every portable value exactly, in order (U+0000 and lone surrogates included)', async () => {
    const { packValues, unpackValues } = await import('../../src/register/parallel-authenticate.js');
    const fc = (await import('fast-check')).default;
    const value = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.string(),
      fc.constantFrom(null, undefined, false, '', '\u0000', 'a\u0000b', '\ud800'),
      fc.double(),
      fc.bigInt(),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (values, columns) => {
        values.length -= values.length % columns;
        const back = unpackValues(structuredClone(packValues(values, columns)));
        expect(back).toHaveLength(values.length);
        for (let j = 0; j < values.length; j++) expect(Object.is(back[j], values[j])).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('packClaimBatch packs exactly what packValues(packClaims) packs (one pass over the claims)', async () => {
    const { packClaimBatch, packClaims, packValues } = await import('../../src/register/parallel-authenticate.js');
    const fc = (await import('fast-check')).default;
    const fields = (reg as unknown as { s: { layout: { fields: Parameters<typeof packClaims>[1] } } }).s.layout.fields;
    const names = [...new Set(fields.flatMap((f) => [f.column, f.name]))];
    const value = fc.oneof(fc.string(), fc.constantFrom(null, undefined, true, {}, [], '\u0000'), fc.double(), fc.bigInt(), fc.func(fc.string()));
    const claim = fc.dictionary(fc.constantFrom(...names, 'other'), value);
    fc.assert(
      fc.property(fc.array(claim, { maxLength: 20 }), (batch) => {
        expect(packClaimBatch(batch, fields)).toEqual(packValues(packClaims(batch, fields), fields.length));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses packed values whose parts do not fit together (never reads them as claims)', async () => {
    const { packValues, unpackValues } = await import('../../src/register/parallel-authenticate.js');
    const p = packValues(['ab', 3, 'cde', null], 2);
    expect(p.texts).toEqual(['abcde', '']);
    expect(unpackValues(p)).toEqual(['ab', 3, 'cde', null]);
    const bad = [
      { ...p, texts: [p.texts[0] + 'x', ''] },
      { ...p, texts: [p.texts[0]!.slice(1), ''] },
      { ...p, texts: ['ab', 'cde'] },
      { ...p, texts: [p.texts[0]!, '', ''] },
      { ...p, texts: [] },
      { ...p, nums: new Float64Array(0) },
      { ...p, nums: new Float64Array(2) },
      { ...p, lengths: new Uint32Array([2, 0, 9, 0]) },
      { ...p, lengths: new Uint32Array(3) },
      { ...p, kinds: Uint8Array.of(0, 4, 0, 9) },
    ];
    for (const b of bad) expect(() => unpackValues(b)).toThrow(/do not fit/);
  });

  it('a claim whose name holds U+0000 gets the verdict of one-by-one authenticate on the pool', async () => {
    const odd = claims.slice(0, 300).map((c, i) => (i % 50 === 0 ? { ...c, fullName: `${String(c.fullName)}\u0000x` } : c));
    const single = odd.map((c) => reg.authenticate(c));
    expect(plain(await collect(reg.authenticateMany(odd, { pool, batchSize: 64 })))).toEqual(plain(single));
  });
});

describe('the worker path: claims read in place from the packed message (PackedClaimValues)', () => {
  /** A claim field value as data arrives: the claim's own, blanked, mistyped, padded, re-typed. */
  const odd = (fc: typeof import('fast-check').default, own: unknown) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(own) },
      fc.constantFrom(null, undefined, '', '   ', true, 0, -1, Number.NaN, 12345678901, 1n, {}, [], '\u0000'),
      fc.constant(typeof own === 'string' ? ` ${own} ` : own),
      fc.constant(typeof own === 'string' ? own.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))) : own),
      fc.constant(typeof own === 'string' && /^[0-9]{12}$/.test(own) ? Number(own) : own),
      fc.constant(typeof own === 'string' && /^[0-9]{12}$/.test(own) ? `9${own.slice(1)}` : own),
      fc.string({ maxLength: 14 }),
    );

  it('gives, encoded and decoded, the verdicts of one-by-one authenticate — and the same bytes as a flat array (property)', async () => {
    const fc = (await import('fast-check')).default;
    const { PackedClaimValues, packClaimBatch, packClaims } = await import('../../src/register/parallel-authenticate.js');
    const { VerdictDecoder } = await import('../../src/register/verdict-codec.js');
    const inner = reg as unknown as { s: { layout: { fields: Parameters<typeof packClaims>[1] } }; evaluator: never; candidateCount(o: undefined): number };
    const fields = inner.s.layout.fields;
    const k = inner.candidateCount(undefined);
    const claimArb = fc.integer({ min: 0, max: claims.length - 1 }).chain((i) => {
      const c = claims[i]!;
      return fc.record({ id: odd(fc, c.id), fullName: odd(fc, c.fullName), dob: odd(fc, c.dob), sex: odd(fc, c.sex) }, { requiredKeys: [] });
    });
    fc.assert(
      fc.property(fc.array(claimArb, { minLength: 1, maxLength: 24 }), (batch) => {
        const packed = structuredClone(packClaimBatch(batch, fields));
        const encoded = reg.authenticateEncoded(new PackedClaimValues(packed), batch.length, k);
        expect(encoded).toEqual(reg.authenticateEncoded(packClaims(batch, fields), batch.length, k));
        const d = new VerdictDecoder(encoded, fields.length, inner.evaluator);
        const got = batch.map(() => d.next());
        expect(plain(got)).toEqual(plain(batch.map((c) => reg.authenticate(c))));
      }),
      { numRuns: 150 },
    );
  });

  it('the worker counts each batch it is done with, answered or failed, in the shared `finished` counter', async () => {
    const { authenticateTask, packClaimBatch } = await import('../../src/register/parallel-authenticate.js');
    const inner = reg as unknown as { s: { layout: { fields: Parameters<typeof packClaimBatch>[1] } }; sharedJob(): unknown };
    const finished = new Int32Array(new SharedArrayBuffer(4));
    const context = { job: <T>(_key: string, _released: Int32Array | undefined, build: () => T): T => build(), cached: () => undefined };
    const some = claims.slice(0, 5);
    const claimsPacked = packClaimBatch(some, inner.s.layout.fields);
    const ok = await authenticateTask({ job: inner.sharedJob() as never, claims: claimsPacked, count: 5, candidates: 0, finished }, context);
    expect((ok as { count: number }).count).toBe(5);
    expect(finished[0]).toBe(1);
    const wrongCount = authenticateTask({ job: inner.sharedJob() as never, claims: claimsPacked, count: 4, candidates: 0, finished }, context);
    await expect(wrongCount).rejects.toThrow(/count × fields/);
    expect(finished[0]).toBe(2);
    const damagedText = authenticateTask({ job: inner.sharedJob() as never, claims: { ...claimsPacked, texts: claimsPacked.texts.map((t, i) => (i === 0 ? t + '!' : t)) }, count: 5, candidates: 0, finished }, context);
    await expect(damagedText).rejects.toThrow(/do not fit/);
    expect(finished[0]).toBe(3);
    const notShared = authenticateTask({ job: inner.sharedJob() as never, claims: claimsPacked, count: 5, candidates: 0, finished: new Int32Array(1) }, context);
    await expect(notShared).rejects.toThrow(/SharedArrayBuffer/);
  });

  it('a job sent by id: answered from the thread\'s cache, or MissingJob when the thread lacks it (counted finished)', async () => {
    const { authenticateTask, packClaimBatch } = await import('../../src/register/parallel-authenticate.js');
    const { TaskContext } = await import('../../src/pool/task-context.js');
    const inner = reg as unknown as { s: { layout: { fields: Parameters<typeof packClaimBatch>[1] } }; sharedJob(): { id: string; released: Int32Array } };
    const finished = new Int32Array(new SharedArrayBuffer(4));
    const context = new TaskContext();
    const job = inner.sharedJob();
    const byId = { id: job.id, released: job.released };
    const packed = packClaimBatch(claims.slice(0, 5), inner.s.layout.fields);
    expect(await authenticateTask({ job: byId, claims: packed, count: 5, candidates: 0, finished }, context)).toEqual({ missingJob: true });
    expect(finished[0]).toBe(1);
    const whole = await authenticateTask({ job: job as never, claims: packed, count: 5, candidates: 0, finished }, context);
    expect(await authenticateTask({ job: byId, claims: packed, count: 5, candidates: 0, finished }, context)).toEqual(whole);
    expect(finished[0]).toBe(3);
  });

  it('runRegisterTask sends a task again with the job whole when a worker lacks it; the cached job serves the next', async () => {
    const { AUTHENTICATE_TASK, RegisterJobSender, runRegisterTask, packClaimBatch, packClaims } = await import('../../src/register/parallel-authenticate.js');
    const inner = reg as unknown as { s: { layout: { fields: Parameters<typeof packClaimBatch>[1] } }; sharedJob(): { id: string; released: Int32Array } };
    const own = KhopPool.create({ threads: 1, inCallingThread: false });
    try {
      const job = inner.sharedJob() as never;
      const sender = new RegisterJobSender(0); // every task by id
      const some = claims.slice(0, 40);
      const expected = reg.authenticateEncoded(packClaims(some, inner.s.layout.fields), some.length, 2);
      let bounces = 0;
      for (let round = 0; round < 3; round++) {
        const payload = { job: sender.form(job), claims: packClaimBatch(some, inner.s.layout.fields), count: some.length, candidates: 2 };
        expect('meta' in payload.job).toBe(false);
        expect(await runRegisterTask(own, AUTHENTICATE_TASK, payload, job, () => bounces++)).toEqual(expected);
      }
      expect(bounces).toBe(1); // only the first: the worker keeps the job it was then sent whole
      const two = new RegisterJobSender(2);
      expect([two.form(job), two.form(job), two.form(job)].map((j) => 'meta' in j)).toEqual([true, true, false]);
    } finally {
      await own.close();
    }
  });
});

describe('authenticateMany on a worker pool over an async source that waits (R20)', () => {
  /** Yields `n` claims, then waits for more input that never comes (a queue fed by requests). */
  function waiting(n: number, onReturn: () => void): AsyncIterable<unknown> {
    let i = 0;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => (i < n ? Promise.resolve({ value: claims[i++], done: false }) : new Promise<IteratorResult<unknown>>(() => undefined)),
        return: () => {
          onReturn();
          return Promise.resolve({ value: undefined, done: true });
        },
      }),
    };
  }

  /** `it.next()`, or 'waits' when it has not settled within `ms`. */
  async function nextWithin(it: AsyncIterator<Verdict>, ms: number): Promise<IteratorResult<Verdict> | 'waits'> {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([it.next(), new Promise<'waits'>((resolve) => (timer = setTimeout(() => resolve('waits'), ms)))]);
    clearTimeout(timer);
    return r;
  }

  it('hands out every whole batch read, as one thread does, while the source waits — then return() ends it at once', async () => {
    const before = openOwnPoolCount();
    const single = claims.slice(0, 192).map((c) => reg.authenticate(c));
    for (const options of [{}, { pool }, { threads: 3 }]) {
      let returned = 0;
      const it = reg.authenticateMany(waiting(200, () => returned++), { ...options, batchSize: 64 })[Symbol.asyncIterator]();
      // Three whole batches are read (the fourth waits for claims): their verdicts come
      // (on a pool, none came until 2 × workers + 4 batches had been read).
      const got: Verdict[] = [];
      for (let i = 0; i < single.length; i++) {
        const r = await nextWithin(it, 10_000);
        expect(r).not.toBe('waits');
        got.push((r as IteratorResult<Verdict>).value);
      }
      expect(plain(got)).toEqual(plain(single));
      expect(await nextWithin(it, 200)).toBe('waits');
      // return() while a read waits on the source: it resolves, and the source is told.
      const done = await Promise.race([it.return!(), new Promise((resolve) => setTimeout(() => resolve('hangs'), 2000))]);
      expect(done).toEqual({ value: undefined, done: true });
      expect(returned).toBe(1);
    }
    expect(openOwnPoolCount()).toBe(before);
  });

  it('an async source is read ahead in the background, within 2 × workers + 4 batches of a slow consumer', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < 2000; i++) {
        pulled++;
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
        yield claims[i]!;
      }
    }
    const batchSize = 50;
    let consumed = 0;
    let maxAhead = 0;
    const out: Verdict[] = [];
    for await (const v of reg.authenticateMany(source(), { pool, batchSize })) {
      out.push(v);
      consumed++;
      maxAhead = Math.max(maxAhead, pulled - consumed);
      if (consumed % 100 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    expect(plain(out)).toEqual(plain(claims.map((c) => reg.authenticate(c))));
    expect(maxAhead).toBeLessThanOrEqual((2 * pool.threads + 4) * batchSize);
    expect(maxAhead).toBeGreaterThanOrEqual(batchSize);
  });
});

describe('authenticateMany on a worker pool: claims that throw when read, and the pool option', () => {
  it('a claim whose getter throws: every verdict before it, in order, then its error — as on one thread (seeded)', async () => {
    // Packing a batch for a worker reads every claim: the getter threw inside a macrotask turn,
    // where nothing caught it (an uncaught exception, or a next() that never settled).
    const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const next = rng(2027);
    for (let trial = 0; trial < 6; trial++) {
      const failAt = 100 + Math.floor(next() * 1800);
      const batchSize = [16, 64, 128][trial % 3]!;
      const boom = new Error(`getter failed at ${failAt}`);
      // Odd trials: only claim failAt throws, and only on its first read (a transient failure:
      // a second read must not hide it).
      const once = trial % 2 === 1;
      const makeBad = () =>
        claims.map((c, i) => {
          if (i < failAt || (once && i > failAt)) return c;
          const copy = { ...c };
          let reads = 0;
          Object.defineProperty(copy, 'fullName', { enumerable: true, get: () => { if (!once || reads++ === 0) throw boom; return c.fullName; } });
          return copy;
        });
      const want = plain(claims.slice(0, failAt).map((c) => reg.authenticate(c)));
      for (const options of [{ threads: 1, batchSize }, { pool, batchSize }, { threads: 2, batchSize }]) {
        const bad = makeBad(); // fresh getters (a once-failing one has not been read yet)
        const got: Verdict[] = [];
        let error: unknown;
        try {
          for await (const v of reg.authenticateMany(bad, options)) got.push(v);
        } catch (e) {
          error = e;
        }
        expect(error, `trial ${trial}`).toBe(boom);
        expect(plain(got), `trial ${trial}`).toEqual(want);
      }
    }
  });

  it("a claim's own error passes through unchanged, even one carrying a pool error's code", async () => {
    const own = new KhopError('WORKER_FAILED', 'my lookup service failed');
    const bad = claims.slice(0, 600).map((c, i) => (i === 300 ? Object.defineProperty({ ...c }, 'fullName', { enumerable: true, get: () => { throw own; } }) : c));
    for (const options of [{ threads: 1, batchSize: 64 }, { pool, batchSize: 64 }]) {
      let error: unknown;
      try {
        for await (const v of reg.authenticateMany(bad, options)) void v;
      } catch (e) {
        error = e;
      }
      expect(error).toBe(own);
    }
  });

  it('a pool that is not one is INVALID_OPTION at the call, for both batch APIs', async () => {
    const closed = KhopPool.create({ threads: 1 });
    await closed.close();
    for (const bad of [null, {}, 'x', { threads: 2 }, { threads: 0, run: () => undefined, close: () => undefined }, closed]) {
      expect(() => reg.authenticateMany(claims.slice(0, 3), { pool: bad as never }), String(bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      await expect(reg.authenticateAll(claims.slice(0, 3), { pool: bad as never }), String(bad)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
  });
});

describe('a register dropped after pooled calls', () => {
  it('has its shared job released once it is garbage-collected, so worker threads drop their copy of it', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // The job flags of registers used on the pool and then let go (a service loading each
    // day's snapshot): a worker keeps a job's store and indexes until its flag is set.
    const flags = await (async () => {
      const out: Int32Array[] = [];
      for (let n = 0; n < 3; n++) {
        const r = await Register.build(vietnamesePersonSchema(), generatePopulation({ ...POP, size: 500 }), { idField: 'recordId' });
        await r.authenticateAll(claims.slice(0, 600), { pool, batchSize: 256 });
        out.push((r as unknown as { sharedJobValue: { released: Int32Array } }).sharedJobValue.released);
      }
      return out;
    })();
    for (let round = 0; round < 50 && flags.some((f) => Atomics.load(f, 0) === 0); round++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(flags.map((f) => Atomics.load(f, 0))).toEqual([1, 1, 1]);
    // A register still in use keeps its job, and the pool serves it.
    const before = (reg as unknown as { sharedJobValue: { released: Int32Array } | null }).sharedJobValue;
    const table = await reg.authenticateAll(claims, { pool, batchSize: 256 });
    expect(plain(claims.map((_, i) => table.verdict(i)))).toEqual(plain(claims.map((c) => reg.authenticate(c))));
    const job = (reg as unknown as { sharedJobValue: { released: Int32Array } }).sharedJobValue;
    if (before !== null) expect(job).toBe(before);
    expect(Atomics.load(job.released, 0)).toBe(0);
  });
});

describe('authenticateMany with its own pool, dropped unfinished', () => {
  it('an iterator let go without return() has its pool closed once it is garbage-collected', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { openOwnPoolCount } = await import('../../src/register/parallel-authenticate.js');
    const before = openOwnPoolCount();
    // Held until the three pools are counted: a collection in between (the suite's other files
    // allocate too) closed some early, and the count was short.
    let held: unknown[] = [];
    await (async () => {
      for (let n = 0; n < 3; n++) {
        const it = reg.authenticateMany(claims, { threads: 2, batchSize: 64 })[Symbol.asyncIterator]();
        for (let i = 0; i < 300; i++) await it.next(); // its pool made, batches on its worker
        held.push(it);
      }
    })();
    expect(openOwnPoolCount()).toBe(before + 3);
    held = []; // let go, without return()
    for (let round = 0; round < 50 && openOwnPoolCount() > before; round++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(openOwnPoolCount()).toBe(before);
  });
});
