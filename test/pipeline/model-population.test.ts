/**
 * A model trained on a sample and used on the whole file (README: --save-model on a sample,
 * --model on everything): its λ is the sample's share of matching pairs, so it is rescaled to
 * the data it scores (FellegiSunterModel.forPopulation) — else every score of the larger file is
 * log2(N / n) bits too high and namesakes match.
 */
import { describe, expect, it } from 'vitest';
import { dedupe, defineSchema, FellegiSunterModel, generatePopulation, link, pairwiseMetrics } from '../../src/index.js';

// Without the ID, so that the prior decides close calls (namesakes born the same year).
const schema = defineSchema({ name: { kind: 'personName', column: 'fullName' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' } });
const rows = [...generatePopulation({ size: 20_000, seed: 31, duplicateRate: 0.15 })].map((r) => ({ ...r }) as Record<string, unknown>);
const truth = Int32Array.from(rows.map((r) => Number(r['personId'])));
const sample = rows.slice(0, 500);

function predicted(clusters: readonly unknown[]): Uint32Array {
  const ids = new Map<unknown, number>();
  return Uint32Array.from(clusters.map((c) => (ids.has(c) ? ids.get(c)! : (ids.set(c, ids.size), ids.size - 1))));
}

describe('a model used on other data than it was trained on', () => {
  it('records what it was trained on, and keeps it through JSON', async () => {
    const r = await dedupe(sample, { schema, idField: 'recordId', threads: 1, uSampleSize: 20_000 });
    expect(r.model.trainedOn).toEqual({ records: 500, pairs: (500 * 499) / 2 });
    const back = FellegiSunterModel.fromJSON(JSON.parse(JSON.stringify(r.model.toJSON())));
    expect(back.trainedOn).toEqual(r.model.trainedOn);
    expect(back.prior).toBe(r.model.prior);
  });

  it('dedupe of the whole file with the sample model: λ per record kept, and fewer false matches than the sample λ', async () => {
    const trained = (await dedupe(sample, { schema, idField: 'recordId', threads: 1, uSampleSize: 20_000 })).model;
    const n = rows.length;
    const scaled = await dedupe(rows, { schema, idField: 'recordId', threads: 1, model: trained });
    expect(scaled.model.trainedOn).toEqual({ records: n, pairs: (n * (n - 1)) / 2 });
    expect(scaled.model.prior).toBeCloseTo((trained.prior * 499) / (n - 1), 15);
    // The same model without its population (a file from before it was recorded): λ as it is.
    const json = JSON.parse(JSON.stringify(trained.toJSON())) as Record<string, unknown>;
    delete json['trainedOn'];
    const asIs = await dedupe(rows, { schema, idField: 'recordId', threads: 1, model: FellegiSunterModel.fromJSON(json) });
    expect(asIs.model.prior).toBe(trained.prior);
    const p = pairwiseMetrics({ predictedClusters: predicted(scaled.clusters), truth });
    const q = pairwiseMetrics({ predictedClusters: predicted(asIs.clusters), truth });
    // Measured: precision 0.9343 against 0.9266, F1 0.9613 against 0.9578 (trained on all rows: 0.9623).
    expect(p.precision).toBeGreaterThan(q.precision);
    expect(p.f1).toBeGreaterThan(q.f1);
    // Explanations use the prior of the data scored.
    if (scaled.pairs.count > 0) expect(scaled.explain(0).prior).toBeCloseTo(scaled.model.priorWeight, 12);
  });

  it('the same data gets the model unchanged; link rescales by the smaller side', async () => {
    const trained = (await dedupe(sample, { schema, idField: 'recordId', threads: 1, uSampleSize: 20_000 })).model;
    const again = await dedupe(sample, { schema, idField: 'recordId', threads: 1, model: trained });
    expect(again.model).toBe(trained);
    const left = rows.slice(0, 3000);
    const right = rows.slice(3000, 7000);
    const l = await link(left, right, { schema, idField: 'recordId', threads: 1, model: trained });
    expect(l.model.trainedOn).toEqual({ records: 3000, pairs: 3000 * 4000 });
    expect(l.model.prior).toBeCloseTo(trained.prior * ((500 * 499) / 2 / 500) * (3000 / (3000 * 4000)), 15);
  });

  it('refuses a trainedOn that is not two whole numbers ≥ 1 with pairs ≥ records / 2, or has another key', () => {
    const base = { prior: 0.01, u: [[0, 0.5, 0.5]], m: [[0, 0.9, 0.1]] };
    const specs = [{ name: 'x', levels: [{ label: 'null', null: true }, { label: 'exact' }, { label: 'else' }] }];
    for (const trainedOn of [
      { records: 0, pairs: 5 },
      { records: 5 },
      { records: 1, pairs: Number.NaN },
      'x',
      { records: 1000, pairs: 1 }, // fewer pairs than a dedupe or a link of 1,000 records has
      { records: 1.5, pairs: 1e308 },
      { records: 10, pairs: 45, recrods: 5 },
    ]) {
      expect(() => new FellegiSunterModel(specs as never, { ...base, trainedOn } as never)).toThrow(/trainedOn/);
      const json = { ...new FellegiSunterModel(specs as never, base as never).toJSON(), trainedOn };
      expect(() => FellegiSunterModel.fromJSON(json as never)).toThrow(/trainedOn/);
    }
    // The smallest of each: a dedupe of two records (one pair), a link of one record to one.
    for (const trainedOn of [{ records: 2, pairs: 1 }, { records: 1, pairs: 1 }]) expect(new FellegiSunterModel(specs as never, { ...base, trainedOn } as never).trainedOn).toEqual(trainedOn);
  });

  it('withParameters keeps what the model was trained on (or takes a new one), so forPopulation still rescales', async () => {
    const trained = (await dedupe(sample, { schema, idField: 'recordId', threads: 1, uSampleSize: 20_000 })).model;
    const tweaked = trained.withParameters({ minTermFrequency: 1e-5 });
    expect(tweaked.trainedOn).toEqual(trained.trainedOn);
    expect(FellegiSunterModel.fromJSON(JSON.parse(JSON.stringify(tweaked.toJSON()))).trainedOn).toEqual(trained.trainedOn);
    const n = rows.length;
    expect(tweaked.forPopulation(n, (n * (n - 1)) / 2).prior).toBeCloseTo(trained.forPopulation(n, (n * (n - 1)) / 2).prior, 15);
    expect(trained.withParameters({ trainedOn: { records: 10, pairs: 45 } }).trainedOn).toEqual({ records: 10, pairs: 45 });
  });
});
