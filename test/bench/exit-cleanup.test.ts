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

/** Start the fixture from another working directory, wait for its line, send `signal`; its exit code and paths. */
function interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number | null; dir: string; child: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', tsxLoader, fixture], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let info: { dir: string; child: number } | null = null;
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (info === null && out.includes('\n')) {
        info = JSON.parse(out.split('\n')[0]!) as { dir: string; child: number };
        p.kill(signal);
      }
    });
    p.once('error', reject);
    p.once('close', (code) => (info === null ? reject(new Error(`no line (exit ${code})`)) : resolve({ code, ...info })));
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
    expect(alive(r.child)).toBe(false);
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
