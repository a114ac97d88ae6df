import { describe, expect, it } from 'vitest';
import { RowLines } from '../../src/io/row-lines.js';
import { Rng } from '../../src/util/rng.js';

describe('RowLines', () => {
  it('answers like a full array of lines inside its window, undefined outside it (seeded pushes and drops)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const base = rng.int(1000);
      const q = new RowLines(base);
      const all: number[] = []; // line of position base + i (0: none)
      let dropped = base;
      for (let step = 0; step < 3000; step++) {
        if (rng.chance(seed % 2 === 1 ? 0.7 : 0.97)) { // even seeds: a window that outgrows 1024 lines
          const line = rng.chance(0.05) ? 0 : 1 + rng.int(1e6);
          q.push(line);
          all.push(line);
        } else {
          dropped = Math.min(base + all.length, dropped + rng.int(40));
          q.dropBefore(dropped);
        }
        const p = base + rng.int(all.length + 20) - 10;
        const want = p < dropped || p >= base + all.length || all[p - base] === 0 ? undefined : all[p - base];
        expect(q.get(p)).toBe(want);
      }
      expect(q.length).toBe(base + all.length - dropped);
    }
  });
});
