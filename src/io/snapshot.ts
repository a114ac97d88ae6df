/**
 * Snapshot files: typed-array sections + msgpack metadata, checksummed, written atomically.
 *
 * Layout (all integers little-endian; u64 through DataView.setBigUint64):
 *
 *   0   ┌─────────────────────────────────────────────────────────────────┐
 *       │ magic "KHOP\0SNP" (8) │ version u32 │ flags u32 (0)              │
 *   16  │ section count u32     │ table byte length u32                     │
 *   24  │ file byte length u64  │ xxh64(table) u64 │ xxh64(bytes 0..40) u64 │
 *   48  │ reserved, zero (16)                                             │
 *   64  ├─────────────────────────────────────────────────────────────────┤
 *       │ section table, one entry per section (8-byte aligned):          │
 *       │   name length u32 │ dtype u8 │ 0 0 0 │ offset u64 │ length u64  │
 *       │   │ xxh64(section bytes) u64 │ name (UTF-8) │ zero pad to 8     │
 *       ├─────────────────────────────────────────────────────────────────┤
 *       │ section 0 = metadata (dtype "msgpack", empty name)              │
 *       │ section 1 … each starting at a multiple of 64 bytes, zero gaps  │
 *       └─────────────────────────────────────────────────────────────────┘
 *
 * Trade-offs:
 * - Sections are raw typed-array bytes, so loading is one `read` per ≤ 1 GiB piece straight into
 *   the destination (Shared)ArrayBuffer — no parse, no intermediate copy — and 64-byte alignment
 *   keeps every section cache-line (and any element type) aligned.
 * - Every section has its own XXH64 (xxhash-wasm, fed in 8 MiB pieces while writing and while
 *   reading, one pass over the bytes), as do the table and the header: a flipped bit anywhere is
 *   refused as SNAPSHOT_CORRUPT, a short file as SNAPSHOT_TRUNCATED, a newer format as
 *   SNAPSHOT_VERSION, another file type as SNAPSHOT_FOREIGN. `verify: false` skips the section
 *   checksums (header and table are always checked) for a trusted, faster load.
 * - Atomic replace: written to a temporary file in the target's directory, fsynced, renamed over
 *   the target, then the directory is fsynced — a crash leaves the old file or the new one,
 *   never half of one. (The temporary file is removed when writing fails.)
 * - A section may be given as a LIST of views of one element type, written back to back: a
 *   chunked structure (RecordStore) is saved without first concatenating it in memory, and
 *   loads as one contiguous array.
 *
 * References: XXH64, Yann Collet (https://github.com/Cyan4973/xxHash); MessagePack
 * (https://msgpack.org) via msgpackr.
 */
