import { describe, it, expect } from 'vitest';
import { buildRuleKeys, compileRuleKeys, hashRuleKeysInRange, recordKeyBytes, rowKeyBytes, rowKeyText } from '../../src/block/blocking-keys.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import type { BlockingRule } from '../../src/block/blocking-rule.js';
import { RecordStore, type CellValue, type ColumnSpec } from '../../src/block/record-store.js';
import { xxh64 } from '../../src/hash/xxh64-reference.js';
import { Rng } from '../../src/util/rng.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'given', type: 'ascii' },
  { name: 'full', type: 'utf8' },
  { name: 'dob', type: 'int32' },
  { name: 'sex', type: 'uint8' },
  { name: 'num', type: 'float64' },
];

const RULES: BlockingRule[] = [
  { name: 'id', parts: [{ column: 'id' }] },
  { name: 'g3', parts: [{ column: 'given', transform: 'first', n: 3 }] },
  { name: 'g2-last', parts: [{ column: 'given', transform: 'last', n: 2 }, { column: 'sex' }] },
  { name: 'g3-year', parts: [{ column: 'given', transform: 'first', n: 3 }, { column: 'dob', transform: 'year' }] },
  { name: 'ym-full', parts: [{ column: 'dob', transform: 'yearMonth' }, { column: 'full' }] },
  { name: 'dob-num', parts: [{ column: 'dob' }, { column: 'num' }] },
];

/** The key as the spec defines it, built the naive way (strings), or null. */
function naiveKey(rule: BlockingRule, row: Record<string, CellValue>): Uint8Array | null {
  const parts: string[] = [];
  for (const p of rule.parts) {
    const v = row[p.column];
    if (v === null || v === undefined || v === '') return null;
    const t = p.transform ?? 'exact';
    if (t === 'first') parts.push((v as string).slice(0, p.n));
    else if (t === 'last') parts.push((v as string).slice(-p.n!));
    else if (t === 'year' || t === 'yearMonth') {
      const d = v as number;
      const y = Math.floor(d / 10000);
      const m = Math.floor(d / 100) % 100;
      if (y <= 0 || (t === 'yearMonth' && m === 0)) return null;
      parts.push(String(t === 'year' ? y : Math.floor(d / 100)));
    } else parts.push(String(v));
  }
  return new TextEncoder().encode(parts.join('\u001f'));
}

function makeRows(seed: number, n: number): Record<string, CellValue>[] {
  const rng = new Rng(seed);
  const givens = ['an', 'anh', 'thanh', 'thao', 'tuan', 'tu', 'b', ''];
  const fulls = ['Nguyễn Văn An', 'Trần Thị Thảo', 'Lê Anh', 'Đỗ Tuấn'];
  const rows: Record<string, CellValue>[] = [];
  for (let r = 0; r < n; r++) {
    const m = rng.int(13);
    rows.push({
      id: rng.chance(0.1) ? null : String(100000000000 + rng.int(50)),
      given: rng.chance(0.1) ? null : rng.pick(givens),
      full: rng.chance(0.1) ? null : rng.pick(fulls),
      dob: rng.chance(0.1) ? null : rng.chance(0.1) ? 0 : (1950 + rng.int(3)) * 10000 + m * 100 + rng.int(3),
      sex: rng.chance(0.1) ? null : rng.int(2),
      num: rng.chance(0.1) ? null : rng.chance(0.5) ? rng.int(5) - 2 : rng.pick([0.5, -1.25, 1e21, 123456789012]),
    });
  }
  return rows;
}

function storeOf(rows: Record<string, CellValue>[]): RecordStore {
  const s = new RecordStore(COLUMNS, { chunkBits: 4 });
  for (const r of rows) s.append(COLUMNS.map((c) => r[c.name]));
  return s;
}

