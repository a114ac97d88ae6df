import { describe, it, expect } from 'vitest';
import { analyzeBlocking } from '../../src/block/analyze-blocking.js';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import { candidatePairs, earlierRuleRowBlocks, sourceFlags } from '../../src/block/candidate-pairs.js';
import { rowKeyText } from '../../src/block/blocking-keys.js';
import type { BlockingRule } from '../../src/block/blocking-rule.js';
import { RecordStore, type ColumnSpec } from '../../src/block/record-store.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { blocksWithin, pairsWithin } from '../../src/pipeline/train-model.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'given', type: 'ascii' },
  { name: 'family', type: 'ascii' },
  { name: 'dob', type: 'int32' },
  { name: 'src', type: 'uint8' },
];

// Overlapping rules: a pair can share several keys; rule 1 has giant blocks (family names).
const RULES: BlockingRule[] = [
  { name: 'id', parts: [{ column: 'id' }] },
  { name: 'family', parts: [{ column: 'family' }] },
  { name: 'given-year', parts: [{ column: 'given' }, { column: 'dob', transform: 'year' }] },
  { name: 'g1-ym', parts: [{ column: 'given', transform: 'first', n: 1 }, { column: 'dob', transform: 'yearMonth' }] },
];

interface Data {
  store: RecordStore;
  keys: (string | null)[][]; // [rule][row] naive key text
}

function makeData(seed: number, n: number): Data {
  const rng = new Rng(seed);
  const store = new RecordStore(COLUMNS, { chunkBits: 5 });
  const families = ['nguyen', 'nguyen', 'nguyen', 'tran', 'tran', 'le', 'pham', 'vo', 'dang', 'bui'];
  const givens = ['an', 'anh', 'binh', 'chau', 'dung', 'giang', 'ha', 'hoa', 'lan', 'minh', 'nam', 'thao'];
  const keys: (string | null)[][] = RULES.map(() => []);
  for (let r = 0; r < n; r++) {
    const id = rng.chance(0.15) ? null : String(1000 + rng.int(Math.floor(n * 0.8)));
    const given = rng.chance(0.05) ? null : rng.pick(givens);
    const family = rng.chance(0.05) ? null : rng.pick(families);
    const y = 1980 + rng.int(4);
    const m = rng.int(3);
    const dob = rng.chance(0.05) ? null : y * 10000 + m * 100 + rng.int(28);
    store.append([id, given, family, dob, rng.int(2)]);
    keys[0]!.push(id);
    keys[1]!.push(family);
    keys[2]!.push(given !== null && dob !== null ? `${given}|${y}` : null);
    keys[3]!.push(given !== null && dob !== null && m !== 0 ? `${given[0]}|${y * 100 + m}` : null);
  }
  return { store, keys };
}

/** Naive groups per rule: key → rows (a JS Map, test only). */
function naiveGroups(keys: (string | null)[]): Map<string, number[]> {
  const g = new Map<string, number[]>();
  keys.forEach((k, row) => {
    if (k === null) return;
    const list = g.get(k) ?? [];
    list.push(row);
    g.set(k, list);
  });
  return g;
}

/**
 * Naive candidate pairs: per rule, pairs of kept groups (≤ max rows, and ≤ the rule's own cap
 * in `caps` when given), minus pairs of earlier rules.
 */
function naivePairs(d: Data, max: number, source: Uint8Array | null, caps: readonly (number | undefined)[] = []): { perRule: Set<string>[]; skipped: number[][]; dups: number[] } {
  const seen = new Set<string>();
  const perRule: Set<string>[] = [];
  const skipped: number[][] = [];
  const dups: number[] = [];
  RULES.forEach((_rule, r) => {
    const mine = new Set<string>();
    const sk: number[] = [];
    let dup = 0;
    const cap = Math.min(max, caps[r] ?? Infinity);
    for (const rows of naiveGroups(d.keys[r]!).values()) {
      if (rows.length > cap) {
        sk.push(rows.length);
        continue;
      }
      for (let i = 0; i < rows.length; i++) {
        for (let j = i + 1; j < rows.length; j++) {
          let a = rows[i]!;
          let b = rows[j]!;
          if (source !== null) {
            if (source[a] === source[b]) continue;
            if (source[a] === 1) [a, b] = [b, a];
          }
          const key = `${a},${b}`;
          if (seen.has(key)) {
            dup++;
            continue;
          }
          mine.add(key);
        }
      }
    }
    for (const k of mine) seen.add(k);
    perRule.push(mine);
    skipped.push(sk.sort((x, y) => x - y));
    dups.push(dup);
  });
  return { perRule, skipped, dups };
}

