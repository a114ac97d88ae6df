import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AliasTable } from '../../src/synth/alias-table.js';
import { Rng } from '../../src/util/rng.js';
import { isKhopError } from '../../src/errors.js';

describe('AliasTable', () => {
  it('draws each outcome with its weight (200k draws, within 4 sigma)', () => {
    const weights = [5, 0, 1, 10, 0.5, 3.5];
    const table = new AliasTable(weights.map((w, i): [number, number] => [i, w]));
    const rng = new Rng(42);
    const n = 200_000;
    const counts = new Array<number>(weights.length).fill(0);
    for (let i = 0; i < n; i++) counts[table.draw(rng)]++;
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      const p = w / total;
      const sigma = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(counts[i] - n * p)).toBeLessThanOrEqual(4 * sigma + 1e-9);
    });
    expect(counts[1]).toBe(0); // zero weight: never
  });

  it('never returns an index outside the table, and only positive-weight ones (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 30 }), fc.integer(), (ws, seed) => {
        if (ws.every((w) => w === 0)) return true;
        const t = new AliasTable(ws.map((w, i): [number, number] => [i, w]));
        const rng = new Rng(seed);
        for (let k = 0; k < 200; k++) {
          const i = t.drawIndex(rng);
          if (!(i >= 0 && i < ws.length) || ws[i] === 0) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('rejects empty, all-zero, negative and non-finite weights', () => {
    for (const bad of [[], [['a', 0]], [['a', -1]], [['a', Number.NaN]], [['a', Infinity]]] as Array<Array<[string, number]>>) {
      let err: unknown;
      try {
        new AliasTable(bad);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
