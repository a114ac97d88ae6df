import { describe, it, expect } from 'vitest';
import { TermFrequencyTable, termFrequencyAdjustment, DEFAULT_MIN_TERM_FREQUENCY } from '../../src/score/term-frequency.js';
import { HashedTermFrequencyTable } from '../../src/score/hashed-term-frequency.js';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

describe('TermFrequencyTable', () => {
  it('counts non-null values; frequency = count / total; unseen = 0', () => {
    const t = TermFrequencyTable.fromValues(['an', 'an', 'binh', null, 'an', undefined, 'chi']);
    expect(t.total).toBe(5);
    expect(t.distinct).toBe(3);
    expect(t.frequency('an')).toBe(0.6);
    expect(t.frequency('binh')).toBe(0.2);
    expect(t.frequency('dung')).toBe(0);
    expect(new TermFrequencyTable().frequency('an')).toBe(0);
  });

  it('from reference shares: Nguyễn is common, a rare family name is rare', () => {
    const t = TermFrequencyTable.fromCounts(VN_FAMILY_NAME_SHARES);
    expect(t.frequency('Nguyễn')).toBeGreaterThan(0.3);
    expect(t.frequency('Phùng')).toBeLessThan(0.01);
    expect(() => TermFrequencyTable.fromCounts([['a', -1]])).toThrow();
    expect(() => TermFrequencyTable.fromCounts([['a', Number.NaN]])).toThrow();
  });
});

describe('termFrequencyAdjustment', () => {
  const u = 0.05; // u of the exact family-name level
  it('is negative for a common value, positive for a rare one, 0 at tf = u and for tf = 0', () => {
    const t = TermFrequencyTable.fromCounts(VN_FAMILY_NAME_SHARES);
    const common = termFrequencyAdjustment(u, t.frequency('Nguyễn'));
    const rare = termFrequencyAdjustment(u, t.frequency('Phùng'));
    expect(common).toBeCloseTo(Math.log2(0.05 / t.frequency('Nguyễn')), 12);
    expect(common).toBeLessThan(-2.5);
    expect(rare).toBeGreaterThan(3);
    expect(common).toBeLessThan(rare);
    expect(termFrequencyAdjustment(u, u)).toBe(0);
    expect(termFrequencyAdjustment(u, 0)).toBe(0);
  });

  it('floors tf at minTf', () => {
    expect(DEFAULT_MIN_TERM_FREQUENCY).toBe(1e-6);
    expect(termFrequencyAdjustment(u, 1e-12)).toBeCloseTo(Math.log2(0.05 / 1e-6), 12);
    expect(termFrequencyAdjustment(u, 1e-12, 1e-3)).toBeCloseTo(Math.log2(50), 12);
  });

  it('rejects tf outside [0, 1] and u outside (0, 1]', () => {
    for (const [uu, tf] of [[u, -1], [u, 2], [u, Number.NaN], [0, 0.1], [Number.NaN, 0.1]] as const) {
      try {
        termFrequencyAdjustment(uu, tf);
        throw new Error('no throw');
      } catch (e) {
        expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
  });
});

/** Two independent 32-bit FNV-1a style hashes of a string (a test stand-in for xxh64 halves). */
function hash2(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ s.charCodeAt(i), 0x5bd1e995) ^ (b >>> 13);
  }
  return [a >>> 0, b >>> 0];
}

describe('HashedTermFrequencyTable', () => {
  it('agrees with the string table on a seeded column (growing past its initial size)', () => {
    const rng = new Rng(5);
    const n = 20_000;
    const values: Array<string | null> = [];
    for (let i = 0; i < n; i++) values.push(rng.chance(0.05) ? null : `v${Math.floor(rng.next() ** 3 * 3000)}`);
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    const present = new Uint8Array(n);
    values.forEach((v, i) => {
      if (v === null) return;
      [lo[i], hi[i]] = hash2(v);
      present[i] = 1;
    });
    const h = new HashedTermFrequencyTable(4);
    h.addColumn(lo, hi, n, present);
    const s = TermFrequencyTable.fromValues(values);
    expect(h.total).toBe(s.total);
    expect(h.distinct).toBe(s.distinct);
    const out = new Float64Array(n);
    h.frequenciesOf(lo, hi, n, out, present);
    for (let i = 0; i < n; i++) expect(out[i]).toBe(values[i] === null ? 0 : s.frequency(values[i]!));
    const [ulo, uhi] = hash2('unseen');
    expect(h.frequency(ulo, uhi)).toBe(0);
    h.add(ulo, uhi, 0);
    expect(h.distinct).toBe(s.distinct);
  });

  it('validates its inputs', () => {
    const h = new HashedTermFrequencyTable();
    expect(() => h.add(1, 2, -1)).toThrow();
    expect(() => h.addColumn(new Uint32Array(2), new Uint32Array(1), 2)).toThrow();
    expect(() => h.frequenciesOf(new Uint32Array(2), new Uint32Array(2), 2, new Float64Array(1))).toThrow();
    expect(() => new HashedTermFrequencyTable(-1)).toThrow();
  });
});
