/**
 * Byte input for the readers: a file path, a byte array, or any (async) iterable of byte
 * chunks (a Node Readable without `setEncoding`, a web stream, a generator), unwrapped from
 * gzip when its first bytes are the gzip magic number (1f 8b).
 *
 * Trade-off: the readers pull chunks (`for await`), so back-pressure is the stream's own and
 * memory is one chunk at a time; a file is read in {@link READ_CHUNK_BYTES} pieces. The first
 * chunk is peeked (format sniffing, gzip detection) and handed out again, not re-read. Byte
 * counts are taken before gunzip, so progress compares with the file size.
 *
 * A path may name a stream instead of a regular file: a named pipe (mkfifo), what a shell's
 * process substitution passes (`<(zcat x.csv.gz)` is /dev/fd/63, a pipe), /dev/stdin, a
 * character device. It is read once, as standard input is: `regularFile` is false, `size`
 * unknown, and nothing may open it a second time (the second reader would take bytes from the
 * first, or wait for ever for a writer). A directory, a block device and a socket (which no
 * process can open by its path) are refused.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { KhopError, isKhopError } from '../errors.js';

/** A file path, the whole input as bytes, or a stream of byte chunks. */
export type ByteSource = string | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Chunk size for file reads and for slicing in-memory input (128 KiB). */
export const READ_CHUNK_BYTES = 1 << 17;

/** Enough leading bytes to sniff gzip, Parquet, a BOM and the first JSON character. */
const PEEK_BYTES = 64;

/** An opened byte input: its chunks (once), its first bytes, and counters. */
export class ByteInput {
  /** The file path, when the source was one. */
  readonly path: string | null;
  /** Size in bytes of the (compressed) source when known: a regular file or a byte array. */
  readonly size: number | null;
  /**
   * True when the source is a regular file's path: it may be opened again or read by offset.
   * False for a pipe, a device, bytes or a stream: read once, front to back.
   */
  readonly regularFile: boolean;
  /** True when the content is being gunzipped. */
  readonly gzip: boolean;
  /** The first bytes of the (decompressed) content, up to 64; fewer only if the input is shorter. */
  readonly head: Uint8Array;
  private readonly counter: { bytes: number };
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly pending: Uint8Array[];
  private closed = false;

  private constructor(
    path: string | null,
    size: number | null,
    regularFile: boolean,
    gzip: boolean,
    head: Uint8Array,
    counter: { bytes: number },
    iterator: AsyncIterator<Uint8Array>,
    pending: Uint8Array[],
  ) {
    this.path = path;
    this.size = size;
    this.regularFile = regularFile;
    this.gzip = gzip;
    this.head = head;
    this.counter = counter;
    this.iterator = iterator;
    this.pending = pending;
  }

  /** Bytes consumed from the source so far (before gunzip). */
  get bytesRead(): number {
    return this.counter.bytes;
  }

