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
 *            at most 2 × threads batches in flight (back-pressure)
 *
 * The job is the register's metadata (schema, policy, model, dictionary, pending delta and
 * tombstones — small) plus descriptors of its shared buffers; any change to the register
 * (add / update / remove / compact) makes a new job and releases the old one, so a batch is
 * always answered against one consistent state: the state when the batch was sent.
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
import { isAsyncIterable } from './authenticate-batch.js';
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

/** The async iterable of verdicts computed on a pool. */
export function parallelVerdicts(claims: Iterable<unknown> | AsyncIterable<unknown>, o: ParallelOptions): AsyncIterable<Verdict> {
  const K = o.fields.length;
  return {
    async *[Symbol.asyncIterator]() {
      let pool = o.pool;
      const own = pool === undefined;
      if (pool === undefined) {
        const { KhopPool } = await import('../pool/pool.js');
        pool = KhopPool.create({ threads: o.threads }) as unknown as PoolLike;
      }
      const inFlight: Array<Promise<EncodedVerdicts>> = [];
      const maxInFlight = Math.max(2, 2 * pool.threads);
      const send = (batch: Record<string, unknown>[]) => {
        const payload: AuthenticateTaskPayload = { job: o.job(), values: packClaims(batch, o.fields), count: batch.length, candidates: o.candidates };
        const p = pool!.run<EncodedVerdicts>(AUTHENTICATE_TASK, payload);
        p.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
        inFlight.push(p);
      };
      // Verdicts of the oldest batch in flight, one per next(): they die young.
      async function* drain(): AsyncGenerator<Verdict> {
        const d = new VerdictDecoder(await inFlight.shift()!, K, o.objects);
        while (d.remaining > 0) yield d.next();
      }
      try {
        let batch: Record<string, unknown>[] = [];
        let notAClaim = false;
        const source = isAsyncIterable(claims) ? claims : toAsync(claims);
        for await (const claim of source) {
          if (!isClaimObject(claim)) {
            notAClaim = true;
            break;
          }
          batch.push(claim);
          if (batch.length === o.batchSize) {
            send(batch);
            batch = [];
            // Back-pressure: never more than maxInFlight batches read ahead of the consumer.
            while (inFlight.length >= maxInFlight) yield* drain();
          }
        }
        if (batch.length > 0) send(batch);
        while (inFlight.length > 0) yield* drain();
        if (notAClaim) throw new KhopError('INVALID_ARGUMENT', 'authenticate: a claim must be an object');
      } finally {
        if (own) await pool.close();
      }
    },
  };
}

async function* toAsync(xs: Iterable<unknown>): AsyncGenerator<unknown> {
  for (const x of xs) yield x;
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
