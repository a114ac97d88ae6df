import { describe, expect, it } from 'vitest';
import { SeenIds } from '../../src/pipeline/seen-ids.js';
import { Rng } from '../../src/util/rng.js';

describe('SeenIds', () => {
  it('finds the first row of every repeated id, as a Map of texts does, across growth and sources (seeded)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const list: Array<string | number> = [];
      const seen = new SeenIds((i) => list[i]!);
      let oracle = new Map<string, number>();
      const n = 200 + rng.int(5000);
      for (let r = 0; r < n; r++) {
        if (rng.chance(0.002)) {
          seen.clear(); // a new source
          oracle = new Map();
        }
        const v = rng.int(n); // many repeats
        const id: string | number = rng.chance(0.5) ? v : String(v); // 7 and "7" are one id
        const got = seen.findOrAdd(String(id), list.length);
        const want = oracle.get(String(id));
        if (want === undefined) {
          expect(got).toBe(-1);
          oracle.set(String(id), list.length);
          list.push(id);
        } else {
          expect(got).toBe(want);
        }
      }
    }
  });
});
