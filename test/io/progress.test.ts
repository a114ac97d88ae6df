import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { createProgressReporter, formatDuration, type ProgressEvent } from '../../src/io/progress.js';

function fake(isTTY: boolean) {
  const writes: string[] = [];
  let t = 0;
  return {
    stream: { isTTY, write: (s: string) => writes.push(s) },
    writes,
    now: () => t,
    advance: (ms: number) => (t += ms),
  };
}

describe('createProgressReporter on a TTY', () => {
  it('rewrites one line, throttled to 10 redraws per second, with rate and ETA', () => {
    const f = fake(true);
    const report = createProgressReporter({ stream: f.stream, now: f.now });
    for (let i = 1; i <= 100; i++) {
      f.advance(10); // 100 events over one second
      report({ phase: 'read', done: i * 100, total: 20_000, unit: 'rows' });
    }
    expect(f.writes.length).toBeLessThanOrEqual(11);
    expect(f.writes.length).toBeGreaterThanOrEqual(9);
    for (const w of f.writes) expect(w.startsWith('\r\x1b[2K')).toBe(true);
    // the first event is drawn at once (elapsed 0: no rate yet)
    expect(f.writes[0]).toBe('\r\x1b[2Kread  100 / 20,000 rows  (0.5%)');
    const last = f.writes.at(-1)!;
    // 10,000 rows in ~1 s → ~10,000 rows/s, 10,000 left → ETA ~1 s
    expect(last).toMatch(/^\r\x1b\[2Kread {2}\d{1,3}(,\d{3})* \/ 20,000 rows {2}\(\d+\.\d%\) {2}\d{1,3}(,\d{3})* rows\/s {2}ETA \d/);
  });

  it('a final event ends the line with a newline; the next phase starts a new line', () => {
    const f = fake(true);
    const report = createProgressReporter({ stream: f.stream, now: f.now });
    report({ phase: 'read', done: 0, unit: 'bytes', total: 4 * 1048576 });
    f.advance(2000);
    report({ phase: 'read', done: 4 * 1048576, unit: 'bytes', total: 4 * 1048576, final: true });
    expect(f.writes.at(-1)).toBe('\r\x1b[2Kread  4,194,304 / 4,194,304 bytes  (100.0%)  2.0 MiB/s\n');
    f.advance(500);
    report({ phase: 'score', done: 10, unit: 'pairs' });
    f.advance(500);
    report.end();
    expect(f.writes.at(-1)).toBe('\r\x1b[2Kscore  10 pairs  20 pairs/s\n');
  });
});

describe('createProgressReporter on a log (not a TTY)', () => {
  it('writes one summary line per phase, when it ends', () => {
    const f = fake(false);
    const report = createProgressReporter({ stream: f.stream, now: f.now });
    const events: ProgressEvent[] = [
      { phase: 'read', done: 1000, unit: 'rows' },
      { phase: 'read', done: 2000, unit: 'rows' },
    ];
    for (const e of events) {
      f.advance(500);
      report(e);
    }
    expect(f.writes).toEqual([]);
    f.advance(500);
    report({ phase: 'index', done: 5, unit: 'keys' }); // phase change closes "read"
    expect(f.writes).toEqual(['read: 2,000 rows in 1.0 s (2,000 rows/s)\n']);
    f.advance(1500);
    report({ phase: 'index', done: 3_000_000, unit: 'keys', final: true });
    expect(f.writes[1]).toBe('index: 3,000,000 keys in 1.5 s (2,000,000 keys/s)\n');
    report.end(); // nothing open: nothing more
    expect(f.writes.length).toBe(2);
  });

  it('prints nothing when quiet', () => {
    const f = fake(true);
    const report = createProgressReporter({ stream: f.stream, now: f.now, quiet: true });
    report({ phase: 'read', done: 1, unit: 'rows', final: true });
    report.end();
    expect(f.writes).toEqual([]);
  });

  it('tty option overrides the stream flag', () => {
    const f = fake(true);
    const report = createProgressReporter({ stream: f.stream, now: f.now, tty: false });
    report({ phase: 'x', done: 1, unit: 'claims' });
    expect(f.writes).toEqual([]);
  });
});

describe('progress helpers and validation', () => {
  it('formatDuration', () => {
    expect(formatDuration(950)).toBe('950 ms');
    expect(formatDuration(12_300)).toBe('12.3 s');
    expect(formatDuration(754_000)).toBe('12m34s');
    expect(formatDuration(7_384_000)).toBe('2h03m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('bad options are listed together', () => {
    let err: unknown;
    try {
      createProgressReporter({ stream: {} as never, maxUpdatesPerSecond: 0, quiet: 'no' as never });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    expect((err as { details: { problems: string[] } }).details.problems.length).toBe(3);
  });

  it('a malformed event is a programmer error', () => {
    const f = fake(false);
    const report = createProgressReporter({ stream: f.stream, now: f.now });
    expect(() => report({ phase: 'x', done: Number.NaN, unit: 'rows' })).toThrow(/progress event/);
  });
});
