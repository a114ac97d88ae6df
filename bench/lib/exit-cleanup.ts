/**
 * Clean-up that also runs when a bench script is interrupted: temporary directories (and other
 * leftovers) are registered here and removed when the process exits normally, exits through
 * process.exit or an uncaught error, or gets SIGINT (Ctrl-C) / SIGTERM. On a signal the child
 * processes registered with `trackChild` are sent the same signal and awaited (at most
 * CHILD_GRACE_MS: they may still be writing into the directories), the clean-ups run, and the
 * process exits with the shell's code for that signal: 128 + signal number, 130 for SIGINT,
 * 143 for SIGTERM. A second signal while waiting cleans up and exits at once. Either way (the
 * grace period over, or a second signal), a tracked child still running is killed (SIGKILL)
 * before the clean-ups: never left behind, writing into a removed directory.
 *
 * Trade-off: one registry per process (module state) — signals are process-wide, so a
 * registry per caller would race; the handlers are installed on first use only, so a script
 * that registers nothing keeps Node's default signal behaviour.
 *
 * A script whose work is synchronous (spawnSync, a long loop) cannot run a signal handler until
 * it returns to the event loop: spawn children asynchronously (bench/lib/child.ts) instead.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Exit code per handled signal: 128 + its number, as a shell reports it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = Object.freeze({ SIGINT: 130, SIGTERM: 143 });

/** How long a signal waits for the tracked children to exit before cleaning up anyway. */
export const CHILD_GRACE_MS = 5_000;

const cleanups = new Set<() => void>();
const children = new Set<ChildProcess>();
let installed = false;
let stopping = false;

/** Run (and forget) every registered clean-up, the latest first; a failing one is reported, not fatal. */
export function runCleanups(): void {
  const all = [...cleanups].reverse();
  cleanups.clear();
  for (const f of all) {
    try {
      f();
    } catch (e) {
      console.error(`clean-up failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as Array<keyof typeof SIGNAL_EXIT_CODES>) {
    process.on(signal, () => onSignal(signal));
  }
}

function onSignal(signal: keyof typeof SIGNAL_EXIT_CODES): void {
  const code = SIGNAL_EXIT_CODES[signal];
  const running = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;
  const finish = (): never => {
    // A child still running now (it ignored the signal, or is busy in synchronous work that no
    // handler can interrupt, past the grace period or at a second signal) is killed: this
    // process must not exit leaving it at work on files the clean-ups are about to remove.
    for (const c of children) if (running(c)) c.kill('SIGKILL');
    runCleanups();
    process.exit(code);
  };
  if (stopping) finish();
  stopping = true;
  const live = [...children].filter(running);
  if (live.length === 0) finish();
  for (const c of live) c.kill(signal);
  const timer = setTimeout(finish, CHILD_GRACE_MS);
  timer.unref();
  void Promise.all(live.map((c) => new Promise<void>((resolve) => (!running(c) ? resolve() : c.once('exit', () => resolve()))))).then(finish);
}

/**
 * Run `cleanup` at exit or on SIGINT / SIGTERM (see the file header). Returns `release`: it
 * runs the clean-up now (once) and unregisters it — call it where the script would clean up anyway.
 */
export function onExit(cleanup: () => void): () => void {
  install();
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    cleanup();
  };
  cleanups.add(once);
  return once;
}

/** A fresh directory `<tmpdir>/<prefix>XXXXXX`, removed with its contents at exit or on a signal, or by `remove()`. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: onExit(() => rmSync(path, { recursive: true, force: true })) };
}

/** Send `child` the signal this process gets, and wait for it before cleaning up; forgotten once it exits. */
export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}
