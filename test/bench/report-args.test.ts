/**
 * The bench scripts' command-line helpers (bench/lib/report.ts): --help, unknown options, typos,
 * bad counts and bad environment values are refused before any work; the median run is found
 * for an even number of runs.
 */
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytes, checkArgs, countValue, envCount, median, medianIndex, parseArgs, parseCount, parseNameList, seconds, tsxCommand } from '../../bench/lib/report.js';

const OPTIONS = { records: 'value', runs: 'value', write: 'flag' } as const;

/** Run `f` with process.exit and the console captured; returns the exit code and what was printed. */
function exits(f: () => unknown): { code: number | undefined; out: string; err: string } {
  let out = '';
  let err = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n'));
  vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    throw Object.assign(new Error('exit'), { exitCode: code });
  }) as typeof process.exit);
  try {
    f();
  } catch (e) {
    return { code: (e as { exitCode?: number }).exitCode, out, err };
  }
  return { code: undefined, out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.KHOP_TEST_N;
  delete process.env.KHOP_TEST_OLD_N;
});

describe('checkArgs', () => {
  it('reads values, --name=value and flags', () => {
    expect(checkArgs(['--records', '2k', '--runs=3', '--write'], OPTIONS)).toEqual({ kind: 'ok', args: { records: '2k', runs: '3', write: true }, positionals: [] });
  });
  it('says help wherever --help or -h is', () => {
    expect(checkArgs(['--records', '2k', '--help'], OPTIONS).kind).toBe('help');
    expect(checkArgs(['-h'], OPTIONS).kind).toBe('help');
  });
  it.each([
    [['--record', '2000'], "unknown option '--record'"],
    [['--nowrite'], "unknown option '--nowrite'"],
    [['--records=5', '--bogus=1'], "unknown option '--bogus'"],
    [['-x'], "unknown option '-x'"],
    [['2000'], "unexpected argument '2000'"],
    [['--write', 'yes'], "unexpected argument 'yes'"],
    [['--write=yes'], '--write takes no value'],
    [['--records'], '--records needs a value'],
    [['--records', '--write'], '--records needs a value'],
  ])('refuses %j', (argv, message) => {
    expect(checkArgs(argv, OPTIONS)).toEqual({ kind: 'error', message });
  });
  it('takes positionals up to the limit', () => {
    expect(checkArgs(['generate', '/tmp/x', '--records', '5'], OPTIONS, 2)).toEqual({ kind: 'ok', args: { records: '5' }, positionals: ['generate', '/tmp/x'] });
    expect(checkArgs(['a', 'b', 'c'], OPTIONS, 2).kind).toBe('error');
  });
  it('does not take an inherited property name as an option', () => {
    expect(checkArgs(['--toString'], OPTIONS).kind).toBe('error');
  });
});