import { open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { isDescriptorPath, temporaryName, trackTemporaryFile } from './text-sink.js';
import { basename, dirname, join } from 'node:path';
import { Packr, Unpackr } from 'msgpackr';
import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import { KhopError } from '../errors.js';
import { checkObject, checkString } from '../util/arg-check.js';

/** The 8 bytes every snapshot starts with. */
export const SNAPSHOT_MAGIC = 'KHOP\0SNP';
/** The format version this code writes and reads. */
export const SNAPSHOT_FORMAT_VERSION = 1;

/** Element type of a section. */
export type SnapshotDType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'u64' | 'i64';

/** The typed arrays a section can hold. */
export type SnapshotArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

/** A section to write: one typed array, or several of the same type written back to back. */
export interface SnapshotSectionInput {
  /** Unique, non-empty, at most 1,024 UTF-8 bytes. */
  readonly name: string;
  readonly data: SnapshotArray | readonly SnapshotArray[];
}

/** What a snapshot holds. */
export interface SnapshotContent {
  /** Any msgpack-encodable value (objects, arrays, strings, numbers, bigint, typed arrays…). */
  readonly meta: unknown;
  readonly sections: readonly SnapshotSectionInput[];
}

/** Options of {@link writeSnapshot}. */
export interface WriteSnapshotOptions {
  /** fsync the file and its directory (durability). Default true; false only for scratch files. */
  fsync?: boolean;
}

/** Options of {@link readSnapshot}. */
export interface ReadSnapshotOptions {
  /** Load sections into SharedArrayBuffers (shareable with workers). Default true. */
  shared?: boolean;
  /** Check every section's XXH64. Default true (header and table are always checked). */
  verify?: boolean;
}

/** A loaded snapshot. */
export interface Snapshot {
  readonly meta: unknown;
  /** Section name → typed array (of its written element type) on its own (Shared)ArrayBuffer. */
  readonly sections: Map<string, SnapshotArray>;
  /** Format version of the file. */
  readonly version: number;
}

const HEADER_BYTES = 64;
const ENTRY_FIXED = 32;
const ALIGN = 64;
const IO_PIECE = 1 << 30; // fs calls move at most 1 GiB (fs limit is 2^31 − 1)
const HASH_PIECE = 8 << 20; // xxhash-wasm copies its input into wasm memory: feed it in pieces
const MAX_NAME_BYTES = 1024;
const DTYPE_MSGPACK = 0xff;

const DTYPES: readonly { code: number; name: SnapshotDType; bytes: number; ctor: new (b: ArrayBufferLike, o: number, n: number) => SnapshotArray }[] = [
  { code: 1, name: 'u8', bytes: 1, ctor: Uint8Array },
  { code: 2, name: 'i8', bytes: 1, ctor: Int8Array },
  { code: 3, name: 'u16', bytes: 2, ctor: Uint16Array },
  { code: 4, name: 'i16', bytes: 2, ctor: Int16Array },
  { code: 5, name: 'u32', bytes: 4, ctor: Uint32Array },
  { code: 6, name: 'i32', bytes: 4, ctor: Int32Array },
  { code: 7, name: 'f32', bytes: 4, ctor: Float32Array },
  { code: 8, name: 'f64', bytes: 8, ctor: Float64Array },
  { code: 9, name: 'u64', bytes: 8, ctor: BigUint64Array },
  { code: 10, name: 'i64', bytes: 8, ctor: BigInt64Array },
];

function dtypeOf(a: unknown): (typeof DTYPES)[number] | undefined {
  // Buffer is a Uint8Array subclass: accept it as u8.
  if (a instanceof Uint8Array) return DTYPES[0];
  return DTYPES.find((d) => a instanceof d.ctor);
}

let hashApi: Promise<XXHashAPI> | null = null;
/** xxhash-wasm, instantiated once per thread (immutable after creation). */
function hasher(): Promise<XXHashAPI> {
  hashApi ??= xxhash();
  return hashApi;
}

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });
const utf8 = new TextEncoder();

function bytesOf(a: ArrayBufferView, from: number, len: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset + from, len);
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function ioError(what: string, path: string, cause: unknown): KhopError {
  return new KhopError('IO_ERROR', `snapshot: ${what} failed for ${basename(path)}`, { cause, details: { path } });
}

interface PlannedSection {
  name: Uint8Array;
  dtype: number;
  parts: ArrayBufferView[];
  length: number;
  offset: number;
  checksum: bigint;
}

/**
 * The file a snapshot is written to: `path`, or the file a symlink at `path` points to (the
 * rename would replace the link itself and leave its target as it was). An existing path that
 * is not a regular file (a directory, a device such as /dev/full, a pipe) is refused: the
 * rename would replace it.
 */
export async function snapshotTarget(path: string): Promise<string> {
  return (await snapshotDestination(path)).target;
}

/** Where a snapshot is written, and the mode and owner of the file it replaces (null: a new file). */
async function snapshotDestination(path: string): Promise<{ target: string; mode: number | null; owner: { uid: number; gid: number } | null }> {
  // An open descriptor (/dev/stdout, a link to /proc/self/fd/1): its resolution is the file the
  // shell opened — renaming a snapshot over it would replace the caller's log.
  if (isDescriptorPath(path)) throw new KhopError('IO_ERROR', `snapshot: ${path} is an open descriptor (standard output or the like), not a file to write a snapshot to`, { details: { path } });
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return { target: path, mode: null, owner: null }; // nothing there yet (or a dangling link: written as a new file at `path`)
  }
  const s = await stat(target);
  if (!s.isFile()) throw new KhopError('IO_ERROR', `snapshot: ${path} exists and is not a regular file`, { details: { path } });
  return { target, mode: s.mode & 0o7777, owner: { uid: s.uid, gid: s.gid } };
}

