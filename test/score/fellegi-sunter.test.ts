import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import type { FellegiSunterModelJson } from '../../src/score/model-json.js';
import type { ComparisonSpec } from '../../src/score/comparison-spec.js';
import { PROBABILITY_EPSILON, MAX_LEVEL_WEIGHT } from '../../src/score/probability.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

const SPECS: ComparisonSpec[] = [
  { name: 'given', levels: [{ label: 'null', null: true }, { label: 'exact', tf: true }, { label: 'close' }, { label: 'else' }] },
  { name: 'dob', levels: [{ label: 'null', null: true }, { label: 'exact' }, { label: 'else' }] },
];
const PARAMS = {
  prior: 0.2,
  m: [
    [0, 0.9, 0.05, 0.05],
    [0, 0.9, 0.1],
  ],
  u: [
    [0, 0.05, 0.15, 0.8],
    [0, 0.05, 0.95],
  ],
};

function expectKhop(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(isKhopError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error('expected a KhopError');
}

describe('FellegiSunterModel: known answers', () => {
  const model = new FellegiSunterModel(SPECS, PARAMS);

  it('prior weight, level weights and probability', () => {
    expect(model.priorWeight).toBe(-2); // log2(0.2 / 0.8)
    expect(model.levelWeight(0, 1)).toBeCloseTo(Math.log2(18), 14);
    expect(model.levelWeight(1, 2)).toBeCloseTo(Math.log2(0.1 / 0.95), 14);
    const e = model.explain([1, 0]);
    // odds = 0.25 × 18 = 4.5 → p = 4.5 / 5.5
    expect(e.total).toBeCloseTo(-2 + Math.log2(18), 14);
    expect(e.probability).toBeCloseTo(4.5 / 5.5, 14);
    expect(e.fields[1]).toEqual({ comparison: 'dob', level: 0, label: 'null', m: null, u: null, weight: 0, termFrequency: 0, tfAdjustment: 0 });
    expect(e.fields[0]).toMatchObject({ comparison: 'given', level: 1, label: 'exact', m: 0.9, u: 0.05 });
  });

  it('no level weighs more than the exact one: a looser agreement with a larger m/u is capped at the exact weight (property)', () => {
    const rng = new Rng(23);
    for (let t = 0; t < 300; t++) {
      const L = 3 + rng.int(5);
      const spec: ComparisonSpec = { name: 'x', levels: [{ label: 'null', null: true }, { label: 'exact', tf: true }, ...Array.from({ length: L - 2 }, (_, i) => ({ label: `l${i}`, ...(i === 0 && L > 3 ? { tf: true } : {}) }))] };
      const draw = (): number[] => {
        const v = Array.from({ length: L - 1 }, () => 0.001 + rng.next());
        const sum = v.reduce((a, b) => a + b, 0);
        return [0, ...v.map((x) => x / sum)];
      };
      const m = draw();
      const u = draw();
      const model = new FellegiSunterModel([spec, SPECS[1]!], { prior: 0.1, m: [m, PARAMS.m[1]!], u: [u, PARAMS.u[1]!] });
      const exact = Math.log2(m[1]! / u[1]!);
      expect(model.levelWeight(0, 1)).toBeCloseTo(exact, 12);
      for (let l = 2; l < L; l++) {
        const raw = Math.log2(m[l]! / u[l]!);
        expect(model.levelWeight(0, l)).toBeCloseTo(Math.min(raw, exact), 12);
        // with a term frequency, the later tf level is adjusted as the exact one is: never above it
        if (l === 2 && L > 3) {
          const tf = 0.0001 + rng.next() * 0.2;
          const ex = model.explain([1, 1], [tf, 0]);
          const lo = model.explain([l, 1], [tf, 0]);
          expect(lo.total).toBeLessThanOrEqual(ex.total + 1e-12);
        }
      }
    }
  });

  it('lays weights out at (k << 8) | level with NaN padding', () => {
    expect(model.stride).toBe(256);
    expect(model.weights.length).toBe(2 * 256);
    expect(model.weights[0]).toBe(0);
    expect(model.weights[256]).toBe(0);
    expect(model.weights[256 + 1]).toBe(model.levelWeight(1, 1));
    expect(model.weights[4]).toBeNaN();
    expect(model.weights[256 + 3]).toBeNaN();
    expect(model.weights[255]).toBeNaN();
  });

  it('clamps m = 0 and u = 1 to finite weights', () => {
    const m = new FellegiSunterModel(SPECS, { ...PARAMS, m: [[0, 1, 0, 0], [0, 1, 0]], u: [[0, 0, 0, 1], [0, 0.5, 0.5]] });
    expect(m.levelWeight(0, 1)).toBeCloseTo(MAX_LEVEL_WEIGHT, 9);
    expect(m.levelWeight(0, 3)).toBeCloseTo(-MAX_LEVEL_WEIGHT, 9);
    expect(Number.isFinite(m.levelWeight(0, 2))).toBe(true);
    expect(m.mProbability(0, 2)).toBe(PROBABILITY_EPSILON);
    expect(MAX_LEVEL_WEIGHT).toBeCloseTo(30, 6);
  });

  it('default m is a decreasing starting point that sums to 1', () => {
    const d = new FellegiSunterModel(SPECS, { prior: 0.01, u: PARAMS.u });
    const m = d.parameters().m;
    expect(m[1]).toEqual([0, 0.8, 0.2]);
    expect(m[0]![1]).toBeGreaterThan(m[0]![2]!);
    expect(m[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('is isolated from later mutation of its inputs', () => {
    const specs = structuredClone(SPECS);
    const params = structuredClone(PARAMS);
    const a = new FellegiSunterModel(specs, params);
    (specs[0]!.levels[1] as { label: string }).label = 'changed';
    params.m[0]![1] = 0.5;
    expect(a.comparisons[0]!.levels[1]!.label).toBe('exact');
    expect(a.mProbability(0, 1)).toBe(0.9);
  });
});

describe('FellegiSunterModel.scorePairs', () => {
  const model = new FellegiSunterModel(SPECS, PARAMS);

  it('equals explain().total bit for bit on random models and pairs (with tf)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 5000 }), (seed, count) => {
        const rng = new Rng(seed);
        const K = 1 + rng.int(5);
        const specs: ComparisonSpec[] = [];
        const m: number[][] = [];
        const u: number[][] = [];
        for (let k = 0; k < K; k++) {
          const L = 3 + rng.int(4);
          specs.push({
            name: `c${k}`,
            levels: Array.from({ length: L }, (_, l) => ({ label: `l${l}`, null: l === 0 ? true : undefined, tf: l === 1 && k % 2 === 0 ? true : undefined })),
          });
          const norm = (xs: number[]): number[] => {
            const s = xs.reduce((a, b) => a + b, 0);
            return [0, ...xs.map((x) => x / s)];
          };
          m.push(norm(Array.from({ length: L - 1 }, () => rng.next() + 1e-3)));
          u.push(norm(Array.from({ length: L - 1 }, () => rng.next() + 1e-3)));
        }
        const fs = new FellegiSunterModel(specs, { prior: 0.001 + 0.99 * rng.next(), m, u });
        const levels = specs.map((c) => Uint8Array.from({ length: count }, () => rng.int(c.levels.length)));
        const tf = specs.map((_, k) => (k % 2 === 0 ? Float64Array.from({ length: count }, () => (rng.chance(0.3) ? 0 : rng.next() ** 4)) : undefined));
        const out = new Float64Array(count);
        fs.scorePairs(levels, count, out, tf);
        for (let i = 0; i < count; i += 1 + rng.int(50)) {
          const e = fs.explain(
            levels.map((c) => c[i]!),
            tf.map((t) => t?.[i]),
          );
          if (!Object.is(e.total, out[i])) return false;
        }
        // Per-ROW tf with rowOf gives the same scores, bit for bit, as the gathered per-pair column.
        const rows = 1 + rng.int(count);
        const tfRows = specs.map((_, k) => (k % 2 === 0 ? Float64Array.from({ length: rows }, () => (rng.chance(0.3) ? 0 : rng.next() ** 4)) : undefined));
        const rowOf = Uint32Array.from({ length: count }, () => rng.int(rows));
        const gathered = tfRows.map((t) => (t === undefined ? undefined : Float64Array.from(rowOf, (r) => t[r]!)));
        const a = new Float64Array(count);
        const b = new Float64Array(count);
        fs.scorePairs(levels, count, a, gathered);
        fs.scorePairs(levels, count, b, tfRows, rowOf);
        for (let i = 0; i < count; i++) if (!Object.is(a[i], b[i])) return false;
        return true;
      }),
      { numRuns: 40 },
    );
  });

  it('rowOf: must be a Uint32Array of length ≥ count; a bad per-row tf is reported for the pair', () => {
    const specs: ComparisonSpec[] = [{ name: 'name', levels: [{ label: 'missing', null: true }, { label: 'exact', tf: true }, { label: 'else' }] }];
    const model = new FellegiSunterModel(specs, { prior: 0.01, m: [[0, 0.9, 0.1]], u: [[0, 0.01, 0.99]] });
    const levels = [Uint8Array.of(1, 1, 2)];
    const tf = [Float64Array.of(0.5, 0.01)];
    expectKhop(() => model.scorePairs(levels, 3, new Float64Array(3), tf, Uint32Array.of(0, 1)), 'INVALID_ARGUMENT');
    expectKhop(() => model.scorePairs(levels, 3, new Float64Array(3), tf, [0, 1, 0] as unknown as Uint32Array), 'INVALID_ARGUMENT');
    const out = new Float64Array(3);
    model.scorePairs(levels, 3, out, tf, Uint32Array.of(1, 0, 1));
    expect(out[0]).toBeCloseTo(model.explain([1], [0.01]).total, 12);
    expect(out[1]).toBeCloseTo(model.explain([1], [0.5]).total, 12);
    expect(out[2]).toBe(model.explain([2]).total); // not a tf level: the row's tf is not read
    expectKhop(() => model.scorePairs(levels, 3, new Float64Array(3), [Float64Array.of(0.5, 1.5)], Uint32Array.of(0, 1, 0)), 'INVALID_ARGUMENT');
  });

  it('scores only the first count pairs and leaves the rest of out alone', () => {
    const levels = [Uint8Array.of(1, 3, 0, 2), Uint8Array.of(1, 2, 0, 9)];
    const out = new Float64Array(4).fill(-99);
    model.scorePairs(levels, 3, out);
    expect(out[2]).toBe(model.priorWeight);
    expect(out[3]).toBe(-99);
    expect(out[0]).toBe(model.priorWeight + model.levelWeight(0, 1) + model.levelWeight(1, 1));
  });

  it('throws on a level out of range, naming the pair and comparison, never a plausible score', () => {
    const levels = [new Uint8Array(5000).fill(1), new Uint8Array(5000).fill(1)];
    levels[1]![4321] = 3; // dob has levels 0..2
    try {
      model.scorePairs(levels, 5000, new Float64Array(5000));
      throw new Error('no throw');
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toContain('pair 4321');
      expect((e as Error).message).toContain('"dob"');
    }
  });

  it('rejects wrong shapes', () => {
    const ok = [new Uint8Array(3), new Uint8Array(3)];
    expectKhop(() => model.scorePairs([ok[0]!], 3, new Float64Array(3)), 'INVALID_ARGUMENT');
    expectKhop(() => model.scorePairs(ok, 4, new Float64Array(4)), 'INVALID_ARGUMENT');
    expectKhop(() => model.scorePairs(ok, 3, new Float64Array(2)), 'INVALID_ARGUMENT');
    expectKhop(() => model.scorePairs(ok, 1.5, new Float64Array(3)), 'INVALID_ARGUMENT');
    expectKhop(() => model.scorePairs(ok, 3, new Float64Array(3), [undefined, new Float64Array(3)]), 'INVALID_ARGUMENT'); // dob has no tf level
    expectKhop(() => model.scorePairs(ok, 3, new Float64Array(3), [new Float64Array(2)]), 'INVALID_ARGUMENT');
  });
});

describe('FellegiSunterModel: term-frequency adjustments', () => {
  const model = new FellegiSunterModel(SPECS, PARAMS);
  const levels = [Uint8Array.of(1, 1, 1, 1, 2, 1), Uint8Array.of(1, 1, 1, 1, 1, 1)];
  const tf = [Float64Array.of(0.3, 0.001, 0, 1e-9, 0.3, 0.05), undefined];

  it('a common shared value scores below a rare one; 0 = no adjustment; floor at minTermFrequency', () => {
    const out = new Float64Array(6);
    model.scorePairs(levels, 6, out, tf);
    const base = model.priorWeight + model.levelWeight(0, 1) + model.levelWeight(1, 1);
    expect(out[0]).toBeCloseTo(base + Math.log2(0.05 / 0.3), 12); // common: negative
    expect(out[1]).toBeCloseTo(base + Math.log2(0.05 / 0.001), 12); // rare: positive
    expect(out[0]!).toBeLessThan(base);
    expect(out[1]!).toBeGreaterThan(base);
    expect(out[2]).toBe(base);
    expect(out[3]).toBeCloseTo(base + Math.log2(0.05 / 1e-6), 12); // floored
    expect(out[5]).toBeCloseTo(base, 12); // tf = u: no change
    // level 2 (close) is not a tf level: the tf value is ignored
    expect(out[4]).toBe(model.priorWeight + model.levelWeight(0, 2) + model.levelWeight(1, 1));
    const e = model.explain([1, 1], [0.3]);
    expect(e.fields[0]!.tfAdjustment).toBeCloseTo(Math.log2(0.05 / 0.3), 12);
    expect(e.total).toBe(out[0]);
  });

  it('a later tf level (folded-equal) is adjusted against the exact level\'s u, as Splink does — not its own', () => {
    // Seeded: random m, u and tf; the adjustment on every tf level is log2(u_exact / tf), so an
    // accent-only difference keeps its level weight on a value of average frequency.
    const specs: ComparisonSpec[] = [{ name: 'given', levels: [{ label: 'missing', null: true }, { label: 'exact', tf: true }, { label: 'folded-equal', tf: true }, { label: 'phonetic' }, { label: 'else' }] }];
    let seed = 7;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 50; trial++) {
      const u = [0, 0.01 + 0.2 * rnd(), 1e-6 + 1e-3 * rnd(), 0.01 * rnd() + 1e-4, 0];
      u[4] = 1 - u[1]! - u[2]! - u[3]!;
      const m = [0, 0.5 + 0.3 * rnd(), 0.05 * rnd() + 0.01, 0.05, 0];
      m[4] = 1 - m[1]! - m[2]! - m[3]!;
      const fs = new FellegiSunterModel(specs, { prior: 0.01, m: [m], u: [u] });
      const tf = 1e-4 + 0.3 * rnd();
      for (const level of [1, 2]) {
        const e = fs.explain([level], [tf]);
        expect(e.fields[0]!.tfAdjustment).toBeCloseTo(Math.log2(u[1]! / tf), 10);
        const out = new Float64Array(1);
        fs.scorePairs([Uint8Array.of(level)], 1, out, [Float64Array.of(tf)]);
        expect(out[0]).toBe(e.total);
      }
      // A value as common as the average agreeing one (tf = u_exact): the folded level keeps its weight.
      expect(fs.explain([2], [u[1]!]).fields[0]!.tfAdjustment).toBeCloseTo(0, 10);
      expect(fs.explain([3], [tf]).fields[0]!.tfAdjustment).toBe(0); // not a tf level
    }
  });

  it('throws on a tf value outside [0, 1] rather than scoring it', () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      expectKhop(() => model.scorePairs([Uint8Array.of(1), Uint8Array.of(1)], 1, new Float64Array(1), [Float64Array.of(bad)]), 'INVALID_ARGUMENT');
      expectKhop(() => model.explain([1, 1], [bad]), 'INVALID_ARGUMENT');
    }
  });
});

