// Bounded work on adversarial data: 20,000 people who share one full name and one birth date
// (different IDs) would make every name/date block quadratic — 2·10^8 pairs. dedupe must skip
// those blocks (maxBlockSize), report them, and finish with a number of candidate pairs far
// below n²/2. No timing assertion: the pair count is what makes it quadratic or not.
import { describe, expect, it } from 'vitest';
import { dedupe, DEFAULT_MATCH_OPTIONS } from '../../src/index.js';
import type { FieldSpec } from '../../src/index.js';

const SCHEMA = {
  id: { kind: 'nationalId' },
  name: { kind: 'personName', locale: 'vi' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
} as const satisfies Record<string, FieldSpec>;

/**
 * n rows: one name and birth date for all, distinct valid IDs (province 001, born 1990), male —
 * or, with `mixedSex`, every other row female (a second comparison that varies: with the ID
 * alone varying there is nothing to train on, D22c).
 */
function namesakes(n: number, sameId = false, mixedSex = false): Array<Record<string, string>> {
  return Array.from({ length: n }, (_, i) => {
    const female = mixedSex && i % 2 === 1;
    return {
      id: sameId ? '001090000001' : `001${female ? '1' : '0'}90${String(i).padStart(6, '0')}`,
      name: 'Nguyễn Văn An',
      dob: '01/01/1990',
      sex: female ? 'Nữ' : 'Nam',
    };
  });
}

describe('capped blocks', () => {
  it('20,000 namesakes (same name and birth date, different IDs): completes with far fewer than n²/2 pairs and reports the skipped blocks', async () => {
    const n = 20_000;
    const rows = namesakes(n);
    const heapBefore = process.memoryUsage().heapUsed;
    const r = await dedupe(rows, { schema: SCHEMA, threads: 1, uSampleSize: 20_000 });
    const all = (n * (n - 1)) / 2;
    expect(r.clusters).toHaveLength(n);
    expect(r.stats.candidatePairs).toBeLessThan(all / 1000);
    // every name/date rule met one block of all n rows and skipped it, whole
    expect(r.stats.skippedBlocks).toBeGreaterThanOrEqual(3);
    expect(r.stats.skippedPairs).toBeGreaterThanOrEqual(3 * all);
    const capped = r.stats.rules.filter((x) => x.skippedBlocks > 0);
    expect(capped.map((x) => x.rule).sort()).toEqual(r.stats.rules.filter((x) => x.rule !== 'id.id').map((x) => x.rule).sort());
    for (const x of capped) expect(x.skippedPairs).toBe(all);
    // nobody is merged on a shared name and date alone
    expect(new Set(r.clusters).size).toBe(n);
    // memory stays proportional to n (generous bound: 64 KiB per row would be quadratic-ish trouble)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(n * 65536);
  });

  it('5,000 identical rows (same ID too): every block is capped, no pair is scored, every row stays accounted for', async () => {
    const n = 5000;
    const r = await dedupe(namesakes(n, true), { schema: SCHEMA, threads: 1, uSampleSize: 5000 });
    expect(r.stats.candidatePairs).toBe(0);
    expect(r.stats.skippedBlocks).toBe(r.stats.rules.length);
    expect(r.clusters.filter((c) => c !== null)).toHaveLength(n);
  });

  it('the cap is exact: a block of maxBlockSize rows is paired in full, one more row and it is skipped (default cap 1000)', async () => {
    expect(DEFAULT_MATCH_OPTIONS.maxBlockSize).toBe(1000);
    const keep = await dedupe(namesakes(60, false, true), { schema: SCHEMA, threads: 1, uSampleSize: 1000, maxBlockSize: 60 });
    expect(keep.stats.skippedBlocks).toBe(0);
    expect(keep.stats.candidatePairs).toBe((60 * 59) / 2);
    const skip = await dedupe(namesakes(61, false, true), { schema: SCHEMA, threads: 1, uSampleSize: 1000, maxBlockSize: 60 });
    expect(skip.stats.skippedBlocks).toBe(3);
    expect(skip.stats.skippedPairs).toBe(3 * ((61 * 60) / 2));
    expect(skip.stats.candidatePairs).toBe(0);
  });
});