/**
 * Write a snapshot atomically (temp file + fsync + rename + directory fsync), through a
 * symlink to its target; an existing non-regular file at `path` is refused (snapshotTarget).
 * A file replaced keeps its permission bits (a register made private stays private) and, when
 * the process may set it, its owner — its temporary file is owner-only while it is written; a
 * new file gets the umask's mode. A file with other hard links is replaced at this name only (the
 * other names keep the old snapshot): atomicity first.
 * Rejects with INVALID_ARGUMENT for bad input, IO_ERROR when the file system fails.
 */
export async function writeSnapshot(requested: string, content: SnapshotContent, options?: WriteSnapshotOptions): Promise<void> {
  checkString('writeSnapshot', 'path', requested);
  checkObject('writeSnapshot', 'content', content, 'an object { meta, sections }');
  const { target: path, mode, owner } = await snapshotDestination(requested);
  const doSync = options?.fsync ?? true;
  const problems: string[] = [];
  const planned: PlannedSection[] = [];
  let metaBytes: Uint8Array;
  try {
    // Copy: packr reuses its internal buffer across calls.
    metaBytes = Uint8Array.from(packr.pack(content.meta));
  } catch (e) {
    throw new KhopError('INVALID_ARGUMENT', 'writeSnapshot: meta is not msgpack-encodable', { cause: e });
  }
  planned.push({ name: new Uint8Array(0), dtype: DTYPE_MSGPACK, parts: [metaBytes], length: metaBytes.byteLength, offset: 0, checksum: 0n });
  const names = new Set<string>();
  if (!Array.isArray(content.sections)) problems.push('sections must be an array');
  else {
    content.sections.forEach((s, i) => {
      if (s === null || typeof s !== 'object' || typeof s.name !== 'string' || s.name.length === 0) {
        problems.push(`sections[${i}].name must be a non-empty string`);
        return;
      }
      const name = utf8.encode(s.name);
      if (name.length > MAX_NAME_BYTES) problems.push(`sections[${i}].name is longer than ${MAX_NAME_BYTES} bytes`);
      if (names.has(s.name)) problems.push(`sections[${i}].name "${s.name}" is a duplicate`);
      names.add(s.name);
      const parts = (Array.isArray(s.data) ? s.data : [s.data]) as unknown[];
      const dts = parts.map(dtypeOf);
      if (parts.length === 0 || dts.some((d) => d === undefined) || dts.some((d) => d !== dts[0])) {
        problems.push(`sections[${i}].data must be a typed array or a non-empty list of typed arrays of one type`);
        return;
      }
      const views = parts as ArrayBufferView[];
      const total = views.reduce((n, v) => n + v.byteLength, 0);
      if (total / dts[0]!.bytes > 0xffffffff) problems.push(`sections[${i}] has more than 2^32 elements: it could not be loaded (use a wider element type)`);
      planned.push({ name, dtype: dts[0]!.code, parts: views, length: views.reduce((n, v) => n + v.byteLength, 0), offset: 0, checksum: 0n });
    });
  }
  if (problems.length > 0) throw new KhopError('INVALID_ARGUMENT', `writeSnapshot: ${problems.join('; ')}`, { details: { problems } });

  // Layout: header, table, then sections at 64-byte boundaries.
  const tableBytes = planned.reduce((n, p) => n + ENTRY_FIXED + Math.ceil(p.name.length / 8) * 8, 0);
  let at = align(HEADER_BYTES + tableBytes);
  for (const p of planned) {
    p.offset = at;
    at = align(at + p.length);
  }
  const last = planned[planned.length - 1]!;
  const fileBytes = last.offset + last.length;

  const api = await hasher();
  const dir = dirname(path);
  const tmp = join(dir, temporaryName(path, 6));
  let fh: FileHandle | null = null;
  trackTemporaryFile(tmp, true); // removed if the command line is interrupted (text-sink.ts)
  try {
    // Replacing a file: owner-only while it is written (a register is personal data), then the
    // replaced file's mode and owner (root saving over another user's file) before the rename.
    // A new file: the umask's mode, as any file the process creates.
    fh = await open(tmp, 'wx', mode === null ? 0o666 : 0o600);
    // Sections first (hashing each piece as it is written), then table and header at offset 0.
    for (const p of planned) {
      const h = api.create64(0n);
      let pos = p.offset;
      for (const v of p.parts) {
        for (let from = 0; from < v.byteLength; from += IO_PIECE) {
          const len = Math.min(IO_PIECE, v.byteLength - from);
          const piece = bytesOf(v, from, len);
          for (let x = 0; x < len; x += HASH_PIECE) h.update(piece.subarray(x, Math.min(len, x + HASH_PIECE)));
          await writeAll(fh, piece, pos);
          pos += len;
        }
      }
      p.checksum = h.digest();
    }
    const head = new Uint8Array(align(HEADER_BYTES + tableBytes));
    const dv = new DataView(head.buffer);
    let e = HEADER_BYTES;
    for (const p of planned) {
      dv.setUint32(e, p.name.length, true);
      dv.setUint8(e + 4, p.dtype);
      dv.setBigUint64(e + 8, BigInt(p.offset), true);
      dv.setBigUint64(e + 16, BigInt(p.length), true);
      dv.setBigUint64(e + 24, p.checksum, true);
      head.set(p.name, e + ENTRY_FIXED);
      e += ENTRY_FIXED + Math.ceil(p.name.length / 8) * 8;
    }
    for (let i = 0; i < 8; i++) head[i] = SNAPSHOT_MAGIC.charCodeAt(i);
    dv.setUint32(8, SNAPSHOT_FORMAT_VERSION, true);
    dv.setUint32(12, 0, true);
    dv.setUint32(16, planned.length, true);
    dv.setUint32(20, tableBytes, true);
    dv.setBigUint64(24, BigInt(fileBytes), true);
    dv.setBigUint64(32, api.h64Raw(head.subarray(HEADER_BYTES, HEADER_BYTES + tableBytes), 0n), true);
    dv.setBigUint64(40, api.h64Raw(head.subarray(0, 40), 0n), true);
    await writeAll(fh, head, 0);
    await fh.truncate(fileBytes); // the last section may end in a gap that was never written
    if (mode !== null) await fh.chmod(mode);
    if (owner !== null) await fh.chown(owner.uid, owner.gid).catch(() => {}); // not allowed (not root): the writer's, as any new file
    if (doSync) await fh.sync();
    await fh.close();
    fh = null;
    await rename(tmp, path);
  } catch (e) {
    if (fh !== null) await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    if (e instanceof KhopError) throw e;
    throw ioError('write', path, e);
  } finally {
    trackTemporaryFile(tmp, false);
  }
  if (doSync) await syncDirectory(dir);
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

/** fsync a directory so a rename in it is durable (not possible on every platform: ignored there). */
async function syncDirectory(dir: string): Promise<void> {
  let dh: FileHandle | null = null;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES') throw ioError('directory fsync', dir, e);
  } finally {
    await dh?.close().catch(() => {});
  }
}