  /**
   * Open a source. Rejects with KhopError('IO_ERROR') if a path cannot be read,
   * ('INVALID_ARGUMENT') for a source that is not one of {@link ByteSource}.
   */
  static async open(source: ByteSource, options: { gunzip?: boolean } = {}): Promise<ByteInput> {
    const counter = { bytes: 0 };
    let path: string | null = null;
    let size: number | null = null;
    let regularFile = false;
    let raw: AsyncIterable<Uint8Array>;
    if (typeof source === 'string') {
      path = source;
      try {
        const st = await stat(source);
        const kind = inputPathKind(st);
        if (kind !== 'file' && kind !== 'stream') throw notAFileError(source, st);
        regularFile = kind === 'file';
        // A pipe's or a device's size says nothing of what it will give: unknown, as standard input's.
        if (regularFile) size = st.size;
      } catch (e) {
        if (isKhopError(e)) throw e;
        throw new KhopError('IO_ERROR', `cannot open input file: ${source}`, { cause: e });
      }
      raw = createReadStream(source, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Uint8Array>;
    } else if (source instanceof Uint8Array) {
      size = source.byteLength;
      raw = sliceBytes(source);
    } else if (source !== null && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
      raw = source as AsyncIterable<Uint8Array>;
    } else {
      throw new KhopError('INVALID_ARGUMENT', 'input must be a file path, a Uint8Array, or an (async) iterable of Uint8Array chunks');
    }

    const counted = countBytes(raw, counter);
    // Peek: gather up to PEEK_BYTES leading bytes, keeping the chunks to hand out again.
    let pending: Uint8Array[] = [];
    let iterator: AsyncIterator<Uint8Array> = counted[Symbol.asyncIterator]();
    let head = await peekHead(iterator, pending);
    let gzip = false;
    if ((options.gunzip ?? true) && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      gzip = true;
      const replay = replayThenRest(pending, iterator);
      const gunzip = createGunzip();
      // pipeline forwards a source error into gunzip (destroying it with that error), so the
      // consumer's `for await` over gunzip sees it; the callback only silences the duplicate.
      pipeline(Readable.from(replay, { objectMode: false }), gunzip, () => undefined);
      pending = [];
      iterator = (gunzip as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      head = await peekHead(iterator, pending);
    }
    return new ByteInput(path, size, regularFile, gzip, head, counter, iterator, pending);
  }

  /** The content's chunks, peeked ones first. Consume once. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    if (this.closed) throw new KhopError('INVALID_ARGUMENT', 'input already consumed or closed');
    try {
      while (this.pending.length > 0) yield this.pending.shift()!;
      for (;;) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await this.iterator.next();
        } catch (e) {
          throw ioError(e);
        }
        if (r.done === true) return;
        yield r.value;
      }
    } finally {
      await this.close();
    }
  }

  /** Stop reading and release the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    try {
      await this.iterator.return?.();
    } catch {
      // closing after an error: the error was already reported by chunks()
    }
  }
}

/**
 * What an input path names, as the readers take it: a regular `file`; a `stream` read once from
 * front to back — a named pipe, a process substitution's /dev/fd/N, a character device
 * (/dev/stdin on a terminal, /dev/null); a `directory`; or `other`: a block device, or a socket,
 * which open(2) refuses (ENXIO) — its data can only come through standard input.
 */
export type InputPathKind = 'file' | 'stream' | 'directory' | 'other';

/** The {@link InputPathKind} of a path's stat (symbolic links followed: /dev/fd/63 is the pipe). */
export function inputPathKind(st: Stats): InputPathKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO() || st.isCharacterDevice()) return 'stream';
  return 'other';
}

/**
 * The IO_ERROR of an input path that cannot be read as a file or a stream. A directory says so,
 * with the system's code: `khop dedupe exports/` is a common slip, and "not a regular file"
 * leaves the user to work out what it is; a socket says how its data can be given.
 */
export function notAFileError(path: string, st: Pick<Stats, 'isDirectory' | 'isSocket'>): KhopError {
  const message =
    st.isDirectory() ? `input is a directory, not a file (EISDIR): ${path}`
    : st.isSocket() ? `input is a socket, which cannot be opened by its path: ${path}; send its data to standard input and give - instead`
    : `input is not a regular file: ${path}`;
  return new KhopError('IO_ERROR', message, { details: { path } });
}

/**
 * The INVALID_ARGUMENT of Parquet given as a pipe or a device: a Parquet file is read by random
 * access (its footer first), which a stream read once cannot give.
 */
export function parquetStreamError(path: string): KhopError {
  return new KhopError('INVALID_ARGUMENT', `input ${path}: Parquet cannot be read from a pipe or a device (it is read by random access, its footer first); save it to a file and give that`, { details: { path } });
}

/** Wrap a non-Khop failure of the underlying stream. */
function ioError(e: unknown): KhopError {
  if (isKhopError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new KhopError('INVALID_INPUT', 'gzip input is corrupt or truncated', { cause: e });
  }
  return new KhopError('IO_ERROR', 'reading the input failed', { cause: e });
}

async function* sliceBytes(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.byteLength; p += READ_CHUNK_BYTES) {
    yield bytes.subarray(p, Math.min(bytes.byteLength, p + READ_CHUNK_BYTES));
  }
}

async function* countBytes(raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, counter: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of raw) {
    if (!(chunk instanceof Uint8Array)) {
      throw new KhopError(
        'INVALID_ARGUMENT',
        'input stream must yield Uint8Array chunks (a Readable without setEncoding / objectMode)',
      );
    }
    counter.bytes += chunk.byteLength;
    if (chunk.byteLength > 0) yield chunk;
  }
}

async function peekHead(iterator: AsyncIterator<Uint8Array>, pending: Uint8Array[]): Promise<Uint8Array> {
  let have = 0;
  while (have < PEEK_BYTES) {
    let r: IteratorResult<Uint8Array>;
    try {
      r = await iterator.next();
    } catch (e) {
      throw ioError(e);
    }
    if (r.done === true) break;
    pending.push(r.value);
    have += r.value.byteLength;
  }
  const head = new Uint8Array(Math.min(have, PEEK_BYTES));
  let p = 0;
  for (const c of pending) {
    if (p >= head.length) break;
    const n = Math.min(c.byteLength, head.length - p);
    head.set(c.subarray(0, n), p);
    p += n;
  }
  return head;
}

async function* replayThenRest(pending: Uint8Array[], iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for (const c of pending) yield c;
    for (;;) {
      const r = await iterator.next();
      if (r.done === true) return;
      yield r.value;
    }
  } finally {
    await iterator.return?.();
  }
}
