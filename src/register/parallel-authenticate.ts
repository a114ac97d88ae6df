/**
 * authenticateMany on a worker pool: batches of claims are authenticated by worker threads
 * that read the register in place (its store and indexes live on SharedArrayBuffer), and the
 * verdicts come back in input order.
 *
 *   calling thread                                   worker thread (register cached per job id)
 *   claims ─► packClaimBatch: K values per claim,  ─► Register.fromSharedJob(job)
 *             one pass, strings appended to one text   .authenticateEncoded(PackedClaimValues):
 *          ─► pool.run(task, { job, claims })          the batch hashed together, looked up in
 *                                                      hash order; each claim's values cut from
 *                                                      the text when its verdict is computed,
 *   verdicts ◄── VerdictDecoder, one per next() ◄──    each verdict encoded (verdict-codec.ts);
 *                                                      `finished` counter + 1
 *            at most 2 × workers + 4 batches read ahead (back-pressure); two batches per
 *            worker at a time (one running, one waiting in the worker thread: pool.ts,
 *            tasksPerWorker), every other
 *            batch computed by the calling thread (ParallelVerdictStream below: adaptive); the
 *            calling thread polls the shared `finished` counter every 16 verdicts and takes an
 *            event-loop turn as soon as a worker is done, so the pool hands it its queued batch
 *            at once (not up to 512 verdicts later)
 *
 * The job is the register's metadata (schema, policy, model, dictionary, pending delta and
 * tombstones — small) plus descriptors of its shared buffers; any change to the register
 * (add / update / remove / compact) makes a new job and releases the old one, so a worker's
 * batch is always answered against one consistent state: the state when the batch was sent
 * (a calling-thread batch: the state when each verdict is handed out, as on one thread). A
 * batch handed out after the register changed (its version differs from the one it was
 * computed at) is answered again on the calling thread from that verdict on (recompute), so
 * every verdict is of the register as it is when it is handed out, whatever the threads.
 *
 * A stream's batches are packed as they are read and their claim objects dropped: the calling
 * thread authenticates its own share from the packed values too (as a worker does), so no claim
 * object outlives a young-generation collection (PendingBatch.packed; an array's claims are the
 * caller's anyway, and its batches are packed only when sent).
 *
 * What crosses threads per claim: its K field values out — no property names, no nested
 * objects, and the strings of a whole batch as ONE string with their lengths beside it (one
 * copy instead of one per string) — and ≈ 3 + K bytes, one or two doubles and the record id /
 * reason strings back. Structured clone of the claim objects and of the Verdict objects (nested
 * `fields`, `explanation`) cost the calling thread more than the authentication itself saved
 * (0.95× of one thread, measured); msgpackr on whole verdicts was slower still (0.75×). Values
 * the worker could not receive (functions, symbols) or that only mean "unusable type"
 * (objects, arrays, booleans) are sent as `false`, which every field parser treats exactly as
 * it treats them: an unusable type. A claim that is not an object ends the stream with
 * INVALID_ARGUMENT at its turn, after the verdicts before it — as the one-thread path does.
 *
 * Measured (npx tsx bench/register/parallel.ts --records 1M --claims 200k --runs 5, a shared
 * 2-core machine; per-thread CPU from /proc/self/task; the old code = this session's start):
 *   packing   packValues(packClaims) joined by U+0000 0.62–1.0 µs a claim (a third of it
 *             `indexOf` looking for the separator) → packClaimBatch 0.36–0.57 µs
 *   worker    unpacking a whole batch into one array made 32k values that lived ~50 ms and
 *             were promoted (old-generation growth, major GCs on the worker); read in place,
 *             they die young with their claim; one text per column keeps IDs / dates one-byte
 *   back      record ids and reasons as one text: clone + decode 0.29 → 0.08–0.12 µs a claim
 *   CPU       calling thread + worker 8.2–8.75 → 7.2–7.65 µs a claim (runs that got 1 core)
 *   threads: 2 vs 1 thread, same run, 1.83–1.91 cores: old code 1.39–1.60× (median 1.48× of
 *             5 bench runs; 1.53× last session), new 1.47–1.67× (median 1.61× of 8, interleaved
 *             with the old ones); 1-thread throughput unchanged within the noise
 * Tried and dropped: keeping the calling thread's read-ahead batches as Verdict objects
 * instead of encoding them (1.46×, 8.8 CPU µs a claim against 7.8: they are promoted);
 * 2W + 8 batches read ahead (1.57×, no better than 2W + 4); the worker writing its batch into a
 * VerdictTable's shared columns and the calling thread making the Verdict objects from them when
 * it hands them out (authenticateAll's path, verdict-table.ts) — the worker saves ~1.4 µs a
 * claim, but the calling thread, which must make every object anyway, then also reads each
 * record id from the store (cold cells, ~3 cache misses a claim) and becomes the bottleneck:
 * 2 threads 211k / 248k claims/s against 273k / 268k for this path, in alternating runs
 * (bench/register/parallel.ts, 1M register, 200k claims).
 * Register jobs: the first 2 × workers tasks of a job carry it whole, later ones by id
 * (RegisterJobSender below: a clone of a 1M register's job cost ~0.45 ms a task).
 */
import { KhopError } from '../errors.js';
import { phaseError } from '../pool/phase-runner.js';
import type { BlockIndexDescriptor } from '../block/block-index.js';
import type { RecordStoreDescriptor } from '../block/record-store.js';
import type { RegisterMeta } from './register-snapshot.js';
import type { Verdict } from './verdict.js';
import { isClaimObject, notAClaimError, openSource, type ClaimBatch } from './authenticate-batch.js';
import { claimValue, type ClaimValues } from './claim.js';
import type { FieldPlan } from './register-layout.js';
import { VerdictDecoder, type EncodedVerdicts, type VerdictEncoder, type VerdictObjects } from './verdict-codec.js';
import { turn } from '../pool/ordered-chunks.js';


