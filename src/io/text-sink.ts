/**
 * A buffered UTF-8 text sink over a file path or a Node Writable, with back-pressure: text is
 * gathered into ~64 KiB pieces; when the stream's buffer is full (`write()` returned false)
 * the sink's `write` returns a promise that resolves on 'drain'. Writers pass that promise on,
 * so `await writer.writeRow(r)` is enough for a producer to slow down to the disk's pace.
 *
 * Trade-off: `write` returns `void | Promise<void>` (a promise only when the caller must wait)
 * so writing a row that fits in the buffer costs no promise. Stream errors are captured and
 * rethrown as KhopError('IO_ERROR') by the next `write` or by `close`.
 */
import { accessSync, chmodSync, chownSync, constants as fsConstants, createWriteStream, lstatSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { KhopError, isKhopError } from '../errors.js';

/**
 * Where a file path is written: a temporary file beside it, renamed over it by a successful
 * close() — so a run killed or failing while it writes leaves the previous file (or none), never
 * a shorter one that reads as complete (rows are flushed whole). The temporary name is
 * `.<name>.<pid>.<random>.tmp`, as a register snapshot's.
 *
 * Written DIRECTLY instead (null), as a plain open of the path writes: anything that is not
 * plainly "a regular file of its own, or a new one, in a directory we may write" —
 *   - a path that exists and is not a regular file (/dev/null, a named pipe), or that names an
 *     open descriptor (isDescriptorPath: /dev/stdout, /dev/fd/1, /proc/self/fd/1 — maybe a
 *     regular file the shell opened; renaming over it would replace the link, or unlink the file
 *     the caller appends to), or whose resolution fails;
 *   - a symlink whose target does not exist (the write goes through it and creates the target);
 *   - a file with other hard links (renaming would split them);
 *   - a directory the process may not write (the file itself may be writable).
 * A symlink to a regular file: the file is replaced (beside it), the link kept; the replaced
 * file's permission bits are kept (an output made private stays private), and its owner when
 * the process may set it (root).
 */
/**
 * The temporary file name beside `target`: `.<name>.<pid>.<random>.tmp` — with the name cut to
 * its first 160 bytes (whole characters), so that a target name near the 255-byte limit does
 * not make its temporary one too long (ENAMETOOLONG for a name the plain write accepts).
 */
export function temporaryName(target: string, randomBytesCount: number): string {
  let name = basename(target);
  while (Buffer.byteLength(name, 'utf8') > 160) name = name.slice(0, name.length - (/[\uDC00-\uDFFF]$/.test(name) ? 2 : 1));
  return `.${name}.${process.pid}.${randomBytes(randomBytesCount).toString('hex')}.tmp`;
}

function temporaryPathFor(path: string): { temporary: string; target: string; mode: number | null; owner: { uid: number; gid: number } | null } | null {
  let target = path;
  let mode: number | null = null;
  let owner: { uid: number; gid: number } | null = null;
  let exists = true;
  try {
    lstatSync(path);
  } catch {
    exists = false;
  }
  if (exists) {
    try {
      const st = statSync(path); // follows links: a dangling one throws → written directly
      if (!st.isFile() || st.nlink > 1) return null;
      if (isDescriptorPath(path)) return null;
      target = realpathSync(path);
      mode = st.mode & 0o7777;
      owner = { uid: st.uid, gid: st.gid };
    } catch {
      return null;
    }
  }
  const dir = dirname(target);
  try {
    accessSync(dir, fsConstants.W_OK);
  } catch {
    return null;
  }
  return { temporary: join(dir, temporaryName(target, 4)), target, mode, owner };
}

/**
 * A path that names an open descriptor — /dev/stdout, /dev/fd/N, /proc/<pid>/fd/N, however
 * spelled: normalised, through a link at any hop, or through a linked directory (its parent's
 * real path is checked too). Such a path is the file or pipe the shell opened (a `>> log`): it
 * is written in place and appended to, never renamed over — /proc/self/fd/1 resolves to the
 * log itself, so the resolved path alone says nothing.
 */
export function isDescriptorPath(p: string): boolean {
  let at = resolve(p);
  for (let hop = 0; hop < 40; hop++) {
    if (DESCRIPTOR.test(at)) return true;
    try {
      if (DESCRIPTOR.test(join(realpathSync(dirname(at)), basename(at)))) return true;
    } catch {
      // no such directory: nothing to follow
    }
    let next: string;
    try {
      if (!lstatSync(at).isSymbolicLink()) return false;
      next = readlinkSync(at);
    } catch {
      return false;
    }
    at = isAbsolute(next) ? resolve(next) : resolve(dirname(at), next);
  }
  return true; // a loop of links: not a file of its own
}

/** /dev/stdin|stdout|stderr, /dev/fd/…, /proc/<pid>/fd/… (and /proc/<pid>/task/<tid>/fd/…). */
const DESCRIPTOR = /^\/(?:dev\/(?:std(?:in|out|err)$|fd(?:\/|$))|proc\/[^/]+\/(?:task\/[^/]+\/)?fd(?:\/|$))/;

/** The open flags of a path written in place: appended for a descriptor (see isDescriptorPath), else create-or-truncate. */
function directFlags(path: string): 'a' | 'w' {
  return isDescriptorPath(path) ? 'a' : 'w';
}

/** Temporary files of sinks (and snapshots) not yet committed or removed (see {@link removeOpenTemporaryFiles}). */
const openTemporaryFiles = new Set<string>();

/** Register / forget a temporary output file of another writer (a register snapshot's). */
export function trackTemporaryFile(path: string, open: boolean): void {
  if (open) openTemporaryFiles.add(path);
  else openTemporaryFiles.delete(path);
}

/**
 * Remove the temporary files of every sink still writing — for a process about to end on a
 * signal (the command line's SIGINT / SIGTERM handler): an interrupted run leaves its previous
 * outputs, and no hidden partial copy of its records. Synchronous.
 */
export function removeOpenTemporaryFiles(): void {
  for (const f of openTemporaryFiles) {
    try {
      unlinkSync(f);
    } catch {
      // already gone
    }
  }
  openTemporaryFiles.clear();
}

/** A file path (created or truncated) or a writable byte stream (e.g. process.stdout). */
export type TextDestination = string | Writable;

/** Text gathered before one stream write, in UTF-16 code units (64 Ki). */
export const FLUSH_CHARS = 1 << 16;

/**
 * Bytes a file we open may have in flight before `write` asks the caller to wait (the stream's
 * highWaterMark; Node's default, 16 KiB, is below one flush, so every flush waited for the disk
 * while nothing else ran). `khop authenticate`, 1M claims on one thread (with the reader's
 * decode change): idle time 9.9 % → 5.0 % of the profile.
 */
export const FILE_WRITE_BUFFER_BYTES = 1 << 20;

export class TextSink {
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private readonly endOnClose: boolean;
  private parts: string[] = [];
  private pending = 0;
  private failure: unknown = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  private bytes = 0;
  /** A path destination: the file to write, and the temporary file written until close() (see temporaryPathFor). */
  private target: string | null = null;
  private temporary: string | null = null;
  /** The replaced file's permission bits and owner (set on the temporary file before the rename). */
  private mode: number | null = null;
  private owner: { uid: number; gid: number } | null = null;
  private readonly onError = (e: unknown): void => {
    if (this.failure === null) this.failure = e;
  };

  /**
   * @param dest a path (opened here, ended and closed by `close()`) or a stream
   * @param end end the stream on `close()`. Default: true for a path, false for a stream
   *   (ending process.stdout would be rude).
   */
  constructor(dest: TextDestination, end?: boolean) {
    if (typeof dest === 'string') {
      const t = temporaryPathFor(dest);
      this.temporary = t?.temporary ?? null;
      if (this.temporary !== null) openTemporaryFiles.add(this.temporary);
      this.target = t?.target ?? dest;
      this.stream =
        t !== null
          ? createWriteStream(t.temporary, { highWaterMark: FILE_WRITE_BUFFER_BYTES, ...(t.mode !== null ? { mode: t.mode } : {}) })
          : createWriteStream(dest, { flags: directFlags(dest), highWaterMark: FILE_WRITE_BUFFER_BYTES });
      this.mode = t?.mode ?? null;
      this.owner = t?.owner ?? null;
      this.ownsStream = true;
    } else if (dest !== null && typeof dest === 'object' && typeof dest.write === 'function' && typeof dest.once === 'function') {
      this.stream = dest;
      this.ownsStream = false;
    } else {
      throw new KhopError('INVALID_ARGUMENT', 'destination must be a file path or a Writable stream');
    }
    this.endOnClose = end ?? this.ownsStream;
    this.stream.on('error', this.onError);
  }

  /** UTF-8 bytes handed to the stream so far. */
  get bytesWritten(): number {
    return this.bytes;
  }

  /** Append text. Returns a promise when the caller must wait for the stream to drain. */
  write(text: string): void | Promise<void> {
    if (this.closed) throw new KhopError('INVALID_ARGUMENT', 'write after close');
    if (this.failure !== null) throw this.wrap(this.failure);
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_CHARS) return this.flush();
  }

  /**
   * Append texts, in order (lines formatted elsewhere: the writers' writeLines). Returns a
   * promise when the caller must wait for the stream to drain — the one wait every write before
   * the drain shares.
   */
  writeTexts(texts: readonly string[]): void | Promise<void> {
    let wait: Promise<void> | undefined;
    for (const text of texts) {
      const w = text.length === 0 ? undefined : this.write(text);
      if (w !== undefined) wait = w;
    }
    return wait;
  }

  /** Hand the gathered text to the stream; a promise if it asks to wait for 'drain'. */
  flush(): void | Promise<void> {
    if (this.pending === 0) return;
    const chunk = Buffer.from(this.parts.length === 1 ? this.parts[0]! : this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    this.bytes += chunk.byteLength;
    if (!this.stream.write(chunk)) return this.drain();
  }

  /**
   * Flush, end the stream if it is ours to end, and wait until it is done; a path's temporary
   * file then replaces the target (on a failure it is removed and the target left as it was).
   * Idempotent. Same as `finish()` then `commit()`.
   */
  async close(): Promise<void> {
    await this.finish();
    this.commit();
  }

  /**
   * Flush, end the stream if it is ours to end, and wait until it is done — but leave a path's
   * target as it was: the temporary file, complete (and given the replaced file's mode and
   * owner), replaces it on `commit()`, or is removed by `abort()` (or by
   * removeOpenTemporaryFiles: it stays tracked until then). For outputs replaced together once
   * a whole run has succeeded. On a failure the temporary file is removed. Idempotent.
   */
  async finish(): Promise<void> {
    if (this.closed) return;
    let done = false;
    try {
      await this.end();
      if (this.temporary !== null) {
        try {
          if (this.mode !== null) chmodSync(this.temporary, this.mode); // the umask narrowed the create mode
          if (this.owner !== null) {
            try {
              chownSync(this.temporary, this.owner.uid, this.owner.gid); // root replacing another user's file
            } catch {
              // not allowed (not root): the file is the writer's, as any new file
            }
          }
        } catch (e) {
          throw this.wrap(e);
        }
      }
      done = true;
    } finally {
      if (!done) this.removeTemporary();
    }
  }

  /**
   * Rename the finished temporary file over the target (nothing to do for a stream, a file
   * written in place, or after abort()). Synchronous, idempotent.
   * @throws KhopError INTERNAL before finish(); IO_ERROR when the rename fails (the temporary file removed)
   */
  commit(): void {
    const temporary = this.temporary;
    if (temporary === null) return;
    if (!this.closed) throw new KhopError('INTERNAL', 'commit before finish');
    try {
      renameSync(temporary, this.target!);
    } catch (e) {
      this.removeTemporary();
      throw this.wrap(e);
    }
    openTemporaryFiles.delete(temporary);
    this.temporary = null;
  }

  /**
   * End without committing: the target is left as it was (a path's temporary file is removed —
   * a finished one too; a stream is ended if it is ours to end). For a writer whose rows failed
   * partway, or a run that failed after its outputs were finished.
   */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.parts = [];
      this.pending = 0;
      try {
        await this.end();
      } catch {
        // the abort's reason is the caller's error, not this one
      }
    }
    this.removeTemporary();
  }

  private removeTemporary(): void {
    const temporary = this.temporary;
    if (temporary === null) return;
    this.temporary = null;
    openTemporaryFiles.delete(temporary);
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
  }

  /** Flush and end the stream (when ours to end), waiting until it is done. */
  private async end(): Promise<void> {
    await this.flush();
    this.closed = true;
    try {
      if (this.failure !== null) throw this.wrap(this.failure);
      if (this.endOnClose) {
        await new Promise<void>((resolve, reject) => {
          const s = this.stream;
          const done = (): void => {
            s.off('error', fail);
            resolve();
          };
          const fail = (e: unknown): void => {
            s.off(this.ownsStream ? 'close' : 'finish', done);
            reject(this.wrap(e));
          };
          s.once('error', fail);
          // a file stream we opened: wait for 'close' (descriptor released); else 'finish'
          s.once(this.ownsStream ? 'close' : 'finish', done);
          s.end();
        });
      }
      if (this.failure !== null) throw this.wrap(this.failure);
    } finally {
      this.stream.off('error', this.onError);
    }
  }

  /**
   * The stream's next 'drain' — one promise (and one set of listeners) shared by every write
   * made before it comes, so a writer that writes several times before it waits adds none.
   */
  private drain(): Promise<void> {
    if (this.draining !== null) return this.draining;
    this.draining = new Promise<void>((resolve, reject) => {
      const s = this.stream;
      const cleanup = (): void => {
        this.draining = null;
        s.off('drain', onDrain);
        s.off('error', onFail);
        s.off('close', onClose);
      };
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onFail = (e: unknown): void => {
        cleanup();
        reject(this.wrap(e));
      };
      const onClose = (): void => {
        cleanup();
        reject(this.wrap(this.failure ?? new Error('stream closed before drain')));
      };
      s.once('drain', onDrain);
      s.once('error', onFail);
      s.once('close', onClose);
    });
    return this.draining;
  }

  private wrap(e: unknown): KhopError {
    if (isKhopError(e)) return e;
    return new KhopError('IO_ERROR', 'writing the output failed', { cause: e });
  }
}