describe('FellegiSunterModel JSON', () => {
  const model = new FellegiSunterModel(SPECS, { ...PARAMS, prior: 1e-7, minTermFrequency: 1e-5 });

  it('round-trips exactly through JSON text', () => {
    const text = JSON.stringify(model);
    const back = FellegiSunterModel.fromJSON(JSON.parse(text));
    expect(back.toJSON()).toEqual(model.toJSON());
    expect(Array.from(back.weights).map(String)).toEqual(Array.from(model.weights).map(String));
    expect(back.priorWeight).toBe(model.priorWeight);
    expect(back.minTermFrequency).toBe(1e-5);
    const j = model.toJSON();
    expect(j.format).toBe('khop.fellegi-sunter');
    expect(j.version).toBe(1);
    expect(j.comparisons[0]!.levels[0]).toEqual({ label: 'null', null: true });
    expect(j.comparisons[0]!.levels[1]).toEqual({ label: 'exact', tf: true, m: 0.9, u: 0.05 });
  });

  it('round-trips clamped values exactly', () => {
    const m = new FellegiSunterModel(SPECS, { ...PARAMS, m: [[0, 1, 0, 0], [0, 1, 0]] });
    const back = FellegiSunterModel.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(back.toJSON()).toEqual(m.toJSON());
  });

  const good = (): Record<string, any> => JSON.parse(JSON.stringify(model.toJSON()));
  const cases: Array<[string, (j: Record<string, any>) => unknown]> = [
    ['not an object', () => 'model'],
    ['an array', () => []],
    ['null', () => null],
    ['wrong format', (j) => ((j.format = 'splink'), j)],
    ['wrong version', (j) => ((j.version = 2), j)],
    ['NaN prior', (j) => ((j.prior = Number.NaN), j)],
    ['prior 0', (j) => ((j.prior = 0), j)],
    ['prior 1', (j) => ((j.prior = 1), j)],
    ['prior as string', (j) => ((j.prior = '0.1'), j)],
    ['minTermFrequency 0', (j) => ((j.minTermFrequency = 0), j)],
    ['missing minTermFrequency', (j) => (delete j.minTermFrequency, j)],
    ['unknown top-level field', (j) => ((j.lambda = 0.1), j)],
    ['no comparisons', (j) => ((j.comparisons = []), j)],
    ['comparisons not an array', (j) => ((j.comparisons = {}), j)],
    ['duplicate comparison names', (j) => ((j.comparisons[1].name = 'given'), j)],
    ['levels not an array', (j) => ((j.comparisons[0].levels = 'x'), j)],
    ['too few levels', (j) => (j.comparisons[1].levels.splice(1, 1), j)],
    ['null level not first', (j) => ((j.comparisons[1].levels[0] = { label: 'x', m: 0, u: 0 }), j)],
    ['second null level', (j) => ((j.comparisons[1].levels[1].null = true), j)],
    ['m/u on the null level', (j) => ((j.comparisons[1].levels[0].m = 0.5), j)],
    ['missing m', (j) => (delete j.comparisons[1].levels[1].m, j)],
    ['NaN u', (j) => ((j.comparisons[1].levels[1].u = Number.NaN), j)],
    ['negative m', (j) => ((j.comparisons[1].levels[1].m = -0.1), (j.comparisons[1].levels[2].m = 1.1), j)],
    ['m not summing to 1', (j) => ((j.comparisons[1].levels[1].m = 0.5), j)],
    ['u not summing to 1', (j) => ((j.comparisons[0].levels[3].u = 0.1), j)],
    ['tf on the else level', (j) => ((j.comparisons[1].levels[2].tf = true), j)],
    ['tf not boolean', (j) => ((j.comparisons[0].levels[1].tf = 1), j)],
    ['duplicate labels', (j) => ((j.comparisons[1].levels[2].label = 'exact'), j)],
    ['empty label', (j) => ((j.comparisons[1].levels[2].label = ''), j)],
    ['unknown level field', (j) => ((j.comparisons[1].levels[1].weight = 3), j)],
    ['unknown comparison field', (j) => ((j.comparisons[1].column = 'dob'), j)],
  ];
  it.each(cases)('rejects %s with INVALID_ARGUMENT', (_name, mutate) => {
    expectKhop(() => FellegiSunterModel.fromJSON(mutate(good())), 'INVALID_ARGUMENT');
  });

  it('collects every problem in details', () => {
    const j = good();
    j.prior = -1;
    j.comparisons[1].levels[1].m = 'x';
    try {
      FellegiSunterModel.fromJSON(j as FellegiSunterModelJson);
    } catch (e) {
      expect((e as { details: { problems: string[] } }).details.problems.length).toBeGreaterThanOrEqual(2);
      return;
    }
    throw new Error('no throw');
  });
});

