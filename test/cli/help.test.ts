import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../../src/cli/run.js';
import { errorText, exitCodeFor } from '../../src/cli/exit.js';
import { KhopError } from '../../src/errors.js';
import { cli, tempDir } from './cli-helpers.js';

const t = tempDir();
afterAll(() => t.remove());

describe('khop --help, --version and usage errors', () => {
  it('lists every command in khop --help (exit 0, stdout)', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await cli(argv, t.dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.name}`);
      expect(r.stdout).toMatch(/^Usage: khop <command>/m);
      expect(r.stdout).toContain('Example');
    }
  });

  it('prints the usage on stderr with exit 2 when no command is given', async () => {
    const r = await cli([], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: khop <command>');
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const argv of [['--version'], ['-v']]) {
      const r = await cli(argv, t.dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it.each(COMMANDS.map((c) => [c.name]))('khop %s --help shows usage, options and an example', async (name) => {
    const r = await cli([...name.split(' '), '--help'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: khop ${name}`));
    expect(r.stdout).toContain('Options:');
    expect(r.stdout).toContain('--help');
    expect(r.stdout).toMatch(/Example:\n {2}khop /);
    const viaHelp = await cli(['help', ...name.split(' ')], t.dir);
    expect(viaHelp.stdout).toBe(r.stdout);
  });

  it('every option a command accepts is documented in its help', () => {
    for (const c of COMMANDS) {
      for (const [name, spec] of Object.entries(c.options)) {
        expect(c.help, `${c.name} --${name}`).toContain(`--${name}`);
        if (spec.short !== undefined) expect(c.help, `${c.name} -${spec.short}`).toContain(`-${spec.short}, --${name}`);
      }
    }
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['register'], /did you mean "register build"/],
    [['--frob'], /unknown option --frob/],
    [['dedupe', 'x.csv', '--treshold', '0.3'], /dedupe: unknown option --treshold/],
    [['dedupe', 'x.csv', '--out'], /option --out needs a value/],
    [['dedupe', 'x.csv', '--quiet=yes'], /option --quiet takes no value/],
    [['dedupe'], /dedupe: missing argument <file>/],
    [['dedupe', 'a.csv', 'b.csv'], /too many arguments/],
    [['link', 'a.csv'], /link: missing argument <left> <right>/],
    [['demo', 'extra'], /demo: takes no file argument/],
    [['demo', '--records', 'many'], /--records: expected a whole number/],
    [['bench', '--records', '1.5'], /--records: expected a whole number/],
    [['dedupe', 'x.csv', '--threads', '0'], /--threads: expected an integer in 1\.\.256/],
    [['register', 'build', 'x.csv'], /register build: --out is required/],
    [['authenticate', 'claims.csv'], /authenticate: --register is required/],
  ])('usage error %j: exit 2, one line, no stack', async (argv, message) => {
    const r = await cli(argv as string[], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^khop: error: /);
    expect(lines[0]).toMatch(message);
  });

  it('shows the stack trace only with --debug', async () => {
    const plain = await cli(['dedupe', 'missing.csv'], t.dir);
    const debug = await cli(['dedupe', 'missing.csv', '--debug'], t.dir);
    expect(plain.code).toBe(2);
    expect(debug.code).toBe(2);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(debug.stderr.split('\n')[0]).toBe(plain.stderr.trimEnd());
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(debug.stderr).toContain('caused by: ');
  });
});

describe('main.ts', () => {
  it('exports run (= runCli) and does not start a command when imported', async () => {
    const main = await import('../../src/cli/main.js');
    const { runCli } = await import('../../src/cli/run.js');
    expect(main.run).toBe(runCli);
    expect(process.exitCode === undefined || process.exitCode === 0).toBe(true);
  });
});

describe('exit codes and error text', () => {
  it('maps configuration and input errors to 2, anything else to 3', () => {
    expect(exitCodeFor(new KhopError('INVALID_SCHEMA', 'x'))).toBe(2);
    expect(exitCodeFor(new KhopError('IO_ERROR', 'x'))).toBe(2);
    expect(exitCodeFor(new KhopError('SNAPSHOT_CORRUPT', 'x'))).toBe(2);
    expect(exitCodeFor(new KhopError('INTERNAL', 'x'))).toBe(3);
    expect(exitCodeFor(new TypeError('x'))).toBe(3);
  });

  it('never prints a foreign error message without --debug (it could quote data)', () => {
    const e = new SyntaxError('Unexpected token in JSON at "Nguyễn Văn An"');
    const text = errorText(e, false);
    expect(text).toBe('khop: error: unexpected SyntaxError; run again with --debug for details\n');
    expect(errorText(e, true)).toContain('Nguyễn Văn An');
  });

  it('adds the system error code of the cause and keeps a KhopError message on one line', () => {
    const cause = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(errorText(new KhopError('IO_ERROR', 'cannot write\nthe output', { cause }), false)).toBe('khop: error: cannot write the output (EACCES)\n');
  });
});
