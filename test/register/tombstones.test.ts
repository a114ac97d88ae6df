import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Tombstones } from '../../src/register/tombstones.js';

describe('Tombstones', () => {
  it('agrees with a Set oracle (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }), (rows) => {
        const t = new Tombstones();
        const set = new Set<number>();
        for (const r of rows) {
          expect(t.add(r)).toBe(!set.has(r));
          set.add(r);
        }
        expect(t.count).toBe(set.size);
        for (let r = 0; r <= 5010; r += 7) expect(t.has(r)).toBe(set.has(r));
        expect(Array.from(t.rows())).toEqual([...set].sort((a, b) => a - b));
      }),
      { seed: 3, numRuns: 50 },
    );
  });

  it('handles large row numbers and clears', () => {
    const t = new Tombstones();
    t.add(16_777_217);
    expect(t.has(16_777_217)).toBe(true);
    expect(t.has(16_777_216)).toBe(false);
    expect(Array.from(t.rows())).toEqual([16_777_217]);
    t.clear();
    expect(t.count).toBe(0);
    expect(t.has(16_777_217)).toBe(false);
  });
});
