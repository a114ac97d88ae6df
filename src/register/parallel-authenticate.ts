/**
 * authenticateMany on a worker pool: batches of claims are authenticated by worker threads
 * that read the register in place (its store and indexes live on SharedArrayBuffer), and the
 * verdicts come back in input order.
 *
 *   calling thread                                 worker thread (register cached per job id)
 *   claims ─► packClaims: K field values per claim ─► Register.fromSharedJob(job)
 *          ─► pool.run(task, { job, values })        .authenticateEncoded: the batch hashed
 *                                                    together, looked up in hash order, each
 *   verdicts ◄── VerdictDecoder, one per next() ◄──  verdict encoded (verdict-codec.ts)
 *            at most 2 × workers + 1 batches read ahead (back-pressure); one batch in
 *            (workers + 1) stays in the calling thread (ParallelVerdictStream below)
 *
 * The job is the register's metadata (schema, policy, model, dictionary, pending delta and
 * tombstones — small) plus descriptors of its shared buffers; any change to the register
 * (add / update / remove / compact) makes a new job and releases the old one, so a worker's
 * batch is always answered against one consistent state: the state when the batch was sent
 * (a calling-thread batch: the state when each verdict is handed out, as on one thread).
 *
 * What crosses threads per claim: its K field values (a flat array of strings / numbers —
 * no property names, no nested objects) out, and ≈ 3 + K bytes, one or two doubles and the
 * record id / reason strings back. Structured clone of the claim objects and of the Verdict
 * objects (nested `fields`, `explanation`) cost the calling thread more than the
 * authentication itself saved (0.95× of one thread, measured); msgpackr on whole verdicts was
 * slower still (0.75×). Values the worker could not receive (functions, symbols) or that only
 * mean "unusable type" (objects, arrays, booleans) are sent as `false`, which every field
 * parser treats exactly as it treats them: an unusable type. A claim that is not an object
 * ends the stream with INVALID_ARGUMENT at its turn, after the verdicts before it — as the
 * one-thread path does.
 */
import { KhopError } from '../errors.js';
import type { BlockIndexDescriptor } from '../block/block-index.js';
import type { RecordStoreDescriptor } from '../block/record-store.js';
import type { RegisterMeta } from './register-snapshot.js';
import type { Verdict } from './verdict.js';
import { openSource, type ClaimBatch } from './authenticate-batch.js';
import { claimValue } from './claim.js';
import type { FieldPlan } from './register-layout.js';
import { VerdictDecoder, type EncodedVerdicts, type VerdictObjects } from './verdict-codec.js';


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

/** Payload of the 'register.authenticate' task. */
export interface AuthenticateTaskPayload {
  readonly job: RegisterJob;
  /** Field k of claim i at `i * K + k` (K = the register's schema fields). */
  readonly values: readonly unknown[];
  readonly count: number;
  readonly candidates: number;
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
  /** The register's own batch path: the calling thread's share of the batches. */
  local: ClaimBatch;
}

/** A value as it crosses to a worker: unusable types become `false` (see the file header). */
function portable(v: unknown): unknown {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'bigint' || v === undefined || v === null) return v;
  return false;
}

