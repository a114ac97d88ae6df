import { describe, expect, it } from 'vitest';
import { mergeByIndex } from '../../src/util/merge-by-index.js';
import { Rng } from '../../src/util/rng.js';

describe('mergeByIndex', () => {
  it('merges two position-ordered lists into one, every item once, in position order (seeded)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      const positions = Array.from({ length: rng.int(30) }, (_, i) => i * 2 + rng.int(2));
      const a: Array<{ index: number; from: string }> = [];
      const b: Array<{ index: number; from: string }> = [];
      for (const index of positions) (rng.chance(0.5) ? a : b).push({ index, from: 'x' });
      const merged = mergeByIndex(a, b);
      expect(merged.map((x) => x.index)).toEqual([...positions].sort((x, y) => x - y));
      expect(new Set(merged).size).toBe(a.length + b.length);
    }
  });
});
