/**
 * OrderedChunks: the scheduler of a stream of chunks that worker threads and the calling
 * thread compute together, whose results the calling thread consumes IN INPUT ORDER — the
 * pooled prepare phase of dedupe / link (pipeline/parallel-prepare.ts) and the pooled ingest of
 * Register.build (register/parallel-ingest.ts).
 *
 *   push(chunk) ─► queue (at most 2 × workers + A chunks, A = 2 unless told: back-pressure on the source)
 *                  ├─► post: a worker's task, while a worker has fewer than two (one running,
 *                  │        one waiting in its thread: tasksPerWorker) — the NEWEST unassigned chunks,
 *                  │        never the oldest: the calling thread is about to take it
 *                  └─► the calling thread: the oldest chunk at its turn when no worker took it
 *                       (computeInTurn: the cheapest path, consumed as it is computed), or a
 *                       later unassigned chunk while the oldest is still on a worker
 *                       (computeAhead: its result waits for its turn)
 *   consume(chunk, result) in input order; a worker's failure surfaces at its chunk's turn
 *
 * The calling thread's work is given a `between` callback to call every few hundred rows: an
 * event-loop turn (the pool can deliver a finished worker's result and start its queued
 * task) and a top-up (a worker that has room gets its next chunk at once, not when the
 * calling thread is done with a whole chunk).
 *
 * Trade-off: one policy for both phases (two chunks per worker, the calling thread takes what
 * no worker is free for), measured on both (BENCHMARKS.md: pool-prepare, register-build); the
 * pooled authenticateMany (register/parallel-authenticate.ts) keeps its own stream — it hands
 * verdicts out one by one to a consumer that may stop at any time, and polls a shared counter
 * to notice a finished worker between two verdicts, which a chunk-granular scheduler cannot.
 */

import { KhopError } from '../errors.js';

/** What the scheduler calls: the work of one phase. */
export interface ChunkWork<C, R> {
  /** Post `chunk` to a worker thread. */
  post(chunk: C): Promise<R>;
  /** Compute `chunk` on the calling thread, out of turn; call `between()` every few hundred rows. */
  computeAhead(chunk: C, between: () => Promise<void>): Promise<R> | R;
  /** Compute and consume `chunk` on the calling thread at its turn (default: computeAhead, then consume). */
  computeInTurn?(chunk: C, between: () => Promise<void>): Promise<void> | void;
  /** Take the result of `chunk`, in input order. */
  consume(chunk: C, result: R): void;
}

class Entry<C, R> {
  state: 'unassigned' | 'computing' | 'computed' | 'posted' = 'unassigned';
  result: R | undefined = undefined;
  promise: Promise<R> | null = null;
  settled = false;
  constructor(readonly chunk: C) {}
}

/** A macrotask turn (lets the pool deliver finished tasks and start queued ones). */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class OrderedChunks<C, R> {
  private readonly queue: Array<Entry<C, R>> = [];
  private inFlight = 0;
  private readonly between = async (): Promise<void> => {
    await turn();
    this.topUp();
  };

  private readonly share: boolean;
  private readonly ahead: number;

  /**
   * @param workers the pool's worker threads (≥ 1)
   * @param options.callingThreadShare false: the calling thread computes a chunk only when no
   *   worker can take it at its turn (never ahead), and the oldest chunk is posted too. Default true.
   * @param options.callingThreadChunks chunks read ahead for the calling thread when it shares
   *   (integer ≥ 1; default 2): how far it may run ahead of the oldest chunk, computing later
   *   ones, before it waits for a worker — more lets it keep busy through a worker's slow chunk,
   *   at the memory of that many chunks and results held.
   */
  constructor(
    private readonly work: ChunkWork<C, R>,
    private readonly workers: number,
    options?: { readonly callingThreadShare?: boolean; readonly callingThreadChunks?: number },
  ) {
    this.share = options?.callingThreadShare ?? true;
    this.ahead = options?.callingThreadChunks ?? 2;
    if (!Number.isInteger(this.ahead) || this.ahead < 1) throw new KhopError('INVALID_ARGUMENT', 'OrderedChunks: callingThreadChunks must be an integer ≥ 1');
  }

  /** Chunks read ahead at most: two per worker, and the calling thread's when it shares. */
  get maxQueued(): number {
    return 2 * this.workers + (this.share ? this.ahead : 0);
  }

  /** Add the next chunk; returns once the queue has room for another (back-pressure). */
  async push(chunk: C): Promise<void> {
    this.queue.push(new Entry<C, R>(chunk));
    this.topUp();
    while (this.queue.length >= this.maxQueued) await this.step();
  }

  /** Consume every chunk pushed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.step();
  }

  /** Stop: chunks still on workers are abandoned (their failures are not reported). */
  abandon(): void {
    for (const e of this.queue) e.promise?.catch(() => undefined);
    this.queue.length = 0;
  }

  /** Post the newest unassigned chunks (never the oldest, when the calling thread shares) while a worker has room. */
  private topUp(): void {
    const first = this.share ? 1 : 0;
    for (let i = this.queue.length - 1; i >= first && this.inFlight < 2 * this.workers; i--) {
      const e = this.queue[i]!;
      if (e.state === 'unassigned') this.post(e);
    }
  }

  private post(e: Entry<C, R>): void {
    e.state = 'posted';
    this.inFlight++;
    const settle = (): void => {
      e.settled = true;
      this.inFlight--;
    };
    e.promise = this.work.post(e.chunk);
    e.promise.then(settle, settle); // awaited at its turn; this also avoids an unhandled rejection meanwhile
  }

  /** Consume the oldest chunk if it is ready or unassigned; else compute a later one here, or wait. */
  private async step(): Promise<void> {
    const head = this.queue[0]!;
    if (head.state === 'unassigned') {
      head.state = 'computing';
      if (this.work.computeInTurn !== undefined) await this.work.computeInTurn(head.chunk, this.between);
      else this.work.consume(head.chunk, await this.work.computeAhead(head.chunk, this.between));
      this.queue.shift();
      this.topUp();
      return;
    }
    if (head.state === 'computed' || (head.state === 'posted' && head.settled)) {
      const result = head.state === 'computed' ? head.result! : await head.promise!;
      this.queue.shift();
      this.work.consume(head.chunk, result);
      this.topUp();
      return;
    }
    // The oldest chunk is on a worker: compute a later one rather than wait.
    const ahead = this.share ? this.queue.find((e) => e.state === 'unassigned') : undefined;
    if (ahead !== undefined) {
      ahead.state = 'computing';
      ahead.result = await this.work.computeAhead(ahead.chunk, this.between);
      ahead.state = 'computed';
      await this.between();
    } else await head.promise!.catch(() => undefined); // its error surfaces at its turn
  }
}