function collect(stream: Iterable<{ rule: number; left: Uint32Array; right: Uint32Array; length: number }>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const c of stream) {
    const list = out.get(c.rule) ?? [];
    for (let i = 0; i < c.length; i++) list.push(`${c.left[i]},${c.right[i]}`);
    out.set(c.rule, list);
  }
  return out;
}

describe('candidatePairs (seeded brute-force oracle)', () => {
  const d = makeData(42, 700);
  const indexes = buildBlockIndexes(d.store, RULES);

  for (const [max, chunkPairs, reuse] of [
    [60, 7, false],
    [1000, 65536, true],
    [2, 1, true],
  ] as const) {
    it(`dedupe: the naive set minus skipped blocks, no pair twice (max ${max}, chunk ${chunkPairs})`, () => {
      const expected = naivePairs(d, max, null);
      const stream = candidatePairs(indexes, { maxBlockSize: max, chunkPairs, reuseChunk: reuse, keyStore: d.store });
      const got = new Map<number, string[]>();
      for (const c of stream) {
        expect(c.length).toBeLessThanOrEqual(chunkPairs);
        expect(c.length).toBeGreaterThan(0);
        const list = got.get(c.rule) ?? [];
        let ordered = true;
        for (let i = 0; i < c.length; i++) {
          ordered &&= c.left[i]! < c.right[i]!;
          list.push(`${c.left[i]},${c.right[i]}`);
        }
        expect(ordered).toBe(true);
        got.set(c.rule, list);
      }
      const all = new Set<string>();
      RULES.forEach((_r, r) => {
        const mine = got.get(r) ?? [];
        expect(new Set(mine).size).toBe(mine.length); // no duplicate within the rule
        expect(new Set(mine)).toEqual(expected.perRule[r]);
        for (const p of mine) {
          expect(all.has(p)).toBe(false); // nor across rules
          all.add(p);
        }
        const rep = stream.report.rules[r]!;
        expect(rep.pairs).toBe(mine.length);
        expect(rep.duplicatePairs).toBe(expected.dups[r]);
        const sk = stream.report.skipped.filter((s) => s.rule === r);
        expect(sk.map((s) => s.size).sort((x, y) => x - y)).toEqual(expected.skipped[r]);
        expect(rep.skippedBlocks).toBe(expected.skipped[r]!.length);
        expect(rep.skippedPairs).toBe(expected.skipped[r]!.reduce((s, n) => s + (n * (n - 1)) / 2, 0));
        for (const s of sk) {
          // the reported key is the naive key of the block's rows, and the hash finds the block
          expect(s.key).toBe(rowKeyText(d.store, RULES[r]!, indexes[r]!.blockRows(s.block)[0]!));
          expect(indexes[r]!.lookup(s.lo, s.hi)).toBe(s.block);
        }
      });
      expect(stream.report.pairs).toBe(all.size);
      expect(stream.report.done).toBe(true);
    });
  }

  it('reports no key text unless a keyStore is given', () => {
    const stream = candidatePairs(indexes, { maxBlockSize: 60 });
    const report = stream.forEach(() => {});
    expect(report.skipped.length).toBeGreaterThan(0);
    for (const s of report.skipped) expect(s.key).toBeUndefined();
    const few = candidatePairs(indexes, { maxBlockSize: 60, maxReportedBlocks: 1 }).forEach(() => {});
    expect(few.skipped).toHaveLength(1);
    expect(few.skippedTruncated).toBe(true);
    expect(few.skippedBlocks).toBe(report.skippedBlocks);
  });

  it('link mode: only cross-source pairs, oriented (left, right)', () => {
    const source = sourceFlags(d.store, 'src');
    const expected = naivePairs(d, 100, source);
    const got = collect(candidatePairs(indexes, { maxBlockSize: 100, source, chunkPairs: 100 }));
    RULES.forEach((_r, r) => {
      const mine = got.get(r) ?? [];
      expect(new Set(mine)).toEqual(expected.perRule[r]);
      expect(mine.length).toBe(expected.perRule[r]!.size);
      for (const p of mine) {
        const [a, b] = p.split(',').map(Number) as [number, number];
        expect([source[a], source[b]]).toEqual([0, 1]);
      }
    });
  });

  it('disjoint block ranges of one rule together give the whole rule', () => {
    const rb = earlierRuleRowBlocks(indexes, 60);
    for (let r = 0; r < RULES.length; r++) {
      const whole = collect(candidatePairs(indexes, { maxBlockSize: 60, rule: r })).get(r) ?? [];
      const blocks = indexes[r]!.blockCount;
      const cuts = [0, Math.floor(blocks / 3), Math.floor(blocks / 2), blocks];
      const parts: string[] = [];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const got = collect(candidatePairs(indexes, { maxBlockSize: 60, rule: r, fromBlock: cuts[i], toBlock: cuts[i + 1], earlierRowBlocks: rb }));
        parts.push(...(got.get(r) ?? []));
      }
      expect(parts).toEqual(whole);
    }
  });

  it('validates its options once, listing every problem', () => {
    try {
      candidatePairs(indexes, { maxBlockSize: 1, chunkPairs: 0, fromBlock: 3, source: new Uint8Array(2) });
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
      expect(((e as { details: { problems: string[] } }).details.problems).length).toBe(4);
    }
    expect(() => candidatePairs([], {})).toThrowError();
  });
});