/** What a worker needs to rebuild a read-only register. */
export interface RegisterJob {
  readonly id: string;
  readonly meta: RegisterMeta;
  readonly store: RecordStoreDescriptor;
  readonly indexes: readonly BlockIndexDescriptor[];
  /** Set to 1 when the register changed: worker threads drop their cached copy. */
  readonly released: Int32Array;
}

/** The part of KhopPool this module uses (kept structural: src/pool imports this module). */
export interface PoolLike {
  run<T = unknown>(taskName: string, payload: unknown): Promise<T>;
  readonly threads: number;
  close(): Promise<void>;
}

/** A register job by id only: what a task carries once its thread is likely to have the job cached. */
export interface RegisterJobRef {
  readonly id: string;
  readonly released: Int32Array;
}

/** What a register task answers when it was given a job by id that its thread does not hold. */
export interface MissingJob {
  readonly missingJob: true;
}

export const MISSING_JOB: MissingJob = Object.freeze({ missingJob: true });

function isMissingJob(r: unknown): r is MissingJob {
  return r !== null && typeof r === 'object' && (r as Partial<MissingJob>).missingJob === true;
}

/**
 * Which tasks carry the register job whole. Structured clone of a job costs ~0.45 ms for a
 * 1M-record register (its metadata and ~80 shared-buffer handles, cloned on this thread and
 * rebuilt on the worker — measured), i.e. 0.05–1.8 µs a claim for batches of 8,192 to 256
 * claims, on both threads; yet a worker needs it once (it caches the register per job id).
 * So the first `fullSends` tasks of each job carry it whole — the first wave, which reaches
 * every worker when the pool hands one task to each idle worker — and later tasks carry it by
 * id. A worker that was given a job by id and does not hold it answers MissingJob and the task
 * is sent again with the job whole (runRegisterTask): correct whatever the pool's scheduling.
 */
export class RegisterJobSender {
  private id: string | null = null;
  private sent = 0;

  constructor(private readonly fullSends: number) {}

  /** The job as the next task carries it. */
  form(job: RegisterJob): RegisterJob | RegisterJobRef {
    if (job.id !== this.id) {
      this.id = job.id;
      this.sent = 0;
    }
    return this.sent++ < this.fullSends ? job : { id: job.id, released: job.released };
  }
}

/**
 * Run register task `task` with `payload` (its job whole or by id); when the worker answers
 * MissingJob, `onBounce` is called and the task is sent again with `job` whole.
 */
export async function runRegisterTask<T>(pool: PoolLike, task: string, payload: { readonly job: RegisterJob | RegisterJobRef }, job: RegisterJob, onBounce?: () => void): Promise<T> {
  const r = await pool.run<T | MissingJob>(task, payload);
  if (!isMissingJob(r)) return r;
  onBounce?.();
  const again = await pool.run<T | MissingJob>(task, { ...payload, job });
  if (isMissingJob(again)) throw new KhopError('INTERNAL', 'register task: a worker did not take the register job');
  return again;
}

/** Payload of the 'register.authenticate' task. */
export interface AuthenticateTaskPayload {
  /** The register: whole, or by id (see RegisterJobSender). */
  readonly job: RegisterJob | RegisterJobRef;
  /** The claims' field values (packClaimBatch): field k of claim i is value `i * K + k`. */
  readonly claims: PackedClaims;
  readonly count: number;
  readonly candidates: number;
  /**
   * A counter on a SharedArrayBuffer that the worker increments when it is done with the batch
   * (answered or failed), before the result travels back: the calling thread polls it to learn
   * early that a worker is free (see FINISH_CHECK_EVERY).
   */
  readonly finished?: Int32Array;
}

/**
 * Claim values as they cross to a worker. Structured clone copies one string per string value
 * (≈ 0.9 µs a claim both ways, measured — an eighth of authenticating it); concatenated into
 * one string per column, the strings cross as one copy each, and the worker cuts them back by
 * their lengths. Value j is in column `j % texts.length` (a claim batch: one column per
 * schema field).
 *   kinds[j]    0 a string (the next `lengths[j]` code units of its column's text), 1 null,
 *               2 undefined, 3 an unusable type (sent as `false`, see portable), 4 a number (the
 *               next of `nums`), 5 a bigint (its decimal digits, as a string)
 *   lengths[j]  the length of value j's segment of its column's text (0 for the other kinds)
 * Lengths rather than a separator: any string crosses as it is (no U+0000 fallback), and the
 * calling thread does not scan every string for a separator (`indexOf` was ≈ 0.28 µs a claim,
 * a third of the packing, measured). One text per column: a batch's names make their text
 * two-byte (diacritics), and one text for all would have made every ID, date and sex cut from
 * it two-byte as well — each a slower string for the parsers and hashes on the worker
 * (2–5 % of a claim, measured); a column of ASCII values stays one-byte.
 */
export interface PackedClaims {
  /** One text per column (at least one). */
  readonly texts: readonly string[];
  readonly kinds: Uint8Array;
  readonly lengths: Uint32Array;
  readonly nums: Float64Array;
}

const KIND_STRING = 0;
const KIND_NULL = 1;
const KIND_UNDEFINED = 2;
const KIND_UNUSABLE = 3;
const KIND_NUMBER = 4;
const KIND_BIGINT = 5;

/**
 * One packing: kinds and lengths per value, the strings appended to one text (V8 keeps the
 * appends as a rope that structured clone flattens in one copy: 0.36–0.57 µs a claim with the
 * field reads and the clone, against 0.50–0.76 for collecting the strings and joining them,
 * measured). Fresh per batch: its parts are handed to structured clone.
 */
class Packer {
  readonly kinds: Uint8Array;
  readonly lengths: Uint32Array;
  readonly texts: string[];
  nums: number[] | null = null;