describe('FellegiSunterModel: constructor validation', () => {
  it.each<[string, () => unknown]>([
    ['u missing', () => new FellegiSunterModel(SPECS, { prior: 0.1 } as never)],
    ['u wrong count', () => new FellegiSunterModel(SPECS, { ...PARAMS, u: [PARAMS.u[0]!] })],
    ['u row wrong length', () => new FellegiSunterModel(SPECS, { ...PARAMS, u: [PARAMS.u[0]!, [0, 1]] })],
    ['null entry not 0', () => new FellegiSunterModel(SPECS, { ...PARAMS, m: [PARAMS.m[0]!, [0.1, 0.9, 0.1]] })],
    ['prior NaN', () => new FellegiSunterModel(SPECS, { ...PARAMS, prior: Number.NaN })],
    ['minTermFrequency > 1', () => new FellegiSunterModel(SPECS, { ...PARAMS, minTermFrequency: 2 })],
    ['no comparisons', () => new FellegiSunterModel([], { ...PARAMS, m: [], u: [] })],
    ['null level not marked', () => new FellegiSunterModel([{ name: 'a', levels: [{ label: 'n' }, { label: 'e' }, { label: 'x' }] }], { prior: 0.1, u: [[0, 0.5, 0.5]] })],
  ])('rejects %s', (_n, fn) => expectKhop(fn, 'INVALID_ARGUMENT'));

  it('explain and accessors reject bad levels', () => {
    const model = new FellegiSunterModel(SPECS, PARAMS);
    expectKhop(() => model.explain([1]), 'INVALID_ARGUMENT');
    expectKhop(() => model.explain([1, 3]), 'INVALID_ARGUMENT');
    expectKhop(() => model.explain([1.5, 1]), 'INVALID_ARGUMENT');
    expectKhop(() => model.mProbability(0, 0), 'INVALID_ARGUMENT');
    expectKhop(() => model.uProbability(2, 1), 'INVALID_ARGUMENT');
  });

  it('withParameters replaces only what it is given', () => {
    const model = new FellegiSunterModel(SPECS, PARAMS);
    const b = model.withParameters({ prior: 0.5 });
    expect(b.priorWeight).toBe(0);
    expect(b.levelWeight(0, 1)).toBe(model.levelWeight(0, 1));
  });
});
