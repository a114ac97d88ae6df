import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { OrderedChunks, turn, type ChunkWork } from '../../src/pool/ordered-chunks.js';
import { Rng } from '../../src/util/rng.js';

/** A fake pool: a posted chunk's result arrives after a seeded number of event-loop turns. */
function fakeWork(rng: Rng, opts: { failAt?: number; inTurn: boolean }) {
  const consumed: number[] = [];
  const by: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const work: ChunkWork<number, number> = {
    post: async (c) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const turns = rng.int(6);
      for (let t = 0; t < turns; t++) await turn();
      inFlight--;
      if (c === opts.failAt) throw new Error(`chunk ${c} failed`);
      by[c] = 'worker';
      return c * 10;
    },
    computeAhead: async (c, between) => {
      by[c] = 'ahead';
      for (let s = rng.int(3); s > 0; s--) await between();
      return c * 10;
    },
    consume: (c, r) => {
      expect(r).toBe(c * 10);
      consumed.push(c);
    },
  };
  if (opts.inTurn) {
    work.computeInTurn = (c) => {
      by[c] = 'in-turn';
      consumed.push(c);
    };
  }
  return { work, consumed, by, maxInFlight: () => maxInFlight };
}

describe('OrderedChunks', () => {
  it('consumes every chunk once, in input order, with at most two chunks per worker posted (seeded runs)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed);
      const workers = 1 + rng.int(3);
      const share = rng.chance(0.7);
      const f = fakeWork(rng, { inTurn: rng.chance(0.5) });
      const ahead = rng.chance(0.5) ? undefined : 1 + rng.int(10);
      const chunks = new OrderedChunks(f.work, workers, { callingThreadShare: share, ...(ahead !== undefined ? { callingThreadChunks: ahead } : {}) });
      const bound = 2 * workers + (share ? (ahead ?? 2) : 0);
      expect(chunks.maxQueued).toBe(bound);
      const n = rng.int(60);
      for (let c = 0; c < n; c++) {
        await chunks.push(c);
        // Back-pressure: once push returns, fewer than `bound` chunks are read and not consumed.
        expect(c + 1 - f.consumed.length).toBeLessThan(bound);
      }
      await chunks.drain();
      expect(f.consumed).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(f.maxInFlight()).toBeLessThanOrEqual(2 * workers);
      if (!share) expect(f.by.filter((b) => b === 'ahead')).toEqual([]);
      if (n >= 20) expect(f.by.filter((b) => b === 'worker').length).toBeGreaterThan(0);
    }
  });

  it('refuses a callingThreadChunks that is not an integer ≥ 1', () => {
    const f = fakeWork(new Rng(1), { inTurn: false });
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        new OrderedChunks(f.work, 1, { callingThreadChunks: bad });
      } catch (e) {
        error = e;
      }
      expect(isKhopError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('a failed chunk rejects at its turn, after every chunk before it was consumed; abandon() silences the rest', async () => {
    let failures = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(100 + seed);
      const f = fakeWork(rng, { failAt: 5 + rng.int(10), inTurn: false });
      const chunks = new OrderedChunks(f.work, 2);
      let error: unknown;
      try {
        for (let c = 0; c < 40; c++) await chunks.push(c);
        await chunks.drain();
      } catch (e) {
        error = e;
        chunks.abandon();
      }
      // The failing chunk may have been computed by the calling thread instead: then no error.
      if (error !== undefined) {
        failures++;
        const failed = Number(/chunk (\d+)/.exec(String((error as Error).message))![1]);
        expect(f.consumed).toEqual(Array.from({ length: failed }, (_, i) => i));
      } else expect(f.consumed).toHaveLength(40);
    }
    expect(failures).toBeGreaterThan(10);
  });
});