  constructor(n: number, columns: number) {
    this.kinds = new Uint8Array(n);
    this.lengths = new Uint32Array(n);
    this.texts = new Array<string>(columns).fill('');
  }

  /** Value j (its portable form, see portable), of column `col` (= j % columns). */
  put(j: number, col: number, v: unknown): void {
    if (typeof v === 'string') {
      this.texts[col] += v;
      this.lengths[j] = v.length;
    } else if (v === null) this.kinds[j] = KIND_NULL;
    else if (v === undefined) this.kinds[j] = KIND_UNDEFINED;
    else if (typeof v === 'number') {
      this.kinds[j] = KIND_NUMBER;
      (this.nums ??= []).push(v);
    } else if (typeof v === 'bigint') {
      const digits = v.toString();
      this.kinds[j] = KIND_BIGINT;
      this.texts[col] += digits;
      this.lengths[j] = digits.length;
    } else this.kinds[j] = KIND_UNUSABLE;
  }

  done(): PackedClaims {
    return { texts: this.texts, kinds: this.kinds, lengths: this.lengths, nums: this.nums === null ? new Float64Array(0) : new Float64Array(this.nums) };
  }
}

/** Pack flat values (portable ones: see portable) for a worker, in `columns` columns (default 1). */
export function packValues(values: readonly unknown[], columns = 1): PackedClaims {
  const n = values.length;
  const p = new Packer(n, columns);
  for (let j = 0; j < n; j++) p.put(j, j % columns, values[j]);
  return p.done();
}

/**
 * The K field values of each claim of `batch`, packed for a worker in one pass: the same as
 * `packValues(packClaims(batch, fields), K)` without the intermediate array (every element of
 * `batch` is a claim object).
 */
export function packClaimBatch(batch: readonly Record<string, unknown>[], fields: readonly FieldPlan[]): PackedClaims {
  const r = packClaimBatchOrFailure(batch, fields);
  if (r instanceof ClaimReadFailure) throw r.error;
  return r;
}

/** packClaimBatch, or — when reading a claim throws — which claim and what it threw. */
export function packClaimBatchOrFailure(batch: readonly Record<string, unknown>[], fields: readonly FieldPlan[]): PackedClaims | ClaimReadFailure {
  const K = fields.length;
  const p = new Packer(batch.length * K, K);
  let j = 0;
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i]!;
    try {
      for (let k = 0; k < K; k++) p.put(j++, k, portable(claimValue(c, fields[k]!)));
    } catch (e) {
      return new ClaimReadFailure(e, i);
    }
  }
  return p.done();
}

/** Reading claim `at` of a batch threw `error` (a getter, a Proxy): see PendingBatch.failure. */
export class ClaimReadFailure {
  constructor(
    readonly error: unknown,
    readonly at: number,
  ) {}
}

/** The values of `source` from value `from` on (a batch's claims from one of them on). */
class ClaimValuesFrom implements ClaimValues {
  constructor(
    private readonly source: ClaimValues,
    private readonly from: number,
  ) {}

  get length(): number {
    return this.source.length - this.from;
  }

  value(j: number): unknown {
    return this.source.value(this.from + j);
  }
}

/**
 * The values of a PackedClaims read in place, by position (what the worker authenticates
 * from): checked once when made, each string cut from its text only when its claim is read — so
 * the cuts die young with the claim's verdict instead of a whole batch of them (an array of
 * count × K values living ~50 ms) surviving into the old generation, as unpacking did.
 *   at[j]  string / bigint kinds: where value j starts in its column's text; numbers: its index
 *          in `nums`
 * @throws KhopError INVALID_ARGUMENT (construction) when the parts do not fit together (lengths
 *   past the text, text or numbers left over, an unknown kind): a damaged message is never
 *   read as claims.
 */
export class PackedClaimValues implements ClaimValues {
  private readonly texts: readonly string[];
  private readonly columns: number;
  private readonly kinds: Uint8Array;
  private readonly lengths: Uint32Array;
  private readonly nums: Float64Array;
  private readonly at: Uint32Array;

  constructor(p: PackedClaims) {
    const { texts, kinds, lengths, nums } = p;
    const n = kinds.length;
    const C = texts.length;
    if (lengths.length !== n || C === 0 || n % C !== 0) throw damaged();
    const at = new Uint32Array(n);
    const pos = new Float64Array(C);
    let ni = 0;
    for (let j = 0; j < n; j++) {
      const kind = kinds[j]!;
      if (kind === KIND_STRING || kind === KIND_BIGINT) {
        const col = j % C;
        at[j] = pos[col]!;
        pos[col] += lengths[j]!;
      } else if (kind === KIND_NUMBER) at[j] = ni++;
      else if (kind > KIND_BIGINT) throw damaged();
    }
    if (ni !== nums.length) throw damaged();
    for (let col = 0; col < C; col++) if (pos[col] !== texts[col]!.length) throw damaged();
    this.texts = texts;
    this.columns = C;
    this.kinds = kinds;
    this.lengths = lengths;
    this.nums = nums;
    this.at = at;
  }

  get length(): number {
    return this.kinds.length;
  }

  value(j: number): unknown {
    switch (this.kinds[j]) {
      case KIND_STRING: {
        const a = this.at[j]!;
        return this.texts[j % this.columns]!.slice(a, a + this.lengths[j]!);
      }
      case KIND_NULL:
        return null;
      case KIND_UNDEFINED:
        return undefined;
      case KIND_NUMBER:
        return this.nums[this.at[j]!];
      case KIND_BIGINT: {
        const a = this.at[j]!;
        return BigInt(this.texts[j % this.columns]!.slice(a, a + this.lengths[j]!));
      }
      default:
        return false;
    }
  }
}

/** The flat values of packValues, back (see PackedClaimValues; throws as it does). */
export function unpackValues(p: PackedClaims): unknown[] {
  const r = new PackedClaimValues(p);
  const out = new Array<unknown>(r.length);
  for (let j = 0; j < out.length; j++) out[j] = r.value(j);
  return out;
}

