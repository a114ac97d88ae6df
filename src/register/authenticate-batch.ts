/**
 * The streaming side of Register.authenticateMany: an async iterator over verdicts that reads
 * its source batch by batch.
 *
 *   source ──(batch of N claims, read only when the previous batch is used up)──► ClaimBatch.prepare
 *          (every ID hashed in one KeyHasher batch, looked up with BlockIndex.lookupMany)
 *   next() ──► ClaimBatch.verdict(i): the verdict of claim i, computed when asked for
 *
 * Trade-off: verdicts are computed one per next() rather than a whole batch ahead, so they die
 * young (a batch of finished verdicts would survive into the old GC generation and slow the
 * stream down by half, measured); the batch keeps only the claims and typed arrays of lookups.
 * Hand-written rather than an async generator: a ready verdict is returned as an
 * already-resolved promise, without a generator's request queue.
 */
import type { Verdict } from './verdict.js';
import { KhopError } from '../errors.js';
import { turn } from '../pool/ordered-chunks.js';
import { notARowReason } from '../util/row-shape.js';

/** True when `c` can be read as a claim (what Register.authenticate accepts). */
export function isClaimObject(c: unknown): c is Record<string, unknown> {
  return notARowReason(c) === null;
}

/** The error of authenticateMany for claim `position` that is not an object (its position only). */
export function notAClaimError(position: number): KhopError {
  return new KhopError('INVALID_ARGUMENT', `authenticateMany: claim ${position} (0-based) is not an object of fields`, { details: { index: position } });
}

export function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

export function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** The iterator of a claim source: exactly one of the two is set (sync sources are read without awaiting). */
export function openSource(source: Iterable<unknown> | AsyncIterable<unknown>): { syncIt: Iterator<unknown> | null; asyncIt: AsyncIterator<unknown> | null } {
  if (isAsyncIterable(source)) return { syncIt: null, asyncIt: source[Symbol.asyncIterator]() };
  return { syncIt: (source as Iterable<unknown>)[Symbol.iterator](), asyncIt: null };
}

/** One batch of authenticateMany: prepared together, verdicts produced one at a time. */
export interface ClaimBatch {
  /** Read the batch (hash its IDs, look them up together). */
  prepare(claims: unknown[]): void;
  /** The verdict of claim i of the prepared batch. */
  verdict(i: number): Verdict;
}

/**
 * The async iterator of authenticateMany: reads a batch from the source only when the
 * previous batch's verdicts are all taken (back-pressure), hands verdicts out one per next().
 * When the source throws, the claims read before it still get their verdicts, then the
 * iteration rejects with the source's own error: on one thread as on a pool, whose read-ahead
 * holds more claims at that moment (parallel-authenticate.ts).
 * Each verdict is computed when it is asked for — the batch holds only the claims and their
 * lookups, so verdicts die young (a batch of finished verdicts would survive into the old GC
 * generation). Hand-written rather than an async generator: a ready verdict is returned as an
 * already-resolved promise, without a generator's request queue.
 */
export class VerdictStream implements AsyncIterator<Verdict> {
  private count = 0;
  private pos = 0;
  /** Claims of the batches before this one. */
  private base = 0;
  private finished = false;
  private readonly syncIt: Iterator<unknown> | null;
  private readonly asyncIt: AsyncIterator<unknown> | null;
  private readonly batch: unknown[] = [];
  /** The fill of the next batch behind its macrotask turn, while it is pending. */
  private filling: Promise<void> | null = null;
  /** What the source threw, to be thrown once the claims read before it are answered. */
  private sourceError: { error: unknown } | null = null;

  constructor(
    source: Iterable<unknown> | AsyncIterable<unknown>,
    private readonly batchSize: number,
    private readonly work: ClaimBatch,
  ) {
    ({ syncIt: this.syncIt, asyncIt: this.asyncIt } = openSource(source));
  }

  next(): Promise<IteratorResult<Verdict>> {
    // A call made while a batch is being filled behind its turn waits for it (calls overlap when
    // a caller does not await each next(): Promise.all over several).
    if (this.filling !== null) return this.filling.then(() => this.next());
    try {
      if (this.pos < this.count) {
        if (!isClaimObject(this.batch[this.pos])) throw notAClaimError(this.base + this.pos);
        return Promise.resolve({ value: this.work.verdict(this.pos++), done: false });
      }
      if (this.finished) {
        const failed = this.sourceError;
        this.sourceError = null;
        return failed === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(failed.error);
      }
      if (this.syncIt !== null) {
        if (this.base === 0 && this.count === 0) {
          this.fillSync();
          return this.next();
        }
        // Every later batch of a synchronous source after a macrotask turn: its verdicts are
        // ready promises, so without one a service's timers and requests waited for the whole
        // stream (200k claims: ~1–3 s); a turn per batch (~10 ms of work) costs ~µs.
        const filled = turn().then(() => {
          this.filling = null;
          try {
            if (!this.finished) this.fillSync();
          } catch (e) {
            this.finished = true;
            this.count = 0;
            this.sourceError ??= { error: e };
          }
        });
        this.filling = filled;
        return filled.then(() => this.next());
      }
    } catch (e) {
      this.finished = true;
      this.count = 0;
      return Promise.reject(e);
    }
    const filled = this.fillAsync().then(
      () => {
        this.filling = null;
      },
      (e: unknown) => {
        this.filling = null;
        this.finished = true;
        this.count = 0;
        throw e;
      },
    );
    // Calls waiting on the fill go on after it, also after a failure (they then end: done).
    this.filling = filled.catch(() => undefined);
    return filled.then(() => this.next());
  }

  async return(): Promise<IteratorResult<Verdict>> {
    this.finished = true;
    this.count = 0;
    if (this.syncIt !== null) this.syncIt.return?.();
    else await this.asyncIt!.return?.();
    return { value: undefined, done: true };
  }

  private fillSync(): void {
    const batch = this.batch;
    batch.length = 0;
    const it = this.syncIt!;
    while (batch.length < this.batchSize) {
      let r: IteratorResult<unknown>;
      try {
        r = it.next();
      } catch (e) {
        this.sourceError = { error: e };
        this.finished = true;
        break;
      }
      if (r.done === true) {
        this.finished = true;
        break;
      }
      batch.push(r.value);
    }
    this.take();
  }

  private async fillAsync(): Promise<void> {
    const batch = this.batch;
    batch.length = 0;
    const it = this.asyncIt!;
    while (batch.length < this.batchSize) {
      let r: IteratorResult<unknown>;
      try {
        r = await it.next();
      } catch (e) {
        this.sourceError = { error: e };
        this.finished = true;
        break;
      }
      if (r.done === true) {
        this.finished = true;
        break;
      }
      batch.push(r.value);
    }
    this.take();
  }

  private take(): void {
    this.base += this.count;
    this.count = 0;
    this.pos = 0;
    if (this.batch.length > 0) this.work.prepare(this.batch);
    this.count = this.batch.length;
  }
}

