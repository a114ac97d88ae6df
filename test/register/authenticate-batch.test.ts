import { describe, it, expect, beforeAll } from 'vitest';
import { DEFAULT_BATCH_SIZE, Register } from '../../src/register/register.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import type { Verdict } from '../../src/register/verdict.js';
import { Rng } from '../../src/util/rng.js';

const POP = { size: 3000, seed: 5, duplicateRate: 0 };
let reg: Register;
let claims: Array<Record<string, unknown>>;

beforeAll(async () => {
  reg = await Register.build(vietnamesePersonSchema(), generatePopulation(POP), { idField: 'recordId' });
  // Synthetic claims, plus duplicates of register IDs and non-claims shuffled in by a seeded RNG.
  claims = [...generateClaims({ register: POP, count: 1500, seed: 4 })].map((c) => ({ ...c }) as Record<string, unknown>);
  const rng = new Rng(8);
  for (let i = 0; i < 200; i++) {
    const c = { ...claims[rng.int(claims.length)]! };
    if (rng.chance(0.3)) c.fullName = 'Nguyen Van ' + String.fromCharCode(65 + rng.int(26));
    claims.splice(rng.int(claims.length), 0, c);
  }
});

async function collect(it: AsyncIterable<Verdict>): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('authenticateMany', () => {
  it('gives the verdicts of one-by-one authenticate, in order (seeded), for several batch sizes', async () => {
    const single = claims.map((c) => reg.authenticate(c));
    for (const batchSize of [1, 7, 256, 8192]) {
      expect(await collect(reg.authenticateMany(claims, { batchSize }))).toEqual(single);
    }
    expect(new Set(single.map((v) => v.status)).size).toBeGreaterThanOrEqual(5);
  });

  it('an array (a synchronous source) gives the event loop a macrotask turn between batches', async () => {
    // A setImmediate callback queued at the start runs before the stream of 1,700 claims in
    // batches of 100 ends, and again between later batches — not only after the whole stream.
    let turns = 0;
    let stop = false;
    const spin = (): void => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    const atBatch: number[] = [];
    let i = 0;
    for await (const _v of reg.authenticateMany(claims, { batchSize: 100 })) {
      if (i % 100 === 0) atBatch.push(turns);
      i++;
    }
    stop = true;
    expect(i).toBe(claims.length);
    // turns went up across the batches (one per batch here, as nothing else is queued)
    expect(atBatch[atBatch.length - 1]! - atBatch[1]!).toBeGreaterThanOrEqual(atBatch.length - 3);
  });

  it('next() called again before the last one settled (Promise.all): every verdict once, in order — array, generator, async source', async () => {
    const some = claims.slice(0, 50);
    const single = some.map((c) => reg.authenticate(c));
    const sources: Array<() => Iterable<unknown> | AsyncIterable<unknown>> = [
      () => some,
      () => (function* () { yield* some; })(),
      () => (async function* () { for (const c of some) yield c; })(),
    ];
    for (const source of sources) {
      const it = reg.authenticateMany(source(), { batchSize: 7 })[Symbol.asyncIterator]();
      const got = await Promise.all(Array.from({ length: some.length + 3 }, () => it.next()));
      expect(got.slice(0, some.length).map((r) => r.value)).toEqual(single);
      expect(got.slice(some.length).every((r) => r.done === true)).toBe(true);
    }
  });

  it('reads async sources, and pulls the next batch only when the previous one is taken', async () => {
    let pulled = 0;
    async function* source() {
      for (const c of claims.slice(0, 100)) {
        pulled++;
        yield c;
      }
    }
    const it = reg.authenticateMany(source(), { batchSize: 10 })[Symbol.asyncIterator]();
    expect(pulled).toBe(0);
    const first = await it.next();
    expect(first.value).toEqual(reg.authenticate(claims[0]!));
    expect(pulled).toBe(10);
    for (let i = 1; i < 10; i++) await it.next();
    expect(pulled).toBe(10);
    await it.next();
    expect(pulled).toBe(20);
    await it.return!();
    expect((await it.next()).done).toBe(true);
  });

  it('reads DEFAULT_BATCH_SIZE claims a batch when batchSize is not given', async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < DEFAULT_BATCH_SIZE + 5; i++) {
        pulled++;
        yield claims[i % claims.length]!;
      }
    }
    const it = reg.authenticateMany(source(), { threads: 1 })[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual(reg.authenticate(claims[0]!));
    expect(pulled).toBe(DEFAULT_BATCH_SIZE);
    await it.return!();
  });

  it('sees changes made between batches, and survives a compaction inside a batch', async () => {
    const r = await Register.build(vietnamesePersonSchema(), generatePopulation({ size: 50, seed: 3, duplicateRate: 0 }), { idField: 'recordId' });
    const rows = [...generatePopulation({ size: 50, seed: 3, duplicateRate: 0 })];
    const cs = rows.map((p) => ({ id: p.id, fullName: p.fullName, dob: p.dob, sex: p.sex }));
    const it = r.authenticateMany(cs, { batchSize: 20 })[Symbol.asyncIterator]();
    const got: Verdict[] = [];
    for (let i = 0; i < 50; i++) {
      if (i === 5) {
        r.remove(rows[7]!.recordId); // same batch, later claim
        r.compact(); // renumbers index blocks under the prepared batch
      }
      if (i === 25) r.remove(rows[30]!.recordId); // a later batch
      got.push((await it.next()).value as Verdict);
    }
    expect(got[7]!.status).toBe('NOT_FOUND');
    expect(got[30]!.status).toBe('NOT_FOUND');
    expect(got.filter((v) => v.status === 'VERIFIED')).toHaveLength(48);
    expect(got.map((v) => v.recordId ?? null)).toEqual(rows.map((p, i) => (i === 7 || i === 30 ? null : p.recordId)));
  });

  it('validates at the call; a non-object claim rejects the iteration at its turn', async () => {
    expect(() => reg.authenticateMany(claims, { batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => reg.authenticateMany(3 as unknown as unknown[])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const it = reg.authenticateMany([claims[0], 'oops', claims[1]], { batchSize: 3 })[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual(reg.authenticate(claims[0]!));
    await expect(it.next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
  it('hashes the IDs of a batch in every written shape exactly as authenticate parses them (12 plain digits skip the parse)', async () => {
    const fc = (await import('fast-check')).default;
    const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const shapes = (id: string): unknown[] => [
      id, // 12 plain digits: hashed without a parse
      `9${id.slice(1)}`, // 12 digits, unknown province: hashed, never read (INVALID_ID first)
      `000${id.slice(3)}`,
      ` ${id}`,
      `${id.slice(0, 6)} ${id.slice(6)}`,
      `'${id}`,
      fullWidth(id),
      id.slice(1), // 11 digits: the leading zero restored
      Number(id),
      `${id}0`,
      `${id.slice(0, 11)}x`,
    ];
    const ids = claims.map((c) => c.id).filter((x): x is string => typeof x === 'string' && /^[0-9]{12}$/.test(x));
    expect(ids.length).toBeGreaterThan(100);
    fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: claims.length - 1 }), fc.integer({ min: 0, max: 10 })), { minLength: 1, maxLength: 30 }), async (picks) => {
        const batch = picks.map(([i, s]) => {
          const c = claims[i]!;
          const id = ids[i % ids.length]!;
          return { ...c, id: shapes(typeof c.id === 'string' && /^[0-9]{12}$/.test(c.id) ? c.id : id)[s] };
        });
        expect(await collect(reg.authenticateMany(batch, { batchSize: 8 }))).toEqual(batch.map((c) => reg.authenticate(c)));
      }),
      { numRuns: 60 },
    );
  });
  it('claims with values of unusable types, blanks and numbers among good ones: the verdicts of one-by-one authenticate (a batch prepares every claim into one object)', async () => {
    const rng = new Rng(21);
    const odd: unknown[] = [{}, true, Number.NaN, [], '', '   ', 19900501, null, undefined];
    const mixed = claims.slice(0, 600).map((c) => {
      if (!rng.chance(0.3)) return c;
      const d: Record<string, unknown> = { ...c };
      for (const k of ['id', 'fullName', 'dob', 'sex']) if (rng.chance(0.4)) d[k] = odd[rng.int(odd.length)];
      return d;
    });
    const single = mixed.map((c) => reg.authenticate(c));
    expect(await collect(reg.authenticateMany(mixed, { batchSize: 64 }))).toEqual(single);
    const table = await reg.authenticateAll(mixed, { threads: 1 });
    expect(mixed.map((_, i) => table.verdict(i))).toEqual(single);
  });

  it('a claim with a value of an unusable type marks only its own fields bad (the all-clear array is shared, never written)', async () => {
    const { PreparedClaim } = await import('../../src/register/claim.js');
    const layout = (reg as unknown as { s: { layout: ConstructorParameters<typeof PreparedClaim>[1] } }).s.layout;
    const K = layout.fields.length;
    const clean1 = new PreparedClaim({ ...claims[0]! }, layout);
    const dirty = new PreparedClaim({ ...claims[0]!, dob: {}, sex: true }, layout);
    const clean2 = new PreparedClaim({ ...claims[1]! }, layout);
    expect([...clean1.bad]).toEqual(new Array(K).fill(0));
    expect([...clean2.bad]).toEqual(new Array(K).fill(0));
    expect(clean2.bad).toBe(clean1.bad);
    expect(dirty.bad).not.toBe(clean1.bad);
    expect(layout.fields.filter((f) => dirty.bad[f.index] === 1).map((f) => f.name).sort()).toEqual(['dob', 'sex']);
  });

  it('PreparedClaim.load makes the object the new claim: every parse and memo as a fresh object for the same claim', async () => {
    const { PreparedClaim } = await import('../../src/register/claim.js');
    const layout = (reg as unknown as { s: { layout: ConstructorParameters<typeof PreparedClaim>[1] } }).s.layout;
    const f = (name: string) => layout.fields.find((x) => x.name === name)!;
    const [ID, NAME, DOB, SEX] = [f('id'), f('name'), f('dob'), f('sex')];
    const seq: Array<Record<string, unknown>> = [{ ...claims[0]!, dob: {}, sex: true }, claims[1]!, { ...claims[2]!, id: '' }, claims[3]!, claims[1]!];
    const reused = new PreparedClaim(seq[0]!, layout);
    for (const claim of seq) {
      // Fill the previous claim's parses and memos, then load the next one over them.
      reused.id(ID);
      if (reused.text[DOB.index] !== null) reused.date(DOB);
      reused.setSameDateWritten(DOB, 1, true);
      reused.load(claim, layout);
      const fresh = new PreparedClaim(claim, layout);
      expect(reused.text).toEqual(fresh.text);
      expect([...reused.bad]).toEqual([...fresh.bad]);
      expect(reused.id(ID)).toEqual(fresh.id(ID));
      expect(reused.sameDateWritten(DOB, 1)).toBe(-1);
      if (fresh.text[DOB.index] !== null) expect(reused.date(DOB)).toEqual(fresh.date(DOB));
      if (fresh.text[SEX.index] !== null) expect(reused.sex(SEX)).toBe(fresh.sex(SEX));
      if (fresh.text[NAME.index] !== null) expect(reused.name(NAME).canonical).toBe(fresh.name(NAME).canonical);
    }
  });
});
