import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DeltaIndex, NO_ENTRY } from '../../src/register/delta-index.js';

/** Rows of a key, newest first, by walking the chain. */
function rowsOf(d: DeltaIndex, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = d.first(lo, hi); e !== NO_ENTRY; e = d.next(e)) out.push(d.row(e));
  return out;
}

describe('DeltaIndex', () => {
  it('agrees with a Map oracle under random inserts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { maxLength: 400 }),
        (ops) => {
          const d = new DeltaIndex();
          const oracle = new Map<string, number[]>();
          ops.forEach(([k, h], row) => {
            // Small key space with colliding low bits (k * 64): exercises probing and chains.
            const lo = (k * 64) >>> 0;
            const hi = (h * 0x9e3779b9) >>> 0;
            d.insert(lo, hi, row);
            const key = `${lo}:${hi}`;
            oracle.set(key, [row, ...(oracle.get(key) ?? [])]);
          });
          expect(d.size).toBe(ops.length);
          for (const [key, rows] of oracle) {
            const [lo, hi] = key.split(':').map(Number) as [number, number];
            expect(rowsOf(d, lo, hi)).toEqual(rows);
          }
          expect(d.first(0xffffffff, 0xffffffff)).toBe(NO_ENTRY);
          // Entries come back in insertion order.
          for (let e = 0; e < d.size; e++) expect(d.row(e)).toBe(e);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it('clear empties it; byteLength counts the arrays', () => {
    const d = new DeltaIndex();
    for (let i = 0; i < 1000; i++) d.insert(i * 2654435761, i, i);
    expect(d.size).toBe(1000);
    expect(d.byteLength).toBeGreaterThan(1000 * 16);
    expect(rowsOf(d, (500 * 2654435761) >>> 0, 500)).toEqual([500]);
    d.clear();
    expect(d.size).toBe(0);
    expect(d.first((500 * 2654435761) >>> 0, 500)).toBe(NO_ENTRY);
  });
});