function damaged(): KhopError {
  return new KhopError('INVALID_ARGUMENT', 'register.authenticate: packed claim values do not fit together');
}

export const AUTHENTICATE_TASK = 'register.authenticate';

interface ParallelOptions {
  batchSize: number;
  candidates: number;
  threads: number;
  pool: PoolLike | undefined;
  job: () => RegisterJob;
  /** The register's fields, in schema order (what packClaims reads). */
  fields: readonly FieldPlan[];
  /** Builds the verdicts' `fields` / `explanation` objects (the register's evaluator). */
  objects: VerdictObjects;
  /** The register's own batch path: the calling thread's share of the batches (and a sent batch's recompute, from its packed values). */
  local: ClaimBatch & { prepareValues(values: ClaimValues, n: number): void };
  /** Encodes the calling thread's batches computed ahead of their turn (one per stream). */
  encoder: VerdictEncoder;
  /** The register's change counter (every add / update / remove / compact): a batch computed across event-loop turns checks it. */
  version: () => number;
}

/** A value as it crosses to a worker: unusable types become `false` (see the file header). */
function portable(v: unknown): unknown {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'bigint' || v === undefined || v === null) return v;
  return false;
}


/** The K field values of each claim of `batch`, flat (every element is a claim object). */
export function packClaims(batch: readonly Record<string, unknown>[], fields: readonly FieldPlan[]): unknown[] {
  const K = fields.length;
  const out = new Array<unknown>(batch.length * K);
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i]!;
    for (let k = 0; k < K; k++) out[i * K + k] = portable(claimValue(c, fields[k]!));
  }
  return out;
}

/**
 * Verdicts handed out between two turns of the event loop. A consumer that takes verdicts as
 * fast as they come never leaves the microtask queue, and the pool only learns that a worker
 * finished (and gives it the next batch) in a macrotask: without a turn, workers sit idle
 * while the calling thread hands out a batch (measured: 1.05× instead of ~1.7×).
 */
const VERDICTS_PER_TURN = 512;

/**
 * Between those turns, every this many verdicts (a power of two: `handed & (… − 1)`) the calling
 * thread reads the count of batches workers have finished (AuthenticateTaskPayload.finished),
 * and takes a turn at once when a worker finished one whose result it has not received, to
 * send that worker another batch. A turn every 512 verdicts alone left a worker idle ≈ half of
 * 512 × 7 µs per batch when its next batch waited in the pool's queue on this thread; with
 * tasksPerWorker (pool.ts) the worker starts its waiting batch by itself, and the early turn
 * keeps its queue filled.
 */
const FINISH_CHECK_EVERY = 16;

/** The async iterable of verdicts computed on a pool. */
export function parallelVerdicts(claims: Iterable<unknown> | AsyncIterable<unknown>, o: ParallelOptions): AsyncIterable<Verdict> {
  return { [Symbol.asyncIterator]: () => new ParallelVerdictStream(claims, o) };
}

/**
 * A batch read from the source, waiting for its turn to be handed out:
 *   'local'    not assigned yet — the calling thread computes it when it reaches the head
 *              (lazily, verdict by verdict, as on one thread), or earlier while it would
 *              otherwise wait for a worker, or it is sent to a worker that has nothing to do
 *   'computing' the calling thread is computing it ahead of its turn
 *   'encoded'  computed ahead by the calling thread (encoded, so its verdicts die young)
 *   'remote'   sent to the pool: its encoded verdicts to come
 */
class PendingBatch {
  kind: 'local' | 'computing' | 'encoded' | 'remote' = 'local';
  encoded: EncodedVerdicts | null = null;
  result: Promise<EncodedVerdicts> | null = null;
  settled = false;
  /**
   * Reading its claims threw (a getter, a Proxy) while packing them for a worker or computing
   * them ahead: at its turn the calling thread answers the claims before the failing one, then
   * next() throws the error — as on one thread, and whether or not a second read would throw
   * (a getter that fails once).
   */
  failure: ClaimReadFailure | null = null;
  /**
   * The register's version its verdicts were computed at (sent to a worker, or computed ahead):
   * a batch handed out after a change is answered again from its claims (kept for that).
   */
  version = -1;
  /** Its number of claims. */
  readonly size: number;
  /**
   * Its claims' values packed as a worker receives them — as they are read from a stream, else
   * when sent (ParallelVerdictStream.packAsRead): what a thread then authenticates the batch
   * from, the calling thread too (prepareValues), and a recompute. The claim objects are dropped
   * once packed (`claims` emptied). Kept until the batch was handed out — read ahead, on a
   * worker or computed ahead, ~50–100 ms and several young-generation collections later — every
   * claim object of a stream was promoted to the old generation: 574 MB promoted on the calling
   * thread for 1M claims of `khop authenticate --threads 2`, against 33 MB on one thread.
   */
  packed: PackedClaims | null = null;
  constructor(public claims: Record<string, unknown>[]) {
    this.size = claims.length;
  }
}

/** The claims of a batch once packed (PendingBatch.packed). */
const PACKED: Record<string, unknown>[] = [];

/**
 * The iterator of a pooled authenticateMany. Hand-written (like VerdictStream) so that a ready
 * verdict costs one resolved promise, not a generator's queue.
 *
 *   next() ─► a verdict of the current batch (a macrotask turn every VERDICTS_PER_TURN)
 *          └► batch used up: advance() — top up (every worker busy, ≤ maxQueued batches read
 *             ahead), then hand out the oldest batch: a local one lazily, an encoded or
 *             finished remote one through a VerdictDecoder; while the oldest is still on a
 *             worker, compute the oldest unassigned batch ahead (encoded) instead of waiting
 *
 * Work sharing is adaptive: the calling thread is one of the `threads` (an own pool has
 * threads − 1 workers). It must pack the pool's claims and decode their verdicts anyway, so a
 * fixed share (one batch in workers + 1, the previous scheme) left it either idle, waiting for
 * a worker, or the bottleneck, depending on the claim mix and on how much CPU each thread got
 * from a shared machine. Now each worker has two batches at a time (one running, one queued), and the calling thread takes
 * every batch no worker is free for — at its turn, or ahead of it while it would wait.
 */
