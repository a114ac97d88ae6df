import { describe, expect, it } from 'vitest';
import { dedupe } from '../../src/pipeline/match.js';
import { correctUForMatches, poolSessionEstimates, trainingRules } from '../../src/pipeline/train-model.js';
import { estimateU } from '../../src/score/estimate-u.js';
import { generatePopulation } from '../../src/synth/population.js';
import type { EmSessionDiagnostics } from '../../src/score/expectation-maximisation.js';
import { prepareRows } from '../../src/pipeline/prepare.js';
import { defineSchema, vietnamesePersonSchema, type FieldSpec } from '../../src/schema.js';
import type { FellegiSunterModel } from '../../src/score/fellegi-sunter.js';
import { Rng } from '../../src/util/rng.js';

const GIVEN = ['Anna', 'Bernd', 'Carla', 'Dieter', 'Erika', 'Frank', 'Gisela', 'Horst', 'Ingrid', 'Jens', 'Karin', 'Lars', 'Monika', 'Norbert', 'Olga', 'Peter', 'Renate', 'Stefan', 'Tanja', 'Uwe', 'Vera', 'Werner', 'Yvonne', 'Zora'];
const FAMILY = ['Becker', 'Fischer', 'Hoffmann', 'Koch', 'Lange', 'Meyer', 'Neumann', 'Richter', 'Schmitz', 'Schulz', 'Wagner', 'Weber', 'Wolf', 'Zimmermann', 'Braun', 'Kaiser', 'Hartmann', 'Kraus', 'Vogel', 'Jung', 'Roth', 'Frank', 'Berg', 'Otto', 'Sommer', 'Haas', 'Graf', 'Peters', 'Lorenz', 'Ludwig'];

/** A letter replaced at a position ≥ 1 (a typo that keeps the first letter). */
function typo(rng: Rng, s: string): string {
  const i = 1 + rng.int(s.length - 1);
  const c = String.fromCharCode(97 + ((s.charCodeAt(i) - 97 + 1 + rng.int(24)) % 26));
  return s.slice(0, i) + c + s.slice(i + 1);
}

/**
 * A 3-field population (given, family, date), generated as Febrl generates RLdata: 30% of
 * people have a second record with exactly ONE field modified — a typo in a name, or one part
 * of the date (year, month or day) replaced. So among true pairs each field is exact in ≈ 2/3.
 */
function population(people: number, seed: number): { rows: Record<string, string>[]; truth: number[] } {
  const rng = new Rng(seed);
  const rows: Record<string, string>[] = [];
  const truth: number[] = [];
  const date = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  for (let i = 0; i < people; i++) {
    const given = rng.pick(GIVEN).toLowerCase();
    const family = rng.pick(FAMILY).toLowerCase();
    const y = 1930 + rng.int(80);
    const m = 1 + rng.int(12);
    const d = 1 + rng.int(28);
    rows.push({ rid: `r${rows.length}`, first_name: given, last_name: family, dob: date(y, m, d) });
    truth.push(i);
    if (rng.chance(0.3)) {
      const field = rng.int(3);
      const part = rng.int(3);
      let dob = date(y, m, d);
      if (field === 2) dob = part === 0 ? date(1930 + rng.int(80), m, d) : part === 1 ? date(y, 1 + rng.int(12), d) : date(y, m, 1 + rng.int(28));
      rows.push({ rid: `r${rows.length}`, first_name: field === 0 ? typo(rng, given) : given, last_name: field === 1 ? typo(rng, family) : family, dob });
      truth.push(i);
    }
  }
  return { rows, truth };
}

const SCHEMA: Record<string, FieldSpec> = { first_name: { kind: 'givenName', locale: 'generic' }, last_name: { kind: 'familyName', locale: 'generic' }, dob: { kind: 'date' } };

/** Comparison and level index of a trained model's level, by comparison-name suffix and level label. */
function levelAt(model: FellegiSunterModel, suffix: string, label: string): [number, number] {
  const k = model.comparisons.findIndex((c) => c.name.endsWith(suffix));
  return [k, model.comparisons[k]!.levels.findIndex((x) => x.label === label)];
}

