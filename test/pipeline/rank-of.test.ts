/**
 * rankOf: the order of user record ids that names a cluster by its SMALLEST id — digits by
 * value (CSV ids are text: "9" before "10"), numbers with them, other text after, a link's left
 * rows first. Against an oracle of BigInt values on seeded ids of every form.
 */
import { describe, expect, it } from 'vitest';
import { rankOf } from '../../src/pipeline/rank-of.js';
import { Rng } from '../../src/util/rng.js';
import { compareRecordIds } from '../../src/util/record-id-order.js';

/** Oracle order of two ids (rows a, b for ties), as the doc of rankOf states it. */
function compare(x: string | number, y: string | number, a: number, b: number, source?: Uint8Array): number {
  if (source !== undefined && source[a] !== source[b]) return source[a]! - source[b]!;
  const numeric = (v: string | number) => typeof v === 'number' || /^[0-9]+$/.test(v);
  if (numeric(x) !== numeric(y)) return numeric(x) ? -1 : 1;
  if (numeric(x)) {
    // Values exactly: integers as BigInt, other numbers compared as numbers.
    const vx = typeof x === 'number' && !Number.isInteger(x) ? null : BigInt(x);
    const vy = typeof y === 'number' && !Number.isInteger(y) ? null : BigInt(y);
    const c = vx !== null && vy !== null ? (vx < vy ? -1 : vx > vy ? 1 : 0) : Math.sign(Number(x) - Number(y));
    if (c !== 0) return c;
    if (typeof x === 'number' || typeof y === 'number') return typeof x === 'number' ? (typeof y === 'number' ? a - b : -1) : 1;
  }
  return x < y ? -1 : x > y ? 1 : a - b;
}

function randomId(rng: Rng): string | number {
  switch (rng.int(7)) {
    case 0:
      return rng.int(1000);
    case 1:
      return rng.int(1000) + (rng.chance(0.5) ? 0.5 : 0) - (rng.chance(0.2) ? 2000 : 0);
    case 2:
      return String(rng.int(1000));
    case 3:
      return '0'.repeat(1 + rng.int(2)) + String(rng.int(1000)); // leading zeros
    case 4: {
      // More digits than a double holds exactly: ties of the rounded value.
      const head = String(1 + rng.int(9)) + '0'.repeat(15);
      return head + String(rng.int(100)).padStart(3, '0');
    }
    case 5:
      return `r${rng.int(1000)}`;
    default:
      return ['', ' 7', '7a', 'Ω', 'abc', 'Abc'][rng.int(6)]!;
  }
}

describe('rankOf', () => {
  it('orders ids as the oracle does: digits and numbers by value, then text; a link side first (seeded)', () => {
    const rng = new Rng(91);
    for (let round = 0; round < 60; round++) {
      const n = 1 + rng.int(300);
      const ids = Array.from({ length: n }, () => randomId(rng));
      const source = round % 2 === 0 ? undefined : Uint8Array.from({ length: n }, () => rng.int(2));
      const rank = rankOf(ids, source);
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => compare(ids[a]!, ids[b]!, a, b, source));
      const got = Array.from({ length: n }, (_, i) => i).sort((a, b) => rank[a]! - rank[b]!);
      expect(got).toEqual(expected);
    }
  });

  it('compareRecordIds (the register\'s order of tied candidates) is the same order (seeded)', () => {
    const rng = new Rng(92);
    for (let round = 0; round < 40; round++) {
      const n = 1 + rng.int(200);
      const ids = Array.from({ length: n }, () => randomId(rng));
      const rank = rankOf(ids);
      const byRank = Array.from({ length: n }, (_, i) => i).sort((a, b) => rank[a]! - rank[b]!);
      const byCompare = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareRecordIds(ids[a]!, ids[b]!) || a - b);
      expect(byCompare).toEqual(byRank);
    }
  });

  it('rows already in id order (the default ids: positions; a link: each side from 0) rank as they are', () => {
    expect(Array.from(rankOf([0, 1, 2, 3, 4]))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(rankOf(['8', '9', '10', 'a']))).toEqual([0, 1, 2, 3]);
    expect(Array.from(rankOf([0, 1, 2, 0, 1], Uint8Array.of(0, 0, 0, 1, 1)))).toEqual([0, 1, 2, 3, 4]);
    // Sorted but for one tie: two equal ids keep their row order.
    expect(Array.from(rankOf([0, 1, 1, 2]))).toEqual([0, 1, 2, 3]);
    expect(Array.from(rankOf([1, 0]))).toEqual([1, 0]);
  });

  it('known answers: "9" before "10", 0 before "1", "007" before "7" after 7, text last', () => {
    const ids = ['10', '9', 'b', 7, '007', '7', '1', 0, 'a'];
    const rank = rankOf(ids);
    const order = Array.from(rank.keys()).sort((a, b) => rank[a]! - rank[b]!).map((i) => ids[i]);
    expect(order).toEqual([0, '1', 7, '007', '7', '9', '10', 'a', 'b']);
  });
});