class ParallelVerdictStream implements AsyncIterator<Verdict> {
  private readonly K: number;
  private readonly syncIt: Iterator<unknown> | null;
  private readonly asyncIt: AsyncIterator<unknown> | null;
  private pool: PoolLike | undefined;
  private readonly ownPool: boolean;
  private readonly pending: PendingBatch[] = [];
  private decoder: VerdictDecoder | null = null;
  /** The batch the decoder hands out (its claims and the version its verdicts are of). */
  private decoding: PendingBatch | null = null;
  /** The local batch being handed out: verdicts localPos..localCount-1 remain. */
  private localPos = 0;
  private localCount = 0;
  private handed = 0;
  /** Batches on workers whose result has not arrived. */
  private inFlight = 0;
  /** Batches workers finished (incremented by the workers, see AuthenticateTaskPayload.finished). */
  private readonly finishedOnWorkers = new Int32Array(new SharedArrayBuffer(4));
  /** The register job whole in the first wave of a job's tasks, by id after (see RegisterJobSender). */
  private jobs: RegisterJobSender | null = null;
  /** Batches whose result (or failure) has arrived on this thread. */
  private settledCount = 0;
  /** The source is exhausted (or stopped at a claim that is not an object). */
  private sourceDone = false;
  /** Claims read from the source so far (the position of the next one). */
  private readCount = 0;
  /** Position of the claim that is not an object, or −1. */
  private notAClaim = -1;
  /** What the source threw: thrown once the claims read before it are answered (as VerdictStream). */
  private sourceError: { error: unknown } | null = null;
  private finished = false;
  /** The batch being handed out stops at a claim that could not be read: its error, next. */
  private claimFailure: ClaimReadFailure | null = null;
  /** Settles when the next() call being served may be followed by another (see next()). */
  private waiting: Promise<unknown> | null = null;
  /**
   * Every batch packed as it is read (PendingBatch.packed), so that the claim objects die young
   * — not for an array, which holds its claims anyway: its batches are packed when sent, and the
   * calling thread reads the claim objects of the batches it keeps (no packing for them).
   */
  private readonly packAsRead: boolean;
  /**
   * The batch being read from an async source, in the background (one at a time), or null.
   * Reading a batch never holds up the verdicts already computed: a source that yields slowly,
   * or waits for more input (a queue fed by requests), got no verdict at all on a pool until
   * 2 × workers + 4 batches had been read — where one thread hands out each batch once read.
   */
  private reading: Promise<void> | null = null;
  /** An unexpected error of a background read (not the source's own: see sourceError). */
  private readFailure: { error: unknown } | null = null;

  constructor(
    source: Iterable<unknown> | AsyncIterable<unknown>,
    private readonly o: ParallelOptions,
  ) {
    this.K = o.fields.length;
    this.pool = o.pool;
    this.ownPool = o.pool === undefined;
    this.packAsRead = !Array.isArray(source);
    ({ syncIt: this.syncIt, asyncIt: this.asyncIt } = openSource(source));
  }

  next(): Promise<IteratorResult<Verdict>> {
    // After return() (or the end, or a failure) nothing more — also while an advance that
    // began before return() is still under way.
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    // A call made while an earlier one waits (a turn, a batch being read or computed) waits for
    // it: calls overlap when a caller does not await each next() (Promise.all over several), and
    // two advances at once would hand out one batch twice and lose another's verdicts. The
    // waiting caller gets a promise derived from the gate, so the calls chained on the gate —
    // made before it settled — go first, before anything that caller does when its verdict comes.
    if (this.waiting !== null) return this.waiting.then(() => this.next());
    if (this.localPos < this.localCount || (this.decoder !== null && this.decoder.remaining > 0)) {
      const h = this.handed + 1;
      if (h % VERDICTS_PER_TURN !== 0 && ((h & (FINISH_CHECK_EVERY - 1)) !== 0 || !this.workerFinished())) return this.handOut();
      // A turn: the pool receives finished results (and hands their workers the queued batch);
      // then give a worker with room a batch already read. The verdict is taken AFTER the turn,
      // so it is of the register as it is when it is handed out (a change may come in the turn).
      // (feedWorkers never throws: a batch whose claims cannot be read waits for its turn.)
      this.feedWorkers();
      const turned = new Promise<IteratorResult<Verdict>>((resolve) =>
        setImmediate(() => {
          this.waiting = null;
          if (this.finished) return resolve({ value: undefined, done: true });
          this.feedWorkers();
          resolve(this.handOut());
        }),
      );
      this.waiting = turned;
      return turned.then((r) => r);
    }
    if (this.claimFailure !== null) return this.fail(this.claimFailure.error);
    const advanced = this.advance();
    // Cleared before the continuation below runs (registered first), so its next() goes on.
    const gate = advanced.then(
      () => {
        this.waiting = null;
      },
      () => {
        this.waiting = null;
      },
    );
    this.waiting = gate;
    return advanced.then(
      (more) => (more ? this.next() : this.end()),
      (e: unknown) => this.fail(e),
    );
  }

  /** The next verdict of the batch being handed out (one is there: see next()). */
  private handOut(): Promise<IteratorResult<Verdict>> {
    let v: Verdict;
    try {
      if (this.decoder !== null && this.decoder.remaining > 0 && this.decoding!.version !== this.o.version()) this.recompute();
      v = this.localPos < this.localCount ? this.o.local.verdict(this.localPos++) : this.decoder!.next();
    } catch (e) {
      return this.fail(e);
    }
    this.handed++;
    return Promise.resolve({ value: v, done: false });
  }