function mOf(model: FellegiSunterModel, suffix: string, label: string): number {
  return model.mProbability(...levelAt(model, suffix, label));
}

describe('train-model: EM sessions must identify m', () => {
  it('recovers m(exact) of every field of a 3-field schema, where each default rule leaves ONE field free', async () => {
    const { rows, truth } = population(1500, 2026);
    const r = await dedupe(rows, { schema: SCHEMA, idField: 'rid', threads: 1 });
    // Among true pairs each field is exact in ≈ 2/3. The errors are negatively correlated (one
    // per record), which biases every session low; but a session with ONE free comparison —
    // each default rule here — is not identifiable at all, and there EM put m(exact) at 0.27
    // for the names and 0.41–0.48 for the date (measured, seeds 1, 3, 2026). Held to the
    // identified sessions it is ≈ 0.50–0.52 for the names and 0.55–0.60 for the date (seeds 1,
    // 3, 7, 11, 2026, with the date level two-parts-agree, which takes the one-part-replaced
    // dates out of 'else'): above every unidentified estimate, below the truth (≈ 2/3).
    for (const suffix of ['.family', '.given']) {
      expect(mOf(r.model, suffix, 'exact'), suffix).toBeGreaterThan(0.4);
      expect(mOf(r.model, suffix, 'exact'), suffix).toBeLessThan(0.8);
    }
    expect(mOf(r.model, 'dob', 'exact')).toBeGreaterThan(0.5);
    expect(mOf(r.model, 'dob', 'exact')).toBeLessThan(0.8);
    // …and the matches are found (pairwise recall over the true pairs).
    let found = 0;
    let pairs = 0;
    for (let i = 1; i < rows.length; i++) {
      if (truth[i] !== truth[i - 1]) continue;
      pairs++;
      if (r.clusters[i] === r.clusters[i - 1]) found++;
    }
    expect(found / pairs).toBeGreaterThan(0.85);
  });

  it('adds no training-only session when the rules already leave two or more comparisons free', async () => {
    const rng = new Rng(5);
    const rows = Array.from({ length: 300 }, (_, i) => ({
      rid: `r${i}`,
      first_name: rng.pick(GIVEN),
      last_name: rng.pick(FAMILY),
      dob: `${1950 + rng.int(40)}-0${1 + rng.int(9)}-1${rng.int(9)}`,
      city: rng.pick(['Hull', 'Leeds', 'York']),
      email: `${rng.pick(GIVEN)}${rng.int(100)}@mail.net`,
    }));
    rows.push({ ...rows[0]!, rid: 'dup' });
    const spec: Record<string, FieldSpec> = { ...SCHEMA, city: { kind: 'category' }, email: { kind: 'identifier' } };
    const r = await dedupe(rows, { schema: spec, idField: 'rid', threads: 1 });
    // Every rule leaves ≥ 2 comparisons free, so EM ran on exactly the rules' own pair sets
    // (each rule's full set; a rule with < 10 pairs has no session — nor the e-mail prefix
    // rule: isPartialIdentifierRule) and nothing else.
    const rulePairs = r.stats.rules.reduce((s, x) => s + (x.pairs >= 10 && x.rule !== 'first(email.id,8)' ? x.pairs : 0), 0);
    expect(rulePairs).toBeGreaterThan(0);
    expect(r.stats.phases.find((x) => x.phase === 'train')!.emPairs).toBe(rulePairs);
  });

  it('offers one training rule per single field key (IDs, dates, categories, free text, family and given keys)', async () => {
    const spec: Record<string, FieldSpec> = { ...SCHEMA, city: { kind: 'category' }, email: { kind: 'identifier' }, sex: { kind: 'sex' }, note: { kind: 'text' } };
    const schema = defineSchema(spec);
    const prepared = await prepareRows([[{ first_name: 'Anna', last_name: 'Koch', dob: '1990-01-02', city: 'Hull', email: 'a@b.c', sex: 'F', note: 'x' }]], schema);
    expect(trainingRules(prepared).map((r) => r.parts.map((p) => p.column).join('&'))).toEqual([
      'dob.date',
      'city.fold',
      'email.id',
      'note.fold',
      'last_name+first_name.familyKey',
      'last_name+first_name.givenKey',
    ]);
  });

  it('pools the sessions\' m weighted by their expected matches (λ_s · pairs), not by session count', () => {
    const session = (prior: number, pairs: number, m: Array<number[] | null>): EmSessionDiagnostics => ({
      name: undefined,
      pairs,
      iterations: 1,
      converged: true,
      maxChange: 0,
      prior,
      estimatedComparisons: m.flatMap((x, k) => (x ? [k] : [])),
      m,
    });
    const { m, matchesBehind } = poolSessionEstimates(
      [
        session(0.5, 100, [[0, 0.9, 0.1], null]), // 50 expected matches
        session(0.1, 1500, [[0, 0.5, 0.5], [0, 0.2, 0.3, 0.5]]), // 150
        session(0, 1e6, [[0, 0, 1], null]), // no expected match: no weight
      ],
      [3, 4],
    );
    expect(m[0]![1]).toBeCloseTo((50 * 0.9 + 150 * 0.5) / 200, 12);
    expect(m[0]![2]).toBeCloseTo((50 * 0.1 + 150 * 0.5) / 200, 12);
    expect(Array.from(m[1]!)).toEqual([0, 0.2, 0.3, 0.5].map((x) => expect.closeTo(x, 12)));
    expect(Array.from(matchesBehind)).toEqual([150, 150]);
    // A comparison no weighted session estimated stays undefined (the model's m is kept).
    expect(poolSessionEstimates([session(0, 10, [[0, 1, 0]])], [3]).m[0]).toBeUndefined();
  });
});

