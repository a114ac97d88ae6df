import { describe, expect, it } from 'vitest';
import { matchProgress, readAndPrepare } from '../../src/cli/match-progress.js';
import { createProgressReporter } from '../../src/io/progress.js';
import type { MatchProgress } from '../../src/pipeline/match.js';

/** Feed pipeline events through the adapter into a non-TTY reporter on a fake clock. */
function render(events: Array<[number, MatchProgress]>, given = false, read = false): string {
  let now = 0;
  let out = '';
  const reporter = createProgressReporter({ stream: { write: (s: string) => void (out += s) }, tty: false, now: () => now });
  const onProgress = matchProgress(reporter, given, read);
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
      [0, { phase: 'prepare', done: 0, unit: 'rows' }],
      [400, { phase: 'prepare', done: 2500, unit: 'rows' }],
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
      'prepare: 5,000 rows in 1.0 s (5,000 rows/s)',
      'index: 5,000 rows in 500 ms (10,000 rows/s)',
      'pairs: 1,000 pairs in 200 ms (5,000 pairs/s)',
      'compare: 1,000 pairs in 1.0 s (1,000 pairs/s)',
      'train: 1,000 pairs in 3.0 s (333 pairs/s)',
      'score: 1,000 pairs in 10 ms (100,000 pairs/s)',
      'cluster: 5,000 rows in 20 ms (250,000 rows/s)',
      '',
    ]);
  });

  it('with the reading shown (read + prepare), no prepare line: the read line lasts until the rows are prepared, and index is timed from there', () => {
    let now = 0;
    let out = '';
    const reporter = createProgressReporter({ stream: { write: (s: string) => void (out += s) }, tty: false, now: () => now });
    const reading = readAndPrepare(reporter);
    const onProgress = matchProgress(reporter, false, true);
    const at = (t: number, f: () => void) => ((now = t), f());
    at(0, () => onProgress({ phase: 'prepare', done: 0, unit: 'rows' }));
    at(0, () => reading({ phase: 'read', done: 0, unit: 'bytes' }));
    at(500, () => onProgress({ phase: 'prepare', done: 2500, unit: 'rows' }));
    at(600, () => reading({ phase: 'read', done: 600_000, unit: 'bytes' }));
    at(1000, () => reading({ phase: 'read', done: 1_000_000, unit: 'bytes', final: true }));
    at(1000, () => onProgress({ phase: 'prepare', done: 5000, total: 5000, unit: 'rows', final: true }));
    at(1500, () => onProgress({ phase: 'index', done: 4, total: 4, unit: 'rules', final: true }));
    reporter.end();
    // (then the pairs phase, opened when index ended)
    expect(out.split('\n').slice(0, 2)).toEqual(['read + prepare: 1,000,000 bytes in 1.0 s (1.0 MiB/s)', 'index: 5,000 rows in 500 ms (10,000 rows/s)']);
    // A link's two inputs keep their names.
    out = '';
    at(2000, () => reading({ phase: 'read left.csv', done: 10, unit: 'bytes', final: true }));
    reporter.end();
    expect(out).toBe('read + prepare left.csv: 10 bytes in 0 ms\n');
  });

  it('a streamed run (pairs made and compared window by window) shows one pairs line, not two lines a window', () => {
    for (const given of [false, true]) {
      const events: Array<[number, MatchProgress]> = [
        [1000, { phase: 'prepare', done: 5000, total: 5000, unit: 'rows', final: true }],
        [1500, { phase: 'index', done: 4, total: 4, unit: 'rules', final: true }],
      ];
      for (let w = 1; w <= 5; w++) {
        events.push([1500 + w * 100, { phase: 'compare', done: w * 1000, unit: 'pairs' }]);
        events.push([1550 + w * 100, { phase: 'pairs', done: w * 1000, unit: 'pairs' }]);
      }
      events.push([2100, { phase: 'pairs', done: 5000, total: 5000, unit: 'pairs', final: true }]);
      events.push([2100, { phase: 'compare', done: 5000, total: 5000, unit: 'pairs', final: true }]);
      events.push([2100, { phase: 'train', done: 1, total: 1, unit: 'rules', final: true }]);
      events.push([2150, { phase: 'score', done: 5000, total: 5000, unit: 'pairs', final: true }]);
      events.push([2160, { phase: 'cluster', done: 5000, total: 5000, unit: 'rows', final: true }]);
      const lines = render(events, given).split('\n');
      expect(lines.filter((l) => l.startsWith('pairs:'))).toEqual(['pairs: 5,000 pairs in 600 ms (8,333 pairs/s)']);
      expect(lines.filter((l) => l.startsWith('compare:'))).toEqual([]);
      expect(lines.map((l) => l.split(':')[0])).toEqual(given ? ['prepare', 'index', 'pairs', 'score', 'cluster', ''] : ['prepare', 'index', 'pairs', 'train', 'score', 'cluster', '']);
    }
  });
});