  async return(): Promise<IteratorResult<Verdict>> {
    if (!this.finished) {
      this.drop();
      if (this.syncIt !== null) this.syncIt.return?.();
      else if (this.reading === null) await this.asyncIt!.return?.();
      else {
        // A read is waiting on the source: an async generator settles return() only after that
        // next() (never, for a source waiting for more input), so it is not awaited here.
        Promise.resolve(this.asyncIt!.return?.()).catch(() => undefined);
      }
      await this.closeOwnPool();
    }
    return { value: undefined, done: true };
  }

  /**
   * The register changed since the batch being handed out was computed (on a worker, or ahead
   * on this thread): its remaining claims are answered here, one by one as they are handed out,
   * as on one thread — so no verdict describes a register state older than its hand-out (a
   * record removed mid-stream came back VERIFIED up to ~16k claims later).
   */
  private recompute(): void {
    const b = this.decoding!;
    const from = b.size - this.decoder!.remaining;
    this.decoder = null;
    this.decoding = null;
    if (b.packed !== null) this.o.local.prepareValues(new ClaimValuesFrom(new PackedClaimValues(b.packed), from * this.K), b.size - from);
    else this.o.local.prepare(b.claims.slice(from));
    this.localPos = 0;
    this.localCount = b.size - from;
  }

  /** A worker finished a batch whose result has not arrived on this thread yet. */
  private workerFinished(): boolean {
    return Atomics.load(this.finishedOnWorkers, 0) > this.settledCount;
  }

  /**
   * Most batches read ahead of the one being handed out (back-pressure on the source). Verdicts
   * leave in input order, so a batch the calling thread computed ahead holds its slot until its
   * turn: with two batches per worker plus four, the calling thread always has a batch to
   * compute while the oldest is on a worker (measured at 1M, 1 worker: 2W + 1 slots 1.27×,
   * 2W + 2 1.42×, 2W + 4 1.53×, 2W + 8 1.49–1.55×).
   */
  private get maxQueued(): number {
    return 2 * this.pool!.threads + 4;
  }

  /** The next batch to hand out is ready to be handed out; false when nothing is left. */
  private async advance(): Promise<boolean> {
    if (this.pool === undefined) {
      // `threads` counts the calling thread: it authenticates its share, threads − 1 workers the rest.
      const { KhopPool } = await import('../pool/pool.js');
      if (this.finished) return false; // return() came while the pool module loaded: no pool
      this.pool = KhopPool.create({ threads: Math.max(1, this.o.threads - 1), inCallingThread: false }) as unknown as PoolLike;
      openOwnPools++;
      ownPoolReaper.register(this, this.pool, this);
    }
    this.topUp();
    for (;;) {
      if (this.readFailure !== null) throw this.readFailure.error;
      const head = this.pending[0];
      if (head === undefined) {
        // Nothing read yet: wait for the batch being read (an async source).
        if (this.reading === null) return false;
        await this.reading;
        continue;
      }
      if (head.kind === 'local') {
        this.pending.shift();
        // A batch whose claim `at` could not be read: the claims before it, then its error.
        this.claimFailure = head.failure;
        this.localCount = head.failure === null ? head.size : head.failure.at;
        if (head.packed !== null) this.o.local.prepareValues(new PackedClaimValues(head.packed), head.size);
        else this.o.local.prepare(head.claims.slice(0, this.localCount));
        this.localPos = 0;
        return true;
      }
      if (head.kind === 'encoded' || (head.kind === 'remote' && head.settled)) {
        this.pending.shift();
        // A worker's failure names the phase (a claim's own error never gets here: see failure).
        const encoded = head.kind === 'encoded' ? head.encoded! : await head.result!.catch((e: unknown) => Promise.reject(phaseError('authenticate', e)));
        this.decoder = new VerdictDecoder(encoded, this.K, this.o.objects);
        this.decoding = head;
        return true;
      }
      // The oldest batch is still on a worker: compute a later one rather than wait.
      const ahead = this.pending.find((b) => b.kind === 'local' && b.failure === null);
      if (ahead !== undefined) await this.computeAhead(ahead);
      else {
        // Its error surfaces when it is decoded; a batch read meanwhile may be computed ahead.
        const result = head.result!.catch(() => undefined);
        await (this.reading === null ? result : Promise.race([result, this.reading]));
        this.topUp();
      }
    }
  }

  /**
   * Give idle workers a batch (the newest unassigned one, or a new one from the source), and
   * read batches for the calling thread while fewer than maxQueued are waiting (the batch being
   * handed out counted). A sync source is read here; an async one in the background (readAhead).
   */
  private topUp(): void {
    for (;;) {
      // return() may have come while a batch was read from an async source: it closed an own pool.
      if (this.finished || this.pool === undefined) return;
      this.feedWorkers();
      if (this.sourceDone || this.pending.length + (this.handingOut() ? 1 : 0) >= this.maxQueued) return;
      if (this.asyncIt !== null) return this.readAhead();
      const claims = this.readSync();
      if (this.finished || this.pool === undefined) return;
      if (claims.length > 0) this.enqueue(claims);
    }
  }

  /** A batch is being handed out (verdicts of it remain). */
  private handingOut(): boolean {
    return this.localPos < this.localCount || (this.decoder !== null && this.decoder.remaining > 0);
  }

  /**
   * Read the next batch of an async source in the background (see `reading`), then top up
   * again: reads go on, one batch after the other, while there is room.
   */
  private readAhead(): void {
    if (this.reading !== null) return;
    this.reading = this.readAsync().then(
      (claims) => {
        this.reading = null;
        try {
          if (this.finished || this.pool === undefined) return;
          if (claims.length > 0) this.enqueue(claims);
          this.topUp();
        } catch (e) {
          this.readFailure ??= { error: e };
        }
      },
      (e: unknown) => {
        this.reading = null;
        this.readFailure ??= { error: e };
      },
    );
  }

