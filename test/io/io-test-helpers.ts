// Shared helpers for the io tests (not a test file itself).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordItem, RecordSource } from '../../src/io/record-types.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** An async iterable yielding `bytes` cut at the given offsets (chunk-boundary tests). */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c > prev && c < bytes.byteLength) {
      yield bytes.slice(prev, c);
      prev = c;
    }
  }
  yield bytes.slice(prev);
}

/** All items of a source. */
export async function collect(src: RecordSource): Promise<RecordItem[]> {
  const out: RecordItem[] = [];
  for await (const it of src) out.push(it);
  return out;
}

/** Accepted rows' values as plain objects (for toEqual). */
export function rowsOf(items: readonly RecordItem[]): Array<Record<string, unknown>> {
  return items.filter((i) => i.kind === 'row').map((i) => ({ ...(i as { values: Record<string, unknown> }).values }));
}

/** Rejected items only. */
export function rejectedOf(items: readonly RecordItem[]) {
  return items.filter((i) => i.kind === 'rejected') as Array<Extract<RecordItem, { kind: 'rejected' }>>;
}

/**
 * `s` in the Vietnamese Windows code page (windows-1258), as older Vietnamese software saved
 * files: base letters (â ê ô ơ ư ă đ precomposed) and the five tones as combining bytes. Built
 * from the platform's own decoder, inverted (test data only: a character it cannot write throws).
 */
export function windows1258(s: string): Uint8Array {
  const decoder = new TextDecoder('windows-1258');
  const byteOf = new Map<string, number>();
  for (let b = 0; b < 256; b++) byteOf.set(decoder.decode(new Uint8Array([b])), b);
  const put = (c: string, out: number[]): void => {
    const b = byteOf.get(c);
    if (b === undefined) throw new Error(`windows1258: cannot write U+${c.codePointAt(0)!.toString(16)}`);
    out.push(b);
  };
  const out: number[] = [];
  for (const c of s.normalize('NFC')) {
    if (byteOf.has(c)) {
      put(c, out);
      continue;
    }
    // A letter with a tone: its base with circumflex, breve or horn is one byte, the tone another.
    const [base, ...marks] = [...c.normalize('NFD')];
    const shape = marks.find((m) => m === '\u0302' || m === '\u0306' || m === '\u031b');
    put(shape === undefined ? base! : (base! + shape).normalize('NFC'), out);
    for (const m of marks) if (m !== shape) put(m, out);
  }
  return Uint8Array.from(out);
}

/**
 * Named pipes for the tests of inputs that are streams (F57, F58): `mkfifo`, and a writer in a
 * child process — as a shell's process substitution (`<(zcat x.csv.gz)`) writes into /dev/fd/63
 * — so that no thread of the test's own process blocks on the pipe.
 */
const fifoWriters = new Set<ChildProcess>();

/** Why named pipes cannot be made in `dir` (no mkfifo: the FIFO tests are skipped, saying so), or null when they can. */
export function fifoUnavailable(dir: string): string | null {
  const probe = join(dir, `.probe-${process.pid}-${Math.random().toString(36).slice(2)}.fifo`);
  try {
    execFileSync('mkfifo', [probe], { stdio: 'ignore' });
    rmSync(probe, { force: true });
    return null;
  } catch (e) {
    return `mkfifo is not available here (${(e as { code?: string }).code ?? 'it failed'}): the named-pipe tests are skipped`;
  }
}

/** Make a named pipe at `path` (mkfifo) and return the path. */
export function makeFifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/**
 * Write the file `from` into the named pipe `fifo` from a child process (`cat`); resolves with its
 * exit code once it has written everything or been ended. Its open waits for a reader: a writer
 * still waiting shows that nothing opened the pipe. stopFifoWriters ends those left.
 */
export function feedFifo(fifo: string, from: string): { done: Promise<number | null>; readonly exited: boolean } {
  const child = spawn('sh', ['-c', 'exec cat "$1" > "$2"', 'sh', from, fifo], { stdio: 'ignore' });
  fifoWriters.add(child);
  let exited = false;
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      fifoWriters.delete(child);
      resolve(code);
    }),
  );
  return {
    done,
    get exited() {
      return exited;
    },
  };
}

/** End the writers of feedFifo still running (each by its own process), e.g. in afterEach. */
export function stopFifoWriters(): void {
  for (const child of fifoWriters) child.kill();
  fifoWriters.clear();
}