describe('candidatePairs: a rule\'s own maxBlockSize', () => {
  const d = makeData(43, 800);
  // Rule caps below, equal to and above the run's; rule 3 has none.
  const caps = [2, 6, 500, undefined];
  const capped: BlockingRule[] = RULES.map((r, k) => (caps[k] === undefined ? r : { ...r, maxBlockSize: caps[k] }));
  const indexes = buildBlockIndexes(d.store, capped);

  for (const [max, link] of [
    [60, false],
    [6, false],
    [60, true],
  ] as const) {
    it(`skips each rule's blocks above the smaller of its cap and the run's (max ${max}${link ? ', link' : ''}), like brute force and analyzeBlocking`, () => {
      const source = link ? sourceFlags(d.store, 'src') : null;
      const expected = naivePairs(d, max, source, caps);
      const stream = candidatePairs(indexes, source === null ? { maxBlockSize: max, chunkPairs: 97 } : { maxBlockSize: max, source, chunkPairs: 97 });
      const got = collect(stream);
      const a = analyzeBlocking(d.store, capped, source === null ? { maxBlockSize: max } : { maxBlockSize: max, source: 'src' });
      capped.forEach((_r, r) => {
        expect(new Set(got.get(r) ?? [])).toEqual(expected.perRule[r]);
        expect(stream.report.rules[r]!.skippedBlocks).toBe(expected.skipped[r]!.length);
        expect(a.rules[r]!.newPairs).toBe(expected.perRule[r]!.size);
        expect(a.rules[r]!.blocksOverCap).toBe(expected.skipped[r]!.length);
      });
      // the caps matter here: without them the pairs differ
      expect(naivePairs(d, max, source).perRule.map((x) => x.size)).not.toEqual(expected.perRule.map((x) => x.size));
    });
  }

  it('pairsWithin (the training\'s pair count of one rule) keeps to the rule\'s cap', () => {
    capped.forEach((_r, r) => {
      for (const max of [60, 6]) expect(pairsWithin(indexes[r]!, max)).toBe(candidatePairs([indexes[r]!], { maxBlockSize: max }).forEach(() => {}).pairs);
    });
  });

  it('blocksWithin (the blocks a training session takes whole) holds at most the cap, and the next block would not fit', () => {
    const pairsOf = (index: (typeof indexes)[number], max: number, toBlock: number, source?: Uint8Array): number =>
      candidatePairs([index], { maxBlockSize: max, rule: 0, fromBlock: 0, toBlock, ...(source ? { source } : {}) }).forEach(() => {}).pairs;
    for (const source of [undefined, sourceFlags(d.store, 'src')]) {
      capped.forEach((_r, r) => {
        const index = indexes[r]!;
        const blocks = index.starts.length - 1;
        for (const max of [60, 6]) {
          const all = pairsOf(index, max, blocks, source);
          for (const cap of [0, 1, 7, 100, Math.floor(all / 3), all - 1, all, all + 5].filter((c) => c >= 0)) {
            const to = blocksWithin(index, max, cap, source);
            expect(pairsOf(index, max, to, source)).toBeLessThanOrEqual(cap);
            // every later block is whole and does not fit, or none is left
            if (to < blocks) {
              let next = to + 1;
              while (next < blocks && pairsOf(index, max, next, source) === pairsOf(index, max, to, source)) next++;
              expect(pairsOf(index, max, next, source)).toBeGreaterThan(cap);
            }
          }
          expect(blocksWithin(index, max, all, source)).toBe(blocks);
          // The first block that yields pairs over the cap: 0 (the caller cuts it), also after
          // blocks that yield none.
          let first = 0;
          while (first < blocks && pairsOf(index, max, first + 1, source) === 0) first++;
          if (first < blocks) expect(blocksWithin(index, max, pairsOf(index, max, first + 1, source) - 1, source)).toBe(0);
        }
      });
    }
  });

  it('shares earlier rules\' row blocks cut at each rule\'s own cap', () => {
    const rb = earlierRuleRowBlocks(indexes, 60);
    for (let r = 1; r < capped.length; r++) {
      const whole = collect(candidatePairs(indexes, { maxBlockSize: 60, rule: r })).get(r) ?? [];
      const shared = collect(candidatePairs(indexes, { maxBlockSize: 60, rule: r, earlierRowBlocks: rb })).get(r) ?? [];
      expect(shared).toEqual(whole);
      expect(new Set(whole)).toEqual(naivePairs(d, 60, null, caps).perRule[r]);
    }
  });
});