  /** A batch read from the source: waiting for its turn, and sent to a worker with room. */
  private enqueue(claims: Record<string, unknown>[]): void {
    const b = new PendingBatch(claims);
    if (this.packAsRead) this.pack(b);
    this.pending.push(b);
    if (this.inFlight < 2 * this.pool!.threads && b.failure === null) this.send(b);
  }

  /**
   * Give each worker with fewer than two batches the newest unassigned batch already read — never the oldest waiting
   * one, which the calling thread is about to take at its turn. Reads nothing from the source
   * (so it may run at any turn without interleaving two reads).
   */
  private feedWorkers(): void {
    if (this.pool === undefined) return;
    const cap = 2 * this.pool.threads;
    for (let i = this.pending.length - 1; i >= 1 && this.inFlight < cap; i--) {
      const b = this.pending[i]!;
      if (b.kind === 'local' && b.failure === null) this.send(b);
    }
  }

  /**
   * Compute batch `b` in the calling thread ahead of its turn, encoded, with a macrotask turn
   * (and a top-up) every VERDICTS_PER_TURN claims so finished workers get their next batch.
   * The batch must be answered from ONE state of the register: if the register changed during
   * the turns, it is computed again in one go.
   */
  private async computeAhead(b: PendingBatch): Promise<void> {
    b.kind = 'computing';
    const { local, encoder } = this.o;
    const n = b.size;
    const started = this.o.version();
    // A claim that throws when read: the batch goes back to its turn (PendingBatch.failure),
    // where the verdicts before that claim are handed out, then its error.
    const aside = (e: unknown, at: number): void => {
      b.kind = 'local';
      b.failure = new ClaimReadFailure(e, at);
    };
    try {
      this.prepareLocal(b);
      encoder.begin(n);
    } catch (e) {
      return aside(e, 0);
    }
    for (let i = 0; i < n; i++) {
      try {
        encoder.add(local.verdict(i));
      } catch (e) {
        return aside(e, i);
      }
      if (i + 1 < n && ((i + 1) % VERDICTS_PER_TURN === 0 || (((i + 1) & (FINISH_CHECK_EVERY - 1)) === 0 && this.workerFinished()))) {
        await turn();
        if (this.finished) return;
        this.topUp();
      }
    }
    if (this.o.version() !== started) {
      let i = 0;
      try {
        this.prepareLocal(b);
        encoder.begin(n);
        for (; i < n; i++) encoder.add(local.verdict(i));
      } catch (e) {
        return aside(e, i);
      }
    }
    b.encoded = encoder.finish();
    b.kind = 'encoded';
    b.version = this.o.version();
  }

  /**
   * Batch `b` packed (PendingBatch.packed), its claim objects dropped. A claim that throws when
   * read (see PendingBatch.failure) leaves the batch unpacked, with its failure — never an
   * exception out of a macrotask turn, where nothing would catch it (next() would never settle).
   */
  private pack(b: PendingBatch): void {
    const packed = packClaimBatchOrFailure(b.claims, this.o.fields);
    if (packed instanceof ClaimReadFailure) {
      b.failure = packed;
      return;
    }
    // Each text is a rope of the claims' strings, and a reader's cells are slices of the text
    // it decoded (32 KiB at a time): until the rope is flattened it keeps those whole decoded
    // texts alive. V8 flattens a rope on its first character read — here, rather than when the
    // batch is sent or computed, one or more young-generation collections later (the calling
    // thread of `khop authenticate --threads 2`, 1M claims: 185 → 124 MB promoted).
    for (const t of packed.texts) if (t.length > 0) t.charCodeAt(0);
    b.packed = packed;
    b.claims = PACKED;
  }

  /** The calling thread's batch path prepared with batch `b`'s claims (its packed values when it has them). */
  private prepareLocal(b: PendingBatch): void {
    if (b.packed !== null) this.o.local.prepareValues(new PackedClaimValues(b.packed), b.size);
    else this.o.local.prepare(b.claims);
  }

  /** Send batch `b` (without a failure) to the pool, packed now if it is not yet. */
  private send(b: PendingBatch): void {
    if (b.packed === null) this.pack(b);
    const claims = b.packed;
    if (claims === null) return; // its failure is answered at its turn
    const job = this.o.job();
    const payload: AuthenticateTaskPayload = {
      job: (this.jobs ??= new RegisterJobSender(2 * this.pool!.threads)).form(job),
      claims,
      count: b.size,
      candidates: this.o.candidates,
      finished: this.finishedOnWorkers,
    };
    b.kind = 'remote';
    b.version = this.o.version();
    this.inFlight++;
    const settle = (): void => {
      b.settled = true;
      this.inFlight--;
      this.settledCount++;
    };
    // A bounce (the worker lacked the job) was counted in finishedOnWorkers: count it settled too.
    b.result = runRegisterTask<EncodedVerdicts>(this.pool!, AUTHENTICATE_TASK, payload, job, () => this.settledCount++);
    b.result.then(settle, settle); // awaited in order; this also avoids an unhandled rejection meanwhile
  }

  private take(batch: Record<string, unknown>[], r: IteratorResult<unknown>): boolean {
    if (r.done === true) {
      this.sourceDone = true;
      return false;
    }
    if (!isClaimObject(r.value)) {
      this.notAClaim = this.readCount;
      this.sourceDone = true;
      return false;
    }
    this.readCount++;
    batch.push(r.value);
    return true;
  }

  private readSync(): Record<string, unknown>[] {
    const batch: Record<string, unknown>[] = [];
    try {
      while (batch.length < this.o.batchSize && this.take(batch, this.syncIt!.next()));
    } catch (e) {
      this.sourceFailed(e);
    }
    return batch;
  }