/** Reads exactly `len` bytes at `position` into `dst` (throws SNAPSHOT_TRUNCATED at end of file). */
async function readExactly(fh: FileHandle, dst: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < dst.byteLength) {
    const { bytesRead } = await fh.read(dst, done, dst.byteLength - done, position + done);
    if (bytesRead === 0) throw new KhopError('SNAPSHOT_TRUNCATED', 'snapshot: the file ends before its last section');
    done += bytesRead;
  }
}

function corrupt(what: string, details?: Record<string, unknown>): KhopError {
  return new KhopError('SNAPSHOT_CORRUPT', `snapshot: ${what}`, details === undefined ? undefined : { details });
}

/**
 * Read a snapshot: header, table and every section checked; sections land directly in
 * (Shared)ArrayBuffers. Rejects with SNAPSHOT_FOREIGN / SNAPSHOT_VERSION / SNAPSHOT_TRUNCATED /
 * SNAPSHOT_CORRUPT (see the file header) or IO_ERROR.
 */
export async function readSnapshot(path: string, options?: ReadSnapshotOptions): Promise<Snapshot> {
  checkString('readSnapshot', 'path', path);
  const shared = options?.shared ?? true;
  const verify = options?.verify ?? true;
  let fh: FileHandle;
  // A regular file only, checked before opening: opening a named pipe with no writer blocks a
  // libuv thread for ever (not even SIGTERM ends the process), and a pipe's stream has no
  // offsets to read sections at.
  // A snapshot from a pipe (`--register <(…)`) is refused, not read into memory: its sections land
  // in shared memory at their offsets, and a register is often larger than a copy would be worth.
  const kind = await stat(path).then((st) => (st.isFile() ? null : st.isDirectory() ? 'a directory' : 'not a regular file (a pipe, a device or a socket)'), () => null);
  if (kind === 'a directory') throw new KhopError('IO_ERROR', `snapshot: ${path} is a directory; a snapshot is read from a file`, { details: { path } });
  if (kind !== null) throw new KhopError('IO_ERROR', `snapshot: ${path} is ${kind}; a snapshot is read from a file by offset, not streamed: save it to a file and give that`, { details: { path } });
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError('open', path, e);
  }
  try {
    return await readOpen(fh, shared, verify);
  } catch (e) {
    if (e instanceof KhopError) throw e;
    throw ioError('read', path, e);
  } finally {
    await fh.close().catch(() => {});
  }
}