function uOf(model: FellegiSunterModel, suffix: string, label: string): number {
  return model.uProbability(...levelAt(model, suffix, label));
}

describe('train-model: u without the matches among the random pairs', () => {
  it('recovers u from counts that mix λ·m and (1 − λ)·u, and is estimateU at λ = 0 (seeded property)', () => {
    const rng = new Rng(77);
    for (let trial = 0; trial < 300; trial++) {
      const L = 3 + rng.int(6);
      const draw = () => normalised(Array.from({ length: L }, (_, l) => (l === 0 ? 0 : 0.01 + rng.next())));
      const m = draw();
      const u = draw();
      const lambda = rng.chance(0.2) ? 0 : rng.next() * 0.01;
      const n = 1_000_000;
      const counts = Float64Array.from({ length: L }, (_, l) => (l === 0 ? 1234 : Math.round(n * (lambda * m[l]! + (1 - lambda) * u[l]!))));
      const corrected = correctUForMatches(counts, m, lambda);
      expect(corrected[0]).toBe(0);
      expect(corrected.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (let l = 1; l < L; l++) expect(corrected[l]! / u[l]!, `trial ${trial} level ${l}`).toBeCloseTo(1, 2);
      if (lambda === 0) {
        // The same smoothing as estimateU, from the same counts as level columns.
        const col = new Uint8Array(counts.reduce((a, b) => a + b, 0));
        let at = 0;
        counts.forEach((c, l) => col.fill(l, at, (at += c)));
        const viaEstimate = estimateU([col], col.length, [{ name: 'x', levels: Array.from({ length: L }, (_, l) => ({ label: `l${l}`, ...(l === 0 ? { null: true } : {}) })) }]).u[0]!;
        for (let l = 1; l < L; l++) expect(corrected[l]).toBeCloseTo(viaEstimate[l]!, 14);
      }
    }
    // Fewer pairs on a level than the matches expected there: the pseudo-count alone, never < 0.
    const floor = correctUForMatches(Float64Array.from([0, 10, 990]), [0, 0.9, 0.1], 0.02);
    expect(floor[1]).toBeCloseTo(1 / (0 + 1 + (990 - 0.02 * 0.1 * 1000) + 1), 12);
    expect(floor[1]! * 1000).toBeGreaterThan(0.9);
  });

  it('a near-unique field shared only by duplicates gets u near "never seen by chance", and the run says it corrected u', async () => {
    // 700 people, half with one or two more records; an e-mail is the person's own (a typo in
    // a third of the copies) and names come from short lists, so random pairs agree on an
    // e-mail only when they are the same person.
    const rng = new Rng(31);
    const rows: Record<string, string>[] = [];
    for (let p = 0; p < 700; p++) {
      const given = rng.pick(GIVEN);
      const family = rng.pick(FAMILY);
      const email = `${given.toLowerCase()}.${p}@mail.net`;
      const copies = rng.chance(0.5) ? 2 + rng.int(2) : 1;
      for (let c = 0; c < copies; c++) {
        rows.push({ rid: `r${rows.length}`, first_name: given, last_name: family, dob: `19${50 + rng.int(50)}-0${1 + rng.int(9)}-1${rng.int(9)}`, email: c > 0 && rng.chance(0.33) ? typo(rng, email) : email });
      }
    }
    const n = rows.length;
    const byEmail = new Map<string, number>();
    for (const r of rows) byEmail.set(r.email!, (byEmail.get(r.email!) ?? 0) + 1);
    let sharing = 0;
    for (const c of byEmail.values()) sharing += (c * (c - 1)) / 2;
    const rawShare = sharing / ((n * (n - 1)) / 2);
    const spec: Record<string, FieldSpec> = { ...SCHEMA, email: { kind: 'identifier' } };
    const r = await dedupe(rows, { schema: spec, idField: 'rid', threads: 1 });
    const train = r.stats.phases.find((x) => x.phase === 'train')!;
    expect(train['uRounds']).toBeGreaterThanOrEqual(1);
    // Every random pair agreeing on an e-mail is a match: the share of them (≈ rawShare) is
    // λ·m, not u; u is left with the pseudo-count's ≈ 1 / (random pairs).
    const uExact = uOf(r.model, 'email', 'exact');
    expect(uExact).toBeLessThan(rawShare / 5);
    expect(uExact).toBeGreaterThan(0.2 / (train['uPairs'] as number));
    // A chance agreement on a common given name is not corrected away: its u stays near the
    // share of random pairs with that agreement (1 / 24 names, spread over its levels).
    expect(uOf(r.model, '.given', 'exact')).toBeGreaterThan(0.02);
  });

  it('changes nothing when the random pairs hold (almost) no match: no extra round', async () => {
    // 30k records without a duplicate: λ ≈ 2e-7, about 0.2 of the million random pairs.
    const rows = [...generatePopulation({ size: 30_000, seed: 5, duplicateRate: 0 })];
    const r = await dedupe(rows, { schema: vietnamesePersonSchema(), idField: 'recordId', threads: 1 });
    expect(r.stats.phases.find((x) => x.phase === 'train')!['uRounds']).toBe(0);
    const dup = await dedupe([...generatePopulation({ size: 3000, seed: 5, duplicateRate: 0.3 })], { schema: vietnamesePersonSchema(), idField: 'recordId', threads: 1 });
    expect(dup.stats.phases.find((x) => x.phase === 'train')!['uRounds']).toBeGreaterThanOrEqual(1);
  });
});

function normalised(xs: number[]): number[] {
  const s = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / s);
}

