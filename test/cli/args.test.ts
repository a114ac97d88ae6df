import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countOption, formatOption, integerOption, parseCommandArgs, probabilityOption } from '../../src/cli/args.js';
import { isKhopError } from '../../src/errors.js';

describe('option value parsers', () => {
  it.each([
    ['20000', 20_000],
    ['20k', 20_000],
    ['20K', 20_000],
    ['1M', 1_000_000],
    ['1.5M', 1_500_000],
    ['2.5k', 2_500],
    [' 7 ', 7],
  ])('countOption(%j) = %d', (text, n) => {
    expect(countOption({ records: text }, 'records', 1, 0, 1e9)).toBe(n);
  });

  it.each(['', 'k', '1.2345k', '-5', '1e3', '2G', '12x', '0x10', '1.5'])('countOption rejects %j', (text) => {
    expect(() => countOption({ records: text }, 'records', 1, 0, 1e9)).toThrow(/--records/);
  });

  it('countOption enforces its range and returns the fallback when absent', () => {
    expect(countOption({}, 'records', 42, 0, 10)).toBe(42);
    expect(() => countOption({ records: '11' }, 'records', 1, 0, 10)).toThrow(/0\.\.10/);
    expect(() => countOption({ records: '1' }, 'records', 1, 2, 10)).toThrow(/2\.\.10/);
  });

  it('countOption reads every plain integer and every k / M multiple back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom('', 'k', 'M'), (n, suffix) => {
        const scale = suffix === 'k' ? 1e3 : suffix === 'M' ? 1e6 : 1;
        if (n * scale > 1e12) return;
        expect(countOption({ n: `${n}${suffix}` }, 'n', -1, 0, 1e12)).toBe(n * scale);
      }),
    );
  });

  it('probabilityOption accepts (0, 1) only', () => {
    expect(probabilityOption({ threshold: '0.5' }, 'threshold')).toBe(0.5);
    expect(probabilityOption({ threshold: '.9' }, 'threshold')).toBe(0.9);
    expect(probabilityOption({ threshold: '1e-3' }, 'threshold')).toBe(0.001);
    expect(probabilityOption({}, 'threshold')).toBeUndefined();
    for (const bad of ['0', '1', '1.5', '-0.1', 'NaN', 'half', '0.5x', 'Infinity']) {
      expect(() => probabilityOption({ threshold: bad }, 'threshold'), bad).toThrow(/--threshold/);
    }
  });

  it('integerOption and formatOption', () => {
    expect(integerOption({ seed: '-3' }, 'seed', 1, -10, 10)).toBe(-3);
    expect(() => integerOption({ seed: '3.5' }, 'seed', 1, -10, 10)).toThrow(/--seed/);
    expect(formatOption({})).toBe('csv');
    expect(formatOption({ format: 'ndjson' })).toBe('ndjson');
    expect(() => formatOption({ format: 'json' })).toThrow(/--format/);
  });
});

describe('parseCommandArgs', () => {
  const options = { out: { type: 'string' as const, short: 'o' } };
  const positionals = { min: 1, max: 2, names: '<a> [b]' };

  it('parses options, positionals and the common flags', () => {
    const r = parseCommandArgs(['a.csv', '-o', 'x', '--quiet', '--debug', 'b.csv'], options, positionals, 'cmd');
    expect(r.positionals).toEqual(['a.csv', 'b.csv']);
    expect(r.values.out).toBe('x');
    expect(r.values.quiet).toBe(true);
    expect(r.values.debug).toBe(true);
  });

  it('lets --help through without positionals', () => {
    expect(parseCommandArgs(['--help'], options, positionals, 'cmd').values.help).toBe(true);
  });

  it('throws INVALID_ARGUMENT naming the option, never echoing its value', () => {
    try {
      parseCommandArgs(['a.csv', '--outt=Nguyễn Văn An'], options, positionals, 'cmd');
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toContain('--outt');
      expect((e as Error).message).not.toContain('Nguyễn');
    }
  });

  it('refuses an option given twice (the last would win without a word), and explains a negative value', () => {
    const msg = (argv: string[]): string => {
      try {
        parseCommandArgs(argv, { ...options, n: { type: 'string' as const } }, positionals, 'cmd');
      } catch (e) {
        expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
        return (e as Error).message;
      }
      return 'parsed';
    };
    expect(msg(['a.csv', '-o', 'x', '--out', 'y'])).toContain('option --out is given more than once');
    expect(msg(['a.csv', '--quiet', '--quiet'])).toContain('option --quiet is given more than once');
    expect(msg(['a.csv', '--n', '-3'])).toContain('option --n needs a value; one that starts with "-" (a negative number) is written --n=-');
    expect(msg(['a.csv', '--n=-3', '-o', 'x'])).toBe('parsed');
  });
});