  private async readAsync(): Promise<Record<string, unknown>[]> {
    const batch: Record<string, unknown>[] = [];
    try {
      // Not after return() (a background read may be under way then): the source is closed.
      while (batch.length < this.o.batchSize && !this.finished && this.take(batch, await this.asyncIt!.next()));
    } catch (e) {
      this.sourceFailed(e);
    }
    return batch;
  }

  /** The source threw: read nothing more; its error ends the iteration after the claims read. */
  private sourceFailed(e: unknown): void {
    this.sourceError = { error: e };
    this.sourceDone = true;
  }

  private async end(): Promise<IteratorResult<Verdict>> {
    this.finished = true;
    await this.closeOwnPool();
    if (this.sourceError !== null) throw this.sourceError.error;
    if (this.notAClaim >= 0) throw notAClaimError(this.notAClaim);
    return { value: undefined, done: true };
  }

  private async fail(e: unknown): Promise<IteratorResult<Verdict>> {
    this.drop();
    await this.closeOwnPool();
    throw e;
  }

  /** Stop: nothing more is handed out; batches in flight are abandoned. */
  private drop(): void {
    this.finished = true;
    this.decoder = null;
    this.localPos = this.localCount = 0;
    this.pending.length = 0;
  }

  private async closeOwnPool(): Promise<void> {
    if (this.ownPool && this.pool !== undefined) {
      const p = this.pool;
      this.pool = undefined;
      ownPoolReaper.unregister(this);
      openOwnPools--;
      await p.close();
    }
  }
}

/**
 * Own pools of iterators dropped unfinished: an iterator read with next() and let go without
 * return() (a `for await` that breaks calls return(); a hand-driven loop may not) kept its
 * worker threads and their memory for the life of the process (~2 threads, ~55 MB each in a
 * probe). When such an iterator is garbage-collected, its pool is closed. Nothing but the
 * registry holds the pool then: its tasks have settled (a task in flight holds the iterator
 * through its callbacks, so it is not collected before).
 */
const ownPoolReaper = new FinalizationRegistry<PoolLike>((pool) => {
  openOwnPools--;
  pool.close().catch(() => undefined);
});

/** Pools authenticateMany iterators created for themselves and have not closed (for tests). */
let openOwnPools = 0;

/** How many pools authenticateMany iterators created for themselves are open (tests). */
export function openOwnPoolCount(): number {
  return openOwnPools;
}

/**
 * The register module, imported on a worker's first batch (a static import would be circular:
 * register.ts imports this module) and kept: a dynamic import per batch resolves the specifier
 * again each time, which from the sources goes through tsx's loader thread.
 */
let registerModule: Promise<typeof import('./register.js')> | null = null;

/** Worker side: authenticate one batch against the job's register (rebuilt once per thread). */
export async function authenticateTask(payload: AuthenticateTaskPayload, context: RegisterTaskContext): Promise<EncodedVerdicts | MissingJob> {
  return finishing(payload, async () => {
    const batch = await batchOf(payload, context);
    if (batch === null) return MISSING_JOB;
    return batch.register.authenticateEncoded(batch.values, payload.count, payload.candidates);
  });
}

/** What a register task needs of the running thread: its cache of jobs. */
export interface RegisterTaskContext {
  job<T>(key: string, released: Int32Array | undefined, build: () => T): T;
  cached<T>(key: string): T | undefined;
}

/**
 * Run a register task's `work`, then count it in the payload's `finished` counter (answered or
 * failed), before the result travels back.
 */
export async function finishing<T>(payload: AuthenticateTaskPayload, work: () => Promise<T>): Promise<T> {
  const finished = (payload as { finished?: unknown } | null)?.finished;
  if (finished !== undefined && !(finished instanceof Int32Array && finished.buffer instanceof SharedArrayBuffer && finished.length >= 1)) {
    throw new KhopError('INVALID_ARGUMENT', 'register.authenticate: finished must be an Int32Array on a SharedArrayBuffer');
  }
  try {
    return await work();
  } finally {
    if (finished !== undefined) Atomics.add(finished, 0, 1);
  }
}

/**
 * The worker's register of the payload's job (cached per job id) and its packed claim values,
 * checked; null when the job came by id and this thread does not hold it (see RegisterJobSender).
 */
export async function batchOf(
  payload: AuthenticateTaskPayload,
  context: RegisterTaskContext,
): Promise<{ register: import('./register.js').Register; values: PackedClaimValues } | null> {
  const c = payload?.claims as PackedClaims | undefined;
  if (
    payload === null ||
    typeof payload !== 'object' ||
    c === null ||
    typeof c !== 'object' ||
    !Array.isArray(c.texts) ||
    !c.texts.every((t) => typeof t === 'string') ||
    !(c.kinds instanceof Uint8Array) ||
    !(c.lengths instanceof Uint32Array) ||
    !(c.nums instanceof Float64Array)
  ) {
    throw new KhopError('INVALID_ARGUMENT', 'register.authenticate: payload must hold a job and packed claim values');
  }
  const register = await registerOfJob(payload.job, context, 'register.authenticate: payload must hold a job and packed claim values');
  return register === null ? null : { register, values: new PackedClaimValues(c) };
}

/**
 * The worker's register of a task's job (rebuilt once per thread, cached per job id); null when
 * the job came by id and this thread does not hold it (see RegisterJobSender).
 * @param refusal the INVALID_ARGUMENT message for a payload without a job
 */
export async function registerOfJob(job: RegisterJob | RegisterJobRef, context: RegisterTaskContext, refusal: string): Promise<import('./register.js').Register | null> {
  if (job === null || typeof job !== 'object' || typeof job.id !== 'string') throw new KhopError('INVALID_ARGUMENT', refusal);
  if ('meta' in job) {
    const { Register } = await (registerModule ??= import('./register.js'));
    return context.job(job.id, job.released, () => Register.fromSharedJob(job));
  }
  return context.cached<import('./register.js').Register>(job.id) ?? null;
}