describe('an identifier whose head is made of other fields (e-mails that start with the name)', () => {
  it('its prefix rule pairs candidates but trains no EM session: a birth-date mismatch keeps its weight', async () => {
    // Seeded generic people; the e-mail starts with the name; duplicates never change their
    // date of birth, so m(dob else) is ~0 — the prefix rule's session, pairing namesakes,
    // made it ~0.3 (seeds 1..3).
    const F = ['James', 'Mary', 'Robert', 'Linda', 'Michael', 'Susan', 'David', 'Karen', 'Paul', 'Emma', 'Peter', 'Alice', 'Mark', 'Helen', 'Simon', 'Ruth', 'George', 'Clare', 'Henry', 'Julia'];
    const S = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Evans', 'Walker', 'Wright', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Turner', 'Hill', 'Moore', 'Baker', 'Carter', 'Cooper', 'Ward', 'King', 'Lee', 'Scott', 'Price'];
    const schema = defineSchema({ name: { kind: 'personName' }, dob: { kind: 'date' }, email: { kind: 'identifier' } });
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const pick = <T,>(a: readonly T[]) => a[rng.int(a.length)]!;
      const p2 = (n: number) => String(n).padStart(2, '0');
      const rows: Array<Record<string, string>> = [];
      for (let i = 0; i < 600; i++) {
        const first = pick(F);
        const last = pick(S);
        const p = { rid: `b${i}`, name: `${first} ${last}`, dob: `${1940 + rng.int(60)}-${p2(1 + rng.int(12))}-${p2(1 + rng.int(28))}`, email: `${first}.${last}.${rng.int(1e9).toString(36)}@example.org`.toLowerCase() };
        rows.push(p);
        if (rng.next() < 0.5) rows.push({ ...p, rid: `b${i}d`, name: rng.next() < 0.5 ? `${first} ${last.slice(0, -1)}` : p.name });
      }
      const r = await dedupe(rows, { schema, idField: 'rid', threads: 1 });
      const dob = r.model.toJSON().comparisons.find((c) => c.name === 'dob')!;
      const other = dob.levels.find((l) => l.label === 'else')!;
      expect(other.m!, `seed ${seed}`).toBeLessThan(0.05);
      expect(Math.log2(other.m! / other.u!), `seed ${seed}`).toBeLessThan(-4);
      expect(r.stats.rules.find((x) => x.rule === 'first(email.id,8)')?.pairs, `seed ${seed}`).toBeGreaterThan(0); // still blocks
    }
  });
});