async function readOpen(fh: FileHandle, shared: boolean, verify: boolean): Promise<Snapshot> {
  const size = (await fh.stat()).size;
  const head = new Uint8Array(HEADER_BYTES);
  const got = (await fh.read(head, 0, Math.min(HEADER_BYTES, size), 0)).bytesRead;
  const magicBytes = Math.min(8, got);
  for (let i = 0; i < magicBytes; i++) {
    if (head[i] !== SNAPSHOT_MAGIC.charCodeAt(i)) throw new KhopError('SNAPSHOT_FOREIGN', 'snapshot: not a khop snapshot (wrong magic)');
  }
  if (got < HEADER_BYTES) {
    if (got === 0) throw new KhopError('SNAPSHOT_FOREIGN', 'snapshot: empty file');
    throw new KhopError('SNAPSHOT_TRUNCATED', 'snapshot: the file ends inside its header');
  }
  const dv = new DataView(head.buffer);
  const version = dv.getUint32(8, true);
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    throw new KhopError('SNAPSHOT_VERSION', `snapshot: format version ${version}, this khop reads version ${SNAPSHOT_FORMAT_VERSION}`, {
      details: { found: version, supported: SNAPSHOT_FORMAT_VERSION },
    });
  }
  const api = await hasher();
  if (api.h64Raw(head.subarray(0, 40), 0n) !== dv.getBigUint64(40, true)) throw corrupt('header checksum mismatch');
  // The reserved bytes are outside the header checksum: they must be zero, so that a flipped
  // byte there is refused like one anywhere else.
  for (let i = 48; i < HEADER_BYTES; i++) if (head[i] !== 0) throw corrupt('non-zero reserved header bytes');
  const count = dv.getUint32(16, true);
  const tableBytes = dv.getUint32(20, true);
  const fileBytes = Number(dv.getBigUint64(24, true));
  if (fileBytes > size) throw new KhopError('SNAPSHOT_TRUNCATED', `snapshot: the file is ${size} bytes, its header says ${fileBytes}`);
  if (fileBytes < size) throw corrupt('trailing bytes after the last section');
  if (count < 1 || HEADER_BYTES + tableBytes > fileBytes) throw corrupt('bad section table size');
  const table = new Uint8Array(tableBytes);
  await readExactly(fh, table, HEADER_BYTES);
  if (api.h64Raw(table, 0n) !== dv.getBigUint64(32, true)) throw corrupt('section table checksum mismatch');

  const tv = new DataView(table.buffer);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const sections = new Map<string, SnapshotArray>();
  let meta: unknown = undefined;
  let e = 0;
  let prevEnd = HEADER_BYTES + tableBytes;
  for (let s = 0; s < count; s++) {
    if (e + ENTRY_FIXED > tableBytes) throw corrupt('section table too short');
    const nameLen = tv.getUint32(e, true);
    const code = tv.getUint8(e + 4);
    const offset = Number(tv.getBigUint64(e + 8, true));
    const length = Number(tv.getBigUint64(e + 16, true));
    const checksum = tv.getBigUint64(e + 24, true);
    if (nameLen > MAX_NAME_BYTES || e + ENTRY_FIXED + nameLen > tableBytes) throw corrupt('bad section name length');
    let name: string;
    try {
      name = decoder.decode(table.subarray(e + ENTRY_FIXED, e + ENTRY_FIXED + nameLen));
    } catch {
      throw corrupt('section name is not UTF-8');
    }
    e += ENTRY_FIXED + Math.ceil(nameLen / 8) * 8;
    const isMeta = s === 0;
    if (isMeta !== (code === DTYPE_MSGPACK) || (isMeta && nameLen !== 0)) throw corrupt('metadata must be the first section, and only it');
    const dt = DTYPES.find((d) => d.code === code);
    if (!isMeta && dt === undefined) throw corrupt(`unknown element type in section ${s}`);
    if (offset % ALIGN !== 0 || offset < prevEnd || offset + length > fileBytes) throw corrupt(`section ${s} lies outside the file`);
    if (dt !== undefined && length % dt.bytes !== 0) throw corrupt(`section ${s} is not a whole number of elements`);
    if (!isMeta && (name.length === 0 || sections.has(name))) throw corrupt(`section ${s} has an empty or duplicate name`);
    if (offset > prevEnd) {
      // The alignment gap must be zero: a flipped byte anywhere in the file is refused.
      const gap = new Uint8Array(offset - prevEnd);
      await readExactly(fh, gap, prevEnd);
      for (let g = 0; g < gap.length; g++) if (gap[g] !== 0) throw corrupt(`non-zero padding before section ${s}`);
    }
    prevEnd = offset + length;

    const buffer = shared && !isMeta ? new SharedArrayBuffer(length) : new ArrayBuffer(length);
    const h = verify || isMeta ? api.create64(0n) : null;
    for (let from = 0; from < length; from += IO_PIECE) {
      const piece = new Uint8Array(buffer, from, Math.min(IO_PIECE, length - from));
      await readExactly(fh, piece, offset + from);
      if (h !== null) for (let x = 0; x < piece.byteLength; x += HASH_PIECE) h.update(piece.subarray(x, Math.min(piece.byteLength, x + HASH_PIECE)));
    }
    if (h !== null && h.digest() !== checksum) throw corrupt(`checksum mismatch in section ${isMeta ? '(metadata)' : JSON.stringify(name)}`, { section: name });
    if (isMeta) {
      try {
        meta = unpackr.unpack(new Uint8Array(buffer));
      } catch {
        // No cause: msgpackr's message shows the decoded data, which may hold register values.
        throw new KhopError('SNAPSHOT_CORRUPT', 'snapshot: metadata does not decode');
      }
      continue;
    }
    const elements = length / dt!.bytes;
    if (elements > 0xffffffff) {
      throw new KhopError('CAPACITY_EXCEEDED', `snapshot: section ${JSON.stringify(name)} has more than 2^32 elements (write it with a wider element type)`);
    }
    sections.set(name, new dt!.ctor(buffer, 0, elements));
  }
  return { meta, sections, version };
}

/** The element type name of a typed array (for callers that describe sections). */
export function snapshotDType(a: SnapshotArray): SnapshotDType {
  const d = dtypeOf(a);
  if (d === undefined) throw new KhopError('INVALID_ARGUMENT', 'snapshotDType: not a typed array');
  return d.name;
}