/** A row writer: writeRow returns a promise only when the destination asks to wait. */
export interface RowWriter<R> {
  writeRow(row: R): void | Promise<void>;
  close(): Promise<void>;
  /** End without committing the output (see TextSink.abort). */
  abort?(): Promise<void>;
  readonly rowCount: number;
  readonly bytesWritten: number;
}

/**
 * Write every row through `w` with back-pressure, then close it; on an error the writer is
 * closed and the FIRST error is thrown. Shared by writeCsvRows and writeNdjsonRows.
 */
export async function writeAllRows<R>(w: RowWriter<R>, rows: Iterable<R> | AsyncIterable<R>): Promise<{ rows: number; bytes: number }> {
  try {
    if (Symbol.asyncIterator in rows) {
      for await (const row of rows) {
        const p = w.writeRow(row);
        if (p !== undefined) await p;
      }
    } else {
      // a plain iterable: no promise per row, only when the stream asks to wait
      for (const row of rows as Iterable<R>) {
        const p = w.writeRow(row);
        if (p !== undefined) await p;
      }
    }
  } catch (e) {
    // The first error is the one to report; a file written partway is not committed.
    await (w.abort !== undefined ? w.abort() : w.close()).catch(() => undefined);
    throw e;
  }
  await w.close();
  return { rows: w.rowCount, bytes: w.bytesWritten };
}