describe('Vietnamese names without an ID field', () => {
  it('the whole-name rules pair candidates but train no EM session: a birth-date mismatch keeps its weight', async () => {
    // Synthetic people without their ID column: the duplicates keep their birth year, so m(dob
    // else) is small — 0.0002 for seeds 1 and 2, from the training-only session blocked on the
    // exact address (a household or the same person); the `.full+province` session, pairing
    // namesakes of a province, made it 0.126 and 0.136, and the family-name session alone 0.024
    // and 0.068 (people of one full name passed for matches).
    for (const seed of [1, 2]) {
      const rows = [...generatePopulation({ size: 60_000, seed })].map(({ id: _id, ...r }) => r);
      const schema = defineSchema({ fullName: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' }, address: { kind: 'text' } });
      const r = await dedupe(rows, { schema, idField: 'recordId', threads: 1 });
      const dob = r.model.toJSON().comparisons.find((c) => c.name === 'dob')!;
      const other = dob.levels.find((l) => l.label === 'else')!;
      expect(other.m!, `seed ${seed}`).toBeLessThan(0.01);
      expect(Math.log2(other.m! / other.u!), `seed ${seed}`).toBeLessThan(-7);
      expect(r.stats.rules.find((x) => x.name === 'fullName.full+province')?.pairs, `seed ${seed}`).toBeGreaterThan(0); // still blocks
    }
  });

  it('the name-part + exact-date rules train no EM session either: a different province keeps its weight against namesakes born the same day', async () => {
    // The generator's namesakes share a whole name and a birth day, and live elsewhere. In the
    // sessions blocked on one name part and the exact date the other name parts agree for them,
    // so the sessions took them for matches and learnt that matches often differ in province
    // (m(province else) 0.10–0.15); the session blocked on the whole name and the birth year,
    // which holds the names and the date out, learns ~0.
    for (const seed of [1, 2]) {
      const rows = [...generatePopulation({ size: 30_000, seed })].map(({ id: _id, ...r }) => r);
      const schema = defineSchema({ fullName: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' }, address: { kind: 'text' } });
      const r = await dedupe(rows, { schema, idField: 'recordId', threads: 1 });
      const province = r.model.toJSON().comparisons.find((c) => c.name === 'province')!;
      const other = province.levels.find((l) => l.label === 'else')!;
      expect(other.m!, `seed ${seed}`).toBeLessThan(0.03);
      expect(Math.log2(other.m! / other.u!), `seed ${seed}`).toBeLessThan(-5);
      for (const rule of ['fullName.given+dob', 'fullName.family+dob']) {
        expect(r.stats.rules.find((x) => x.name === rule)?.pairs, `seed ${seed} ${rule}`).toBeGreaterThan(0); // still blocks
      }
    }
  });
});
