/**
 * A minimal Chrome DevTools Protocol client for tests: launches headless Chromium with
 * `--remote-debugging-pipe` and talks CDP over file descriptors 3 (commands, we write) and 4
 * (responses and events, we read); each message is one JSON text followed by a NUL byte.
 * No npm dependency and no WebSocket (Node 20 has no stable global WebSocket).
 *
 * Protocol reference: https://chromedevtools.github.io/devtools-protocol/ (flat sessions:
 * `Target.attachToTarget({ flatten: true })` returns a sessionId that later messages carry).
 *
 * Trade-off: only what the report test needs — send a command, wait for an event, collect
 * events, close. Every wait has a timeout, and the browser runs in its own process group so
 * `close()` can end it and all its helper processes (renderer, GPU, zygote) by the group id
 * of the one process this client started; it never hangs a test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** A CDP event as received. */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  method: string;
}

/** Launch options. */
export interface LaunchOptions {
  /** Path of the Chromium executable. */
  executable: string;
  /** A fresh, empty profile directory (the caller creates and removes it). */
  userDataDir: string;
  /** Extra command-line flags. */
  args?: string[];
  /** Default timeout of each command, in ms. Default 15 000. */
  commandTimeoutMs?: number;
}

/** Flags that work headless as root in a container, with no network and no background traffic. */
export const HEADLESS_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--mute-audio',
];

/** A running browser with one CDP connection. */
export class CdpBrowser {
  private readonly child: ChildProcess;
  private readonly out: Writable;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: CdpEvent) => void>();
  private readonly timeoutMs: number;
  private exited = false;
  private stderrTail = '';
  private chunks: Buffer[] = [];

  private constructor(child: ChildProcess, timeoutMs: number) {
    this.child = child;
    this.timeoutMs = timeoutMs;
    this.out = child.stdio[3] as Writable;
    const input = child.stdio[4] as Readable;
    input.on('data', (chunk: Buffer) => this.onData(chunk));
    // Keep the last few KB of stderr for error messages (and drain it so Chromium never blocks).
    (child.stderr as Readable).on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    this.out.on('error', () => {}); // EPIPE after exit is reported through 'exit' instead
    child.on('exit', (code, signal) => {
      this.exited = true;
      const err = new Error(`chromium exited (code ${code}, signal ${signal}); stderr tail:\n${this.stderrTail}`);
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.pending.clear();
    });
  }

  /** Starts Chromium with the CDP pipe. */
  static launch(opts: LaunchOptions): CdpBrowser {
    const args = [...HEADLESS_FLAGS, `--user-data-dir=${opts.userDataDir}`, '--remote-debugging-pipe', ...(opts.args ?? []), 'about:blank'];
    const child = spawn(opts.executable, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
      detached: true, // its own process group: close() ends the helpers with it
    });
    return new CdpBrowser(child, opts.commandTimeoutMs ?? 15_000);
  }

  /** Splits the byte stream on NUL and dispatches each JSON message. */
  private onData(chunk: Buffer): void {
    let rest = chunk;
    for (;;) {
      const end = rest.indexOf(0);
      if (end < 0) {
        if (rest.length > 0) this.chunks.push(rest);
        return;
      }
      this.chunks.push(rest.subarray(0, end));
      const text = Buffer.concat(this.chunks).toString('utf8');
      this.chunks = [];
      rest = rest.subarray(end + 1);
      this.dispatch(JSON.parse(text) as Record<string, unknown>);
    }
  }

  private dispatch(msg: Record<string, unknown>): void {
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.error !== undefined) p.reject(new Error(`CDP ${p.method} failed: ${JSON.stringify(msg.error)}`));
      else p.resolve((msg.result ?? {}) as Record<string, unknown>);
      return;
    }
    if (typeof msg.method === 'string') {
      const e: CdpEvent = { method: msg.method, params: (msg.params ?? {}) as Record<string, unknown> };
      if (typeof msg.sessionId === 'string') e.sessionId = msg.sessionId;
      for (const l of this.listeners) l(e);
    }
  }

  /** Sends one command (to the browser, or to a page when `sessionId` is given) and waits for its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = this.timeoutMs): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error(`chromium has exited; cannot send ${method}`));
    const id = this.nextId++;
    const msg: Record<string, unknown> = { id, method, params };
    if (sessionId !== undefined) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`CDP ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      this.out.write(JSON.stringify(msg) + '\0');
    });
  }

  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (e: CdpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event named `method` (of `sessionId`, when given); rejects after `timeoutMs`. */
  waitForEvent(method: string, sessionId?: string, timeoutMs = this.timeoutMs): Promise<CdpEvent> {
    return new Promise((resolve, reject) => {
      const off = this.onEvent((e) => {
        if (e.method !== method || (sessionId !== undefined && e.sessionId !== sessionId)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${method} event within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  /** Opens a new page target and attaches to it; returns its session id. */
  async newPage(): Promise<string> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return sessionId as string;
  }

  /**
   * Ends the browser: asks politely (Browser.close) and waits `graceMs` for it to exit, then
   * kills its process group. Helper processes get one more second to leave on their own
   * before the group is killed, and close() waits (≤ 1 s) until the group is gone.
   */
  async close(graceMs = 2000): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.send('Browser.close', {}, undefined, graceMs).catch(() => {});
      const timedOut = await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)]);
      if (timedOut && !this.exited) {
        this.killGroup();
        await Promise.race([exited, delay(1000)]);
      }
    }
    for (let i = 0; i < 20 && this.groupAlive(); i++) await delay(50);
    if (this.groupAlive()) {
      this.killGroup();
      for (let i = 0; i < 20 && this.groupAlive(); i++) await delay(50);
    }
  }

  /** True while any process of the group this client started still exists. */
  private groupAlive(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(-pid, 0); // signal 0: existence check only
      return true;
    } catch {
      return false;
    }
  }

  /** SIGKILL to the process group this client started (the group id is the browser's pid). */
  private killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