describe('blocking keys', () => {
  it('known answers: key bytes and XXH64 of a hand-made row', () => {
    const store = storeOf([{ id: '001090012345', given: 'thanh', full: 'Nguyễn Văn Thành', dob: 19900512, sex: 1, num: 42 }]);
    const bytes = (rule: BlockingRule): string | null => {
      const b = rowKeyBytes(store, rule, 0);
      return b === null ? null : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
    };
    expect(bytes(RULES[3]!)).toBe('74 68 61 1f 31 39 39 30'); // "tha" US "1990"
    expect(bytes(RULES[2]!)).toBe('6e 68 1f 31'); // "nh" US "1"
    expect(rowKeyText(store, RULES[4]!, 0)).toBe('199005 | Nguyễn Văn Thành');
    expect(rowKeyText(store, RULES[5]!, 0)).toBe('19900512 | 42');
    const keys = buildRuleKeys(store, RULES[0]!);
    const h = xxh64(new TextEncoder().encode('001090012345'));
    expect(keys.count).toBe(1);
    expect(keys.hi[0]).toBe(Number(h >> 32n));
    expect(keys.lo[0]).toBe(Number(h & 0xffffffffn));
  });

  it('every row hashes its naive key; rows with a missing part get none (seeded oracle)', () => {
    const rows = makeRows(5, 600);
    const store = storeOf(rows);
    for (const rule of RULES) {
      for (const seed of [0n, 0x9e3779b97f4a7c15n]) {
        const keys = buildRuleKeys(store, rule, { seed });
        let j = 0;
        rows.forEach((row, r) => {
          const key = naiveKey(rule, row);
          expect(keys.hasKey[r]).toBe(key === null ? 0 : 1);
          if (key === null) return;
          expect(keys.rows[j]).toBe(r);
          const h = xxh64(key, seed);
          expect([keys.hi[j], keys.lo[j]]).toEqual([Number(h >> 32n), Number(h & 0xffffffffn)]);
          expect(rowKeyBytes(store, rule, r)).toEqual(key);
          // a query record keyed the same way gets the same bytes
          expect(recordKeyBytes(rule, COLUMNS, row)).toEqual(key);
          j++;
        });
        expect(keys.count).toBe(j);
        expect(keys.rows.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
    }
  });

  it('refuses invalid rules before touching the data', () => {
    const store = storeOf(makeRows(1, 5));
    expect(() => buildRuleKeys(store, { name: 'x', parts: [{ column: 'full', transform: 'first', n: 2 }] })).toThrowError(/ascii/);
  });
});

describe('hashRuleKeysInRange (the per-thread part of the parallel index build)', () => {
  it('any split into row ranges gives buildRuleKeys’ hashes at the rows’ positions', () => {
    const rows = makeRows(17, 300);
    const store = storeOf(rows);
    const hasher = new KeyHasher({ seed: 5n });
    for (const rule of RULES) {
      const want = buildRuleKeys(store, rule, { seed: 5n });
      const compiled = compileRuleKeys(store, rule);
      for (const cuts of [[0, 300], [0, 1, 16, 17, 150, 299, 300], [0, 0, 33, 300]]) {
        const lo = new Uint32Array(300);
        const hi = new Uint32Array(300);
        const hasKey = new Uint8Array(300);
        let count = 0;
        for (let i = 0; i + 1 < cuts.length; i++) count += hashRuleKeysInRange(store, compiled, hasher, cuts[i]!, cuts[i + 1]!, lo, hi, hasKey);
        expect(count).toBe(want.count);
        expect(Array.from(hasKey)).toEqual(Array.from(want.hasKey));
        for (let j = 0; j < want.count; j++) {
          const r = want.rows[j]!;
          expect([lo[r], hi[r]]).toEqual([want.lo[j], want.hi[j]]);
        }
      }
    }
    expect(() => hashRuleKeysInRange(store, compileRuleKeys(store, RULES[0]!), hasher, 10, 301, new Uint32Array(301), new Uint32Array(301), new Uint8Array(301))).toThrow(/hashRuleKeysInRange/);
  });
});
