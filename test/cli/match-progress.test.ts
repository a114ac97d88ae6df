import { describe, expect, it } from 'vitest';
import { matchProgress } from '../../src/cli/match-progress.js';
import { createProgressReporter } from '../../src/io/progress.js';
import type { MatchProgress } from '../../src/pipeline/match.js';

/** Feed pipeline events through the adapter into a non-TTY reporter on a fake clock. */
function render(events: Array<[number, MatchProgress]>): string {
  let now = 0;
  let out = '';
  const reporter = createProgressReporter({ stream: { write: (s: string) => void (out += s) }, tty: false, now: () => now });
  const onProgress = matchProgress(reporter);
  for (const [at, e] of events) {
    now = at;
    onProgress(e);
  }
  reporter.end();
  return out;
}

describe('matchProgress', () => {
  it('times each final-only phase from the end of the previous one, in rows / pairs instead of rules', () => {
    const out = render([
      [1000, { phase: 'prepare', done: 5000, total: 5000, unit: 'rows', final: true }],
      [1500, { phase: 'index', done: 4, total: 4, unit: 'rules', final: true }],
      [1600, { phase: 'pairs', done: 800, unit: 'pairs' }],
      [1700, { phase: 'pairs', done: 1000, total: 1000, unit: 'pairs', final: true }],
      [2700, { phase: 'compare', done: 1000, total: 1000, unit: 'pairs', final: true }],
      [5700, { phase: 'train', done: 1, total: 1, unit: 'rules', final: true }],
      [5710, { phase: 'score', done: 1000, total: 1000, unit: 'pairs', final: true }],
      [5730, { phase: 'cluster', done: 5000, total: 5000, unit: 'rows', final: true }],
    ]);
    expect(out.split('\n')).toEqual([
      'prepare: 5,000 rows in 0 ms',
      'index: 5,000 rows in 500 ms (10,000 rows/s)',
      'pairs: 1,000 pairs in 200 ms (5,000 pairs/s)',
      'compare: 1,000 pairs in 1.0 s (1,000 pairs/s)',
      'train: 1,000 pairs in 3.0 s (333 pairs/s)',
      'score: 1,000 pairs in 10 ms (100,000 pairs/s)',
      'cluster: 5,000 rows in 20 ms (250,000 rows/s)',
      '',
    ]);
  });
});