/** True when `c` can be read as a claim (what Register.authenticate accepts). */
function isClaimObject(c: unknown): c is Record<string, unknown> {
  return c !== null && typeof c === 'object' && !Array.isArray(c);
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

/** The async iterable of verdicts computed on a pool. */
export function parallelVerdicts(claims: Iterable<unknown> | AsyncIterable<unknown>, o: ParallelOptions): AsyncIterable<Verdict> {
  return { [Symbol.asyncIterator]: () => new ParallelVerdictStream(claims, o) };
}

/** A batch on its way: on the pool (its encoded verdicts to come) or kept for the calling thread. */
type Pending = { readonly remote: Promise<EncodedVerdicts> } | { readonly claims: Record<string, unknown>[] };

/**
 * The iterator of a pooled authenticateMany. Hand-written (like VerdictStream) so that a ready
 * verdict costs one resolved promise, not a generator's queue.
 *
 *   next() ─► a verdict of the current batch (a macrotask turn every VERDICTS_PER_TURN)
 *          └► batch used up: top up the batches in flight from the source (≤ maxInFlight), then
 *             take the oldest: wait for and decode a pool batch, or prepare a local one
 *
 * The calling thread is one of the `threads`: an own pool has threads − 1 workers, and the
 * calling thread takes one batch in (workers + 1) itself — computed when its verdicts are asked
 * for, exactly as the one-thread path does — while the workers run theirs. It must pack the
 * pool's claims and rebuild their verdicts anyway; with a worker per core it would be starved of
 * CPU exactly when it is the bottleneck (measured: 1.32× with 2 workers + the calling thread on
 * 2 cores, against 1 worker + the calling thread: see BENCHMARKS.md, register-parallel).
 */
class ParallelVerdictStream implements AsyncIterator<Verdict> {
  private readonly K: number;
  private readonly syncIt: Iterator<unknown> | null;
  private readonly asyncIt: AsyncIterator<unknown> | null;
  private pool: PoolLike | undefined;
  private readonly ownPool: boolean;
  private readonly pending: Pending[] = [];
  private decoder: VerdictDecoder | null = null;
  /** The local batch being handed out: verdicts localPos..localCount-1 remain. */
  private localPos = 0;
  private localCount = 0;
  private handed = 0;
  private sent = 0;
  /** The source is exhausted (or stopped at a claim that is not an object). */
  private sourceDone = false;
  private notAClaim = false;
  private finished = false;

  constructor(
    source: Iterable<unknown> | AsyncIterable<unknown>,
    private readonly o: ParallelOptions,
  ) {
    this.K = o.fields.length;
    this.pool = o.pool;
    this.ownPool = o.pool === undefined;
    ({ syncIt: this.syncIt, asyncIt: this.asyncIt } = openSource(source));
  }

  next(): Promise<IteratorResult<Verdict>> {
    let v: Verdict | undefined;
    try {
      if (this.localPos < this.localCount) v = this.o.local.verdict(this.localPos++);
      else if (this.decoder !== null && this.decoder.remaining > 0) v = this.decoder.next();
    } catch (e) {
      return this.fail(e);
    }
    if (v !== undefined) {
      if (++this.handed % VERDICTS_PER_TURN !== 0) return Promise.resolve({ value: v, done: false });
      const ready = v;
      return new Promise((resolve) => setImmediate(() => resolve({ value: ready, done: false })));
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return this.advance().then(
      (more) => (more ? this.next() : this.end()),
      (e: unknown) => this.fail(e),
    );
  }

  async return(): Promise<IteratorResult<Verdict>> {
    if (!this.finished) {
      this.drop();
      if (this.syncIt !== null) this.syncIt.return?.();
      else await this.asyncIt!.return?.();
      await this.closeOwnPool();
    }
    return { value: undefined, done: true };
  }

  /** Top up the batches in flight and take the oldest; false when nothing is left. */
  private async advance(): Promise<boolean> {
    if (this.pool === undefined) {
      // `threads` counts the calling thread: it authenticates its share, threads − 1 workers the rest.
      const { KhopPool } = await import('../pool/pool.js');
      this.pool = KhopPool.create({ threads: Math.max(1, this.o.threads - 1), inCallingThread: false }) as unknown as PoolLike;
    }
    const workers = this.pool.threads;
    const maxInFlight = Math.max(2, 2 * workers) + 1;
    while (!this.sourceDone && this.pending.length < maxInFlight) {
      const batch = this.syncIt !== null ? this.readSync() : await this.readAsync();
      if (batch.length === 0) continue;
      // Batches 0, workers + 1, 2(workers + 1)… stay in the calling thread.
      if (this.sent++ % (workers + 1) === 0) this.pending.push({ claims: batch });
      else this.pending.push({ remote: this.send(batch) });
    }
    const oldest = this.pending.shift();
    if (oldest === undefined) return false;
    if ('claims' in oldest) {
      this.o.local.prepare(oldest.claims);
      this.localPos = 0;
      this.localCount = oldest.claims.length;
    } else {
      this.decoder = new VerdictDecoder(await oldest.remote, this.K, this.o.objects);
    }
    return true;
  }

  private send(batch: Record<string, unknown>[]): Promise<EncodedVerdicts> {
    const payload: AuthenticateTaskPayload = { job: this.o.job(), values: packClaims(batch, this.o.fields), count: batch.length, candidates: this.o.candidates };
    const p = this.pool!.run<EncodedVerdicts>(AUTHENTICATE_TASK, payload);
    p.catch(() => undefined); // awaited in order; avoid an unhandled rejection meanwhile
    return p;
  }

  private take(batch: Record<string, unknown>[], r: IteratorResult<unknown>): boolean {
    if (r.done === true) {
      this.sourceDone = true;
      return false;
    }
    if (!isClaimObject(r.value)) {
      this.notAClaim = true;
      this.sourceDone = true;
      return false;
    }
    batch.push(r.value);
    return true;
  }

  private readSync(): Record<string, unknown>[] {
    const batch: Record<string, unknown>[] = [];
    while (batch.length < this.o.batchSize && this.take(batch, this.syncIt!.next()));
    return batch;
  }

  private async readAsync(): Promise<Record<string, unknown>[]> {
    const batch: Record<string, unknown>[] = [];
    while (batch.length < this.o.batchSize && this.take(batch, await this.asyncIt!.next()));
    return batch;
  }

  private async end(): Promise<IteratorResult<Verdict>> {
    this.finished = true;
    await this.closeOwnPool();
    if (this.notAClaim) throw new KhopError('INVALID_ARGUMENT', 'authenticate: a claim must be an object');
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
    for (const p of this.pending) if ('remote' in p) p.remote.catch(() => undefined);
    this.pending.length = 0;
  }

  private async closeOwnPool(): Promise<void> {
    if (this.ownPool && this.pool !== undefined) {
      const p = this.pool;
      this.pool = undefined;
      await p.close();
    }
  }
}

/** Worker side: authenticate one batch against the job's register (rebuilt once per thread). */
export async function authenticateTask(
  payload: AuthenticateTaskPayload,
  context: { job<T>(key: string, released: Int32Array | undefined, build: () => T): T },
): Promise<EncodedVerdicts> {
  if (payload === null || typeof payload !== 'object' || !Array.isArray(payload.values)) {
    throw new KhopError('INVALID_ARGUMENT', 'register.authenticate: payload must hold a job and an array of claim values');
  }
  const { Register } = await import('./register.js');
  const register = context.job(payload.job.id, payload.job.released, () => Register.fromSharedJob(payload.job));
  return register.authenticateEncoded(payload.values, payload.count, payload.candidates);
}
