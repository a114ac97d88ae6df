/**
 * The message of a khop task: plain arguments packed with msgpackr, shared memory by reference.
 *
 *   PackedTask { job, part, args: Uint8Array (msgpackr), shared: { typed arrays on SAB, … } }
 *                 │     │     └ copied into the message: the bytes that really cross threads
 *                 │     └ index of the task in its phase (fault injection, diagnostics)
 *                 └ pool-unique job id (0 = none): the key of a thread's cached job state
 *
 * Trade-off: everything a task reads in bulk (records, pairs, levels, weights) is on
 * SharedArrayBuffer and travels as a handle; only small plain values are packed, so the bytes
 * crossing threads per task are `args.byteLength` plus a few bytes per shared handle, and
 * {@link PoolTraffic} can count them exactly. msgpackr returns a view into its own (larger,
 * reused) buffer, and posting a view clones its WHOLE buffer, so `packTask` copies the packed
 * bytes into an exact-size array first.
 */
import { pack, unpack } from 'msgpackr';

/** A task message; see the file header. */
export interface PackedTask<S = unknown> {
  /** Pool-unique job id the task belongs to (0 = none). */
  readonly job: number;
  /** Index of the task within its phase (0-based). */
  readonly part: number;
  /** Plain arguments packed with msgpackr (exact-size copy). */
  readonly args: Uint8Array;
  /** Typed arrays on SharedArrayBuffer (and descriptors holding them): shared, not copied. */
  readonly shared: S;
}

/** Bytes of plain data packed once and posted with many tasks (e.g. a job description). */
export function packValue(value: unknown): Uint8Array {
  return new Uint8Array(pack(value));
}

/** The value of {@link packValue}. */
export function unpackValue<T>(bytes: Uint8Array): T {
  return unpack(bytes) as T;
}

/** Build a task message. */
export function packTask<S>(job: number, part: number, args: unknown, shared: S): PackedTask<S> {
  return { job, part, args: packValue(args), shared };
}

/** The plain arguments of a task message. */
export function taskArgs<T>(task: PackedTask): T {
  return unpack(task.args) as T;
}

/**
 * Rough size in bytes of one shared handle in a structured-clone message (a tag, the buffer's
 * index, byte offset and length): the memory itself is not copied.
 */
export const SHARED_HANDLE_BYTES = 16;

/** What a run of tasks posted across threads. */
export class PoolTraffic {
  /** Task messages posted. */
  messages = 0;
  /** Bytes of packed arguments (copied into the messages), with 16 B per message for job, part and framing. */
  argBytes = 0;
  /** Shared handles (typed arrays or buffers on SharedArrayBuffer) referenced by the messages. */
  sharedHandles = 0;
  /** Estimated bytes of the plain values cloned along with the handles (descriptor metadata). */
  sharedMetadataBytes = 0;

  /** Count one posted message. */
  add(task: PackedTask): void {
    this.messages++;
    this.argBytes += task.args.byteLength + 16;
    const size = { handles: 0, bytes: 0 };
    measureShared(task.shared, size);
    this.sharedHandles += size.handles;
    this.sharedMetadataBytes += size.bytes;
  }

  /** Estimated total bytes posted across threads (the match tasks return nothing). */
  get bytes(): number {
    return this.argBytes + this.sharedHandles * SHARED_HANDLE_BYTES + this.sharedMetadataBytes;
  }
}

/**
 * Count the shared handles (typed arrays and buffers) inside `value`, and estimate the bytes
 * of the plain values around them (8 per number or boolean, a string's length + 4).
 */
export function measureShared(value: unknown, into: { handles: number; bytes: number }): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    into.bytes += value.length + 4;
    return;
  }
  if (typeof value !== 'object') {
    into.bytes += 8;
    return;
  }
  if (ArrayBuffer.isView(value) || value instanceof SharedArrayBuffer || value instanceof ArrayBuffer) {
    into.handles++;
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) measureShared(v, into);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    into.bytes += k.length + 4;
    measureShared(v, into);
  }
}
