import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { verdictConfusion } from '../../src/eval/verdict-confusion.js';
import { isKhopError } from '../../src/errors.js';
import { thrown } from '../util/thrown.js';

describe('verdictConfusion', () => {
  it('hand-computed matrix, accuracy and per-verdict precision/recall', () => {
    const expected = ['VERIFIED', 'VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID', 'VERIFIED'];
    const actual = ['VERIFIED', 'MISMATCH', 'MISMATCH', 'NOT_FOUND', 'NOT_FOUND', 'VERIFIED'];
    const c = verdictConfusion(expected, actual);
    expect(c.labels).toEqual(['VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID']);
    expect(c.matrix).toEqual([
      [2, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 1, 0],
    ]);
    expect(c.total).toBe(6);
    expect(c.correct).toBe(4);
    expect(c.accuracy).toBeCloseTo(4 / 6, 12);
    expect(c.perLabel[0]).toEqual({ label: 'VERIFIED', support: 3, predicted: 2, correct: 2, precision: 1, recall: 2 / 3 });
    expect(c.perLabel[1]).toMatchObject({ label: 'MISMATCH', precision: 0.5, recall: 1 });
    expect(c.perLabel[3]).toMatchObject({ label: 'INVALID_ID', predicted: 0, correct: 0, recall: 0 });
    expect(c.perLabel[3].precision).toBeNaN();
  });
  it('orders unknown labels after the verdicts, alphabetically; honours explicit labels', () => {
    expect(verdictConfusion(['zeta', 'MISMATCH'], ['alpha', 'VERIFIED']).labels).toEqual(['VERIFIED', 'MISMATCH', 'alpha', 'zeta']);
    const c = verdictConfusion(['A'], ['A'], { labels: ['B', 'A'] });
    expect(c.labels).toEqual(['B', 'A']);
    expect(c.matrix).toEqual([[0, 0], [0, 1]]);
  });
  it('empty input: accuracy NaN', () => {
    const c = verdictConfusion([], []);
    expect(c.total).toBe(0);
    expect(c.accuracy).toBeNaN();
  });
  it('rows sum to support, the diagonal to correct (property)', () => {
    const v = fc.constantFrom('VERIFIED', 'MISMATCH', 'NOT_FOUND', 'INVALID_ID', 'INCONSISTENT_ID', 'AMBIGUOUS');
    fc.assert(
      fc.property(fc.array(fc.tuple(v, v), { maxLength: 200 }), (pairs) => {
        const c = verdictConfusion(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
        const total = c.matrix.flat().reduce((a, b) => a + b, 0);
        const diag = c.matrix.reduce((s, row, i) => s + row[i], 0);
        const correct = pairs.filter(([e, a]) => e === a).length;
        return total === pairs.length && diag === correct && c.correct === correct && c.perLabel.every((p, i) => p.support === c.matrix[i].reduce((a, b) => a + b, 0));
      }),
    );
  });
  it('rejects mismatched lengths, non-strings and values outside explicit labels', () => {
    const bad: Array<() => unknown> = [
      () => verdictConfusion(['A'], []),
      () => verdictConfusion([1 as unknown as string], ['A']),
      () => verdictConfusion(['A'], ['C'], { labels: ['A', 'B'] }),
    ];
    for (const f of bad) expect(isKhopError(thrown(f), 'INVALID_ARGUMENT')).toBe(true);
    expect(() => verdictConfusion(['A'], ['A'], { labels: ['A', 'A'] })).toThrow();
  });
});
