// Runs the BUILT executable (dist/cli.js, package.json#bin) in child processes, as a user's
// shell would: npm test builds before vitest runs. KHOP_CLI overrides the path (to check a
// bundle built elsewhere).
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './cli-helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = process.env.KHOP_CLI ?? join(root, 'dist', 'cli.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const t = tempDir();
afterAll(() => t.remove());

function run(argv: string[], cwd = t.dir, file = process.execPath, pre: string[] = [CLI]) {
  const r = spawnSync(file, [...pre, ...argv], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the built khop executable', () => {
  it('exists where package.json#bin points, starts with a shebang and is executable', () => {
    expect(pkg.bin.khop).toBe('./dist/cli.js');
    expect(existsSync(CLI)).toBe(true);
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints its help and version', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^khop \S+ — match person records/);
    expect(help.stdout).toContain('Usage: khop <command>');
    const v = run(['--version']);
    expect(v.stdout).toBe(`${pkg.version}\n`);
    const sub = run(['dedupe', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/^Usage: khop dedupe <file>/);
  });

  it('runs through a symlink, as npm installs bin entries, and directly through its shebang', () => {
    const link = join(t.dir, 'khop');
    symlinkSync(CLI, link);
    expect(run(['--version'], t.dir, link, []).stdout).toBe(`${pkg.version}\n`);
    expect(run(['--version'], t.dir, process.execPath, [link]).stdout).toBe(`${pkg.version}\n`);
  });

  it('exits 2 with one error line and no stack for a missing file', () => {
    const r = run(['dedupe', 'missing.csv']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^khop: error: cannot open input file: .*missing\.csv \(ENOENT\)\n$/);
  });

  it('a directory redirected as standard input (`khop dedupe - < dir`): exit 2 saying so (F28b; fixed: "stdin has no columns")', () => {
    mkdirSync(join(t.dir, 'stdin-dir'), { recursive: true });
    const fd = openSync(join(t.dir, 'stdin-dir'), 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, 'dedupe', '-', '-o', 'o.csv'], { cwd: t.dir, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('khop: error: input -: standard input is a directory, not a file (EISDIR): redirect a file (< file.csv)\n');
    } finally {
      closeSync(fd);
    }
  });

  it('deduplicates a small file end to end and exits 1 for its rejected row', () => {
    writeFileSync(
      join(t.dir, 'p.csv'),
      '\uFEFFso_cccd,ho_ten,ngay_sinh\r\n001090012345,Nguyễn Văn An,01/05/1990\r\n001090012345,Nguyen Van An,1990-05-01\r\nbroken\r\n079185000111,Trần Thị Bích,12/12/1985\r\n',
    );
    const r = run(['dedupe', 'p.csv', '-o', 'c.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('input rows:      4 = 3 accepted + 1 rejected');
    expect(r.stderr).not.toContain('Nguy');
    expect(readFileSync(join(t.dir, 'c.csv'), 'utf8').split('\n')[0]).toBe('row_number,record_id,cluster_id');
    expect(readFileSync(join(t.dir, 'c.csv.rejected.csv'), 'utf8')).toContain('3,4,read,TOO_FEW_COLUMNS');
    // The same file piped in: `-` reads the process's standard input.
    const piped = spawnSync(process.execPath, [CLI, 'dedupe', '-', '-o', '-', '-q', '--rejected', 'piped.rejected.csv'], { cwd: t.dir, input: readFileSync(join(t.dir, 'p.csv')), encoding: 'utf8', timeout: 60_000 });
    expect([piped.status, piped.stderr]).toEqual([1, '']);
    expect(piped.stdout).toBe(readFileSync(join(t.dir, 'c.csv'), 'utf8'));
  });

  // `khop … -o - | head`: the reader closes the pipe after its first bytes. The run ends as a
  // Unix tool killed by SIGPIPE would (141), without an error line or a stack trace — also for
  // output written outside the row writers (the demo's report, the help).
  it('ends with 141 and nothing on stderr when the reader of stdout closes it early', async () => {
    const rows = ['ho_ten,ngay_sinh'];
    for (let i = 0; i < 20_000; i++) rows.push(`Nguyễn Văn An ${i % 7 === 0 ? 'Bình' : 'Cường'},${String(1 + (i % 28)).padStart(2, '0')}/0${1 + (i % 9)}/19${50 + (i % 50)}`);
    writeFileSync(join(t.dir, 'many.csv'), rows.join('\n') + '\n');
    const closedEarly = (argv: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...argv], { cwd: t.dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.stdout.once('data', () => child.stdout.destroy());
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const dedupe = await closedEarly(['dedupe', 'many.csv', '-o', '-', '--quiet']);
    expect(dedupe.code).toBe(141);
    expect(dedupe.stderr).toBe('');
    const demo = await closedEarly(['demo', '--records', '2000']);
    expect(demo.code).toBe(141);
    expect(demo.stderr).not.toMatch(/EPIPE|\n\s+at /);
  }, 60_000);

  // R18: interrupted while an output is being written — claims still arriving on standard input,
  // the verdict file open as its temporary file. Each signal ends the run with 128 + its number
  // and removes the temporary file; the previous verdict file stays as it was (before SIGHUP and
  // SIGQUIT were handled, Node's default killed the process on them — SIGQUIT with a core dump —
  // and the hidden partial copy of the verdicts stayed beside the output).
  it('SIGHUP, SIGINT, SIGQUIT, SIGTERM while writing: exit 129 / 130 / 131 / 143, the temporary output removed, the previous one kept', async () => {
    const dir = join(t.dir, 'signals');
    mkdirSync(dir);
    const people = ['so_cccd,ho_ten,ngay_sinh,gioi_tinh'];
    for (let i = 0; i < 50; i++) people.push(`0010900${String(10000 + i)},Nguyễn Văn An ${i},${String(1 + (i % 28)).padStart(2, '0')}/05/1990,Nam`);
    writeFileSync(join(dir, 'reg.csv'), people.join('\n') + '\n');
    expect(run(['register', 'build', 'reg.csv', '-o', 'reg.khop', '-q'], dir).code).toBe(0);
    const temporary = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    for (const [signal, expected] of [['SIGHUP', 129], ['SIGINT', 130], ['SIGQUIT', 131], ['SIGTERM', 143]] as const) {
      writeFileSync(join(dir, 'v.csv'), 'previous run\n');
      const child = spawn(process.execPath, [CLI, 'authenticate', '--register', 'reg.khop', '-', '-o', 'v.csv', '--batch-size', '1', '-q'], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
      // Enough lines for the reader to decide the format; standard input stays open.
      child.stdin!.write(people.join('\n') + '\n');
      const deadline = Date.now() + 30_000;
      while (temporary().length === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
      expect(temporary(), `${signal}: the verdict file is being written (${stderr})`).toHaveLength(1);
      child.kill(signal);
      const end = await exited;
      child.stdin!.destroy();
      expect({ sent: signal, ...end }).toEqual({ sent: signal, code: expected, signal: null });
      expect(temporary(), signal).toEqual([]);
      expect(readFileSync(join(dir, 'v.csv'), 'utf8'), signal).toBe('previous run\n');
      expect(stderr, signal).toBe('');
    }
  }, 120_000);

  // The default rejected-rows file is written only when rows are rejected — after the work. A
  // directory the user may not write is refused before it (root may write anywhere: the run is
  // made as nobody, which only root can do, hence the skip elsewhere).
  it.skipIf(process.getuid?.() !== 0)('refuses before any work a default rejected-rows file it may not write (a read-only working directory)', () => {
    const dir = join(t.dir, 'read-only');
    mkdirSync(dir);
    writeFileSync(join(dir, 'in.csv'), 'so_cccd,ho_ten,ngay_sinh,gioi_tinh\n001090012345,Nguyễn Văn An,01/05/1990,Nam\nbad\n079185001234,Trần Thị Bình,12/03/1985,Nữ\n');
    chmodSync(t.dir, 0o755);
    chmodSync(dir, 0o555);
    const asNobody = (argv: string[]) => spawnSync(process.execPath, [CLI, ...argv], { cwd: dir, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 60_000 });
    const r = asNobody(['dedupe', 'in.csv', '-o', '-']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(''); // no clusters written before the failure
    expect(r.stderr).toContain('in.csv.rejected.csv (written when rows are rejected) could not be written');
    expect(r.stderr).toContain('give --rejected FILE');
    const ok = asNobody(['dedupe', 'in.csv', '-o', '-', '--rejected', '/dev/null']);
    expect(ok.status).toBe(1);
    expect(ok.stdout.split('\n')[0]).toMatch(/cluster/);
  }, 60_000);

  it.skipIf(!existsSync('/dev/full'))('standard output on a full disk (> /dev/full): exit 3 and one error line, no stack (was exit 1, "done with rejected rows")', () => {
    writeFileSync(join(t.dir, 'full.csv'), 'so_cccd,ho_ten,ngay_sinh,gioi_tinh\n001090012345,Nguyễn Văn An,01/05/1990,Nam\n079185001234,Trần Thị Bình,12/03/1985,Nữ\n');
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'dedupe', 'full.csv', '-q'], { cwd: t.dir, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(3);
      expect(r.stderr).toBe('khop: error: writing standard output failed (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  }, 60_000);
});