describe('parseArgs', () => {
  it('prints the usage and exits 0 on --help', () => {
    const r = exits(() => parseArgs(['--help'], OPTIONS, 'USAGE TEXT'));
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('USAGE TEXT');
  });
  it('exits 2 with one line naming an unknown option or a typo', () => {
    const r = exits(() => parseArgs(['--record', '2000'], OPTIONS, 'USAGE'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual(["unknown option '--record'; see --help"]);
  });
  it('returns the options of a good command line', () => {
    expect(parseArgs(['--records', '2000'], OPTIONS, 'USAGE')).toEqual({ records: '2000' });
  });
});

describe('counts', () => {
  it.each([
    ['100000', 100000],
    ['2k', 2000],
    ['1.5k', 1500],
    ['10M', 10_000_000],
    ['1m', 1_000_000],
  ])('reads %s', (s, n) => expect(countValue(s)).toBe(n));
  it.each(['abc', '', '-1', '1e6', '0.5', '1.0001k', '2 k'])('refuses %j', (s) => expect(countValue(s)).toBeNull());

  it('falls back when the option is absent', () => {
    expect(parseCount(undefined, 7, 'runs')).toBe(7);
  });
  it.each([
    ['abc', '--records abc: not a count'],
    ['0', '--records 0: must be at least 1'],
    ['1.5', '--records 1.5: not a count'],
  ])('exits 2 on --records %s', (s, start) => {
    const r = exits(() => parseCount(s, 1000, 'records'));
    expect(r.code).toBe(2);
    expect(r.err.startsWith(start)).toBe(true);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
  it('takes 0 where the script allows it', () => {
    expect(parseCount('0', 5, 'misses', 0)).toBe(0);
  });
  it('checks environment variables, old names too', () => {
    expect(envCount('KHOP_TEST_N', 9)).toBe(9);
    process.env.KHOP_TEST_OLD_N = '3k';
    expect(envCount('KHOP_TEST_N', 9, ['KHOP_TEST_OLD_N'])).toBe(3000);
    process.env.KHOP_TEST_N = '4';
    expect(envCount('KHOP_TEST_N', 9, ['KHOP_TEST_OLD_N'])).toBe(4);
    process.env.KHOP_TEST_N = 'abc';
    const r = exits(() => envCount('KHOP_TEST_N', 9));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^KHOP_TEST_N=abc: not a count/);
  });
});

describe('parseNameList', () => {
  const known = ['hash', 'text'];
  it('reads known names', () => expect(parseNameList('hash, text', 'only', known)).toEqual(['hash', 'text']));
  it('is undefined when absent', () => expect(parseNameList(undefined, 'only', known)).toBeUndefined());
  it.each(['bogus', 'hash,bogus', ','])('exits 2 on %j', (s) => {
    const r = exits(() => parseNameList(s, 'only', known));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--only');
  });
});

describe('medianIndex', () => {
  it('finds a run for an even count, where the median matches none', () => {
    const ratios = [1.9, 1.5, 1.7, 1.6];
    expect(ratios.indexOf(median(ratios))).toBe(-1);
    expect(ratios[medianIndex(ratios)]).toBe(1.6);
  });
  it('is the median itself for an odd count', () => {
    expect(medianIndex([3, 1, 2])).toBe(2);
  });
  it('is -1 for no runs', () => expect(medianIndex([])).toBe(-1));
});

describe('formatters', () => {
  it('shows a short build in seconds with its digits, not "0 s"', () => {
    expect(seconds(150)).toBe('0.15 s');
    expect(seconds(12_345)).toBe('12.3 s');
    expect(seconds(604_400)).toBe('604 s');
    expect(seconds(Number.NaN)).toBe('—');
  });
  it('labels bytes with their unit', () => {
    expect(bytes(16_000)).toBe('15.6 KiB');
    expect(bytes(3_000_000)).toBe('2.9 MiB');
    expect(bytes(801)).toBe('801 B');
  });
});

describe('tsxCommand', () => {
  it('says --expose-gc when the run had global.gc, as the section\'s command must', () => {
    const g = globalThis as { gc?: unknown };
    const had = g.gc;
    try {
      g.gc = () => {};
      expect(tsxCommand()).toBe('npx tsx --expose-gc');
      delete g.gc;
      expect(tsxCommand()).toBe('npx tsx');
    } finally {
      if (had !== undefined) g.gc = had;
    }
  });
});

describe('a script', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const run = (args: string[]) => spawnSync(tsx, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });
  it('prints its usage on --help and does no work', () => {
    const r = run(['bench/register/scale.ts', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--records N');
    expect(r.stdout).toContain('--no-candidates');
  });
  it('refuses a typo in one line, exit 2', () => {
    const r = run(['bench/register/scale.ts', '--record', '2000']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("unknown option '--record'; see --help");
  });
  it.each([
    [['bench/run-all.ts', '--only', 'bogus'], /^--only: unknown name\(s\) bogus/],
    [['bench/run-all.ts', '--nowrite'], /^unknown option '--nowrite'/],
    [['bench/quality/run.ts', '--only', 'RLdata500', '--write'], /^--write refused: --only runs a subset/],
    [['bench/quality/run.ts', '--only', 'fake_100'], /^--only: unknown name\(s\) fake_100/],
    [['bench/e2e/run.ts', '--stages', 'khop-authentcate', '--write'], /^--stages: unknown name\(s\) khop-authentcate/],
    [['bench/e2e/run.ts', '--reuse'], /^--reuse needs --dir/],
    [['bench/e2e/run.ts', '--dir='], /^--dir needs a path/],
    [['bench/e2e/run.ts', '--reuse', '--dir', tmpdir()], /^--reuse: .* holds no register\.csv, people\.csv, claims\.csv/],
    // Size 1: dedupe needs two records (and link one a side): refused with the reason, not a stack trace.
    [['bench/pool/parallel.ts', '--records', '1'], /^--records 1: must be at least 2 \(random pairs and dedupe need two records\)/],
    [['bench/pipeline/linkage.ts', '--records', '1'], /^--records 1: must be at least 2 \(dedupe needs two records\)/],
    [['bench/quality/run.ts', '--synthetic', '1'], /^--synthetic 1: must be at least 2 \(dedupe needs two records, link one on each side\)/],
  ])('refuses %j before any work, exit 2', (argv, message) => {
    const r = run(argv);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
  it('refuses a bad count before any work', () => {
    const r = run(['bench/register/parallel.ts', '--runs', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('--runs 0: must be at least 1; see --help');
  });
});
