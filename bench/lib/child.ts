/**
 * Bench child processes: a TypeScript script run in a new Node process with this process's own
 * loader (process.execArgv: tsx's --require/--import by absolute path, --expose-gc, …), so a
 * child works from any working directory; and an asynchronous spawn tracked by exit-cleanup.ts,
 * so Ctrl-C during a child reaches both and the parent's temporary files are removed.
 *
 * Trade-off: the child's output is buffered in memory (as spawnSync did) — bench children print
 * a JSON line and a few lines of progress.
 */
import { spawn } from 'node:child_process';
import { trackChild } from './exit-cleanup.js';

/**
 * Node options for a child running a .ts file: this process's execArgv, with a bare `tsx`
 * (`node --import tsx …`, resolved from the working directory) made absolute from this file;
 * when no loader is there at all, tsx's, resolved the same way.
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const tsx = import.meta.resolve('tsx');
  const out: string[] = [];
  let loader = false;
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if ((a === '--import' || a === '--loader' || a === '--experimental-loader' || a === '--require' || a === '-r') && i + 1 < execArgv.length) {
      const v = execArgv[++i]!;
      loader ||= v.includes('tsx');
      out.push(a, v === 'tsx' || v === 'tsx/esm' ? import.meta.resolve(v) : v);
    } else if (/^--(import|loader|experimental-loader|require)=/.test(a)) {
      const eq = a.indexOf('=');
      const v = a.slice(eq + 1);
      loader ||= v.includes('tsx');
      out.push(v === 'tsx' || v === 'tsx/esm' ? `${a.slice(0, eq)}=${import.meta.resolve(v)}` : a);
    } else {
      out.push(a);
    }
  }
  return loader ? out : ['--import', tsx, ...out];
}

export interface ChildResult {
  /** Exit code, or null when a signal ended the child. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** '' when stderr was inherited. */
  stderr: string;
}

/**
 * Run `script` (a .ts file) with `args` in a child Node process (childExecArgv), asynchronously,
 * tracked for signals (exit-cleanup.ts). stderr is captured, or shown as it comes with
 * `stderr: 'inherit'`.
 */
export function runScript(
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stderr?: 'pipe' | 'inherit'; execArgv?: readonly string[] } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.execArgv ?? childExecArgv()), script, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    });
    trackChild(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
