/**
 * bench/lib/exit-cleanup.ts and bench/lib/child.ts: a bench script interrupted by SIGINT or
 * SIGTERM removes its temporary directory, stops its child and exits 130 / 143; a child runs
 * with this process's loader made absolute, from any working directory.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { childExecArgv } from '../../bench/lib/child.js';
import { CHILD_GRACE_MS } from '../../bench/lib/exit-cleanup.js';

const fixture = fileURLToPath(new URL('./fixtures/interrupted.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within `ms` (a killed child is reaped by init a moment after its parent exits). */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (!alive(pid)) return true;
  return !alive(pid);
}

/**
 * Start the fixture from another working directory, wait for its line, send `signal` (twice
 * with `twice`, 300 ms apart); its exit code, paths and how long it took to exit after the signal.
 */
function interrupt(signal: 'SIGINT' | 'SIGTERM', opts: { stubborn?: boolean; twice?: boolean } = {}): Promise<{ code: number | null; dir: string; child: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', tsxLoader, fixture, ...(opts.stubborn ? ['stubborn'] : [])], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let info: { dir: string; child: number } | null = null;
    let sent = 0;
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (info === null && out.includes('\n')) {
        info = JSON.parse(out.split('\n')[0]!) as { dir: string; child: number };
        sent = performance.now();
        p.kill(signal);
        if (opts.twice) setTimeout(() => p.kill(signal), 300);
      }
    });
    p.once('error', reject);
    p.once('close', (code) => (info === null ? reject(new Error(`no line (exit ${code})`)) : resolve({ code, ...info, ms: performance.now() - sent })));
  });
}

describe('interrupted bench scripts', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('remove their temporary directory on %s, stop the child and exit %i', async (signal, code) => {
    const r = await interrupt(signal);
    expect(r.code).toBe(code);
    expect(existsSync(r.dir)).toBe(false);
    expect(await goneWithin(r.child, 2_000)).toBe(true);
  }, 30_000);

  // A child that does not stop on the signal is not left running when the script exits.
  it('kill a child that ignores the signal once the grace period is over', async () => {
    const r = await interrupt('SIGINT', { stubborn: true });
    expect(r.code).toBe(130);
    expect(r.ms).toBeGreaterThanOrEqual(CHILD_GRACE_MS - 100);
    expect(existsSync(r.dir)).toBe(false);
    expect(await goneWithin(r.child, 2_000)).toBe(true);
  }, 30_000);

  it('exit at a second signal, killing a child that ignores the signal', async () => {
    const r = await interrupt('SIGINT', { stubborn: true, twice: true });
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(CHILD_GRACE_MS - 1_000);
    expect(existsSync(r.dir)).toBe(false);
    expect(await goneWithin(r.child, 2_000)).toBe(true);
  }, 30_000);
});

describe('childExecArgv', () => {
  it('keeps the loader and flags of this process, a bare tsx made absolute', () => {
    expect(childExecArgv(['--import', 'tsx', '--expose-gc'])).toEqual(['--import', tsxLoader, '--expose-gc']);
    expect(childExecArgv(['--import=tsx'])).toEqual([`--import=${tsxLoader}`]);
    const abs = ['--require', '/x/tsx/dist/preflight.cjs', '--import', 'file:///x/tsx/dist/loader.mjs'];
    expect(childExecArgv(abs)).toEqual(abs);
  });
  it('adds the tsx loader when there is none', () => {
    expect(childExecArgv(['--expose-gc'])).toEqual(['--import', tsxLoader, '--expose-gc']);
  });
});