describe('analyzeBlocking', () => {
  it('counts keys, blocks, pairs and exact new pairs like brute force and candidatePairs', () => {
    const d = makeData(7, 900);
    // a cap equal to an existing block size: that block is kept, larger ones are not
    const sizes = [...naiveGroups(d.keys[1]!).values()].map((g) => g.length).sort((x, y) => y - x);
    const exact = sizes[2]!;
    expect(sizes[1]!).toBeGreaterThan(exact);
    for (const [max, link] of [
      [80, false],
      [1000, false],
      [80, true],
      [exact, false],
      [exact, true],
    ] as const) {
      const source = link ? sourceFlags(d.store, 'src') : null;
      const a = analyzeBlocking(d.store, RULES, link ? { maxBlockSize: max, largest: 3, source: 'src' } : { maxBlockSize: max, largest: 3 });
      const expected = naivePairs(d, max, source);
      const emitted = candidatePairs(buildBlockIndexes(d.store, RULES), source === null ? { maxBlockSize: max } : { maxBlockSize: max, source }).forEach(() => {});
      expect(a.mode).toBe(link ? 'link' : 'dedupe');
      let cumulative = 0;
      RULES.forEach((_r, r) => {
        const s = a.rules[r]!;
        const groups = [...naiveGroups(d.keys[r]!).values()];
        const pairsOf = (rows: number[]): number => {
          if (source === null) return (rows.length * (rows.length - 1)) / 2;
          const nl = rows.filter((x) => source[x] === 0).length;
          return nl * (rows.length - nl);
        };
        expect(s.rowsWithKey).toBe(d.keys[r]!.filter((k) => k !== null).length);
        expect(s.blocks).toBe(groups.length);
        expect(s.pairs).toBe(groups.reduce((n, g) => n + pairsOf(g), 0));
        expect(s.blocksOverCap).toBe(groups.filter((g) => g.length > max).length);
        expect(s.pairsOverCap).toBe(groups.filter((g) => g.length > max).reduce((n, g) => n + pairsOf(g), 0));
        expect(s.newPairs).toBe(expected.perRule[r]!.size);
        expect(s.newPairs).toBe(emitted.rules[r]!.pairs);
        cumulative += s.newPairs;
        expect(s.cumulativePairs).toBe(cumulative);
        const sizes = groups.map((g) => g.length).sort((x, y) => y - x);
        expect(s.largestBlocks.map((b) => b.size)).toEqual(sizes.slice(0, 3));
        for (const b of s.largestBlocks) {
          const rows = naiveGroups(d.keys[r]!).get(b.key!.split(' | ').join('|'))!;
          expect(rows.length).toBe(b.size);
        }
      });
      expect(a.totalPairs).toBe(cumulative);
    }
  });

  it('hides key text on request and refuses a bad source column', () => {
    const d = makeData(8, 100);
    const a = analyzeBlocking(d.store, RULES, { includeKeyValues: false });
    for (const r of a.rules) for (const b of r.largestBlocks) expect(b.key).toBeUndefined();
    expect(() => analyzeBlocking(d.store, RULES, { source: 'dob' })).toThrowError(/uint8/);
    expect(() => analyzeBlocking(d.store, RULES, { maxBlockSize: 1 })).toThrowError(/maxBlockSize/);
  });
});
