/**
 * Register.authenticateAll on the calling thread and a worker pool: an array of claims in, a
 * VerdictTable out (verdict-table.ts). The count is known, nothing is handed out one by one,
 * and every batch writes its verdicts at its own offset — so there is no ordering to keep,
 * no back-pressure, and no Verdict object is made for a claim unless the caller asks for it.
 *
 *   claims[0 .. n) ── cursor ──┬─► worker batch: packClaimBatch ─► pool.run('register.authenticateTable')
 *                              │      the worker writes its claims' status, weight, matchedBy,
 *                              │      outcome rows and store row straight into the table's
 *                              │      shared columns (TableWriter) and returns only its verdicts
 *                              │      without a record, encoded ─► table.settle(from, to, …)
 *                              └─► calling thread slice (LOCAL_SLICE claims): the register's own
 *                                     batch path into the same columns (its own TableWriter);
 *                                     then an event-loop turn, so finished workers get their
 *                                     next batch
 *
 * Scheduling is guided self-scheduling (Polychronopoulos & Kuck, IEEE ToC 36(12), 1987): a
 * worker batch takes remaining / (2 × threads) claims, within [MIN_WORKER_BATCH, batchSize],
 * so batches shrink towards the end and the threads finish together; each worker has two
 * batches at a time (one running, one waiting in the worker thread's own queue: the pool's
 * tasksPerWorker, pool.ts), and the calling thread takes a slice whenever every worker has its
 * two. A worker that finishes starts its waiting batch at once; the calling thread notices
 * within a slice (LOCAL_SLICE claims, ~2–3 ms) and sends the next.
 *
 * Each worker batch sees the register as it was when the batch was sent, each calling-thread
 * slice as it is when the slice runs (the register may change between event-loop turns), as
 * authenticateMany does. A failure — a worker that throws or dies, a batch that does not fit —
 * rejects with the error (pool errors named after the 'authenticate' phase); batches still in
 * flight are abandoned and no table is returned. The failure of a batch the calling thread took
 * back (see "Taking back") is not one: that batch was answered.
 *
 * What crosses threads per claim a worker answers: its K values out (packClaimBatch, as for
 * authenticateMany) and, back, nothing for a verdict about a record — the worker wrote it in
 * place — and the encoded reason / candidates of a verdict without one. Measured against the
 * previous design (every verdict encoded by the worker and decoded into the table by the
 * calling thread; see BENCHMARKS.md, "Batch authentication").
 *
 * Taking back: when every claim has been handed out and a worker batch is still waiting — its
 * thread starting (~0.2 s: loading khop), attaching the register job (~0.1 s: a new pool, or a
 * register changed since the thread last saw it), or busy with its other batch — the calling
 * thread takes that batch back and answers it itself, instead of waiting. A shared owner slot
 * per batch decides who has it: the worker claims it (compare-and-exchange 0 → 1) only once its
 * job is attached, right before it starts; the calling thread (0 → 2) only while nobody has. A
 * worker that finds its batch taken answers `{ takenBack: true }` and writes nothing. Measured
 * on the first call of a fresh pool, 20k claims: 458–525 ms → 118–161 ms (BENCHMARKS.md, after
 * the register-parallel table).
 *
 * Trade-off against authenticateMany: the whole result is held (≈ K + 14 bytes a claim in
 * shared typed arrays, see verdict-table.ts), so it is for arrays; a stream of unknown length
 * stays with authenticateMany.
 */
import { KhopError } from '../errors.js';
import { phaseError } from '../pool/phase-runner.js';
import type { FieldPlan } from './register-layout.js';
import {
  batchOf,
  finishing,
  packClaimBatch,
  RegisterJobSender,
  runRegisterTask,
  type AuthenticateTaskPayload,
  type MissingJob,
  type PoolLike,
  type RegisterJob,
  type RegisterTaskContext,
} from './parallel-authenticate.js';
import type { StoreReader } from './store-reader.js';
import { isTableColumns, type TableColumns, type TableSide, type VerdictTable } from './verdict-table.js';
import { turn } from '../pool/ordered-chunks.js';

/** The pool task of a worker batch of authenticateAll. */
export const AUTHENTICATE_TABLE_TASK = 'register.authenticateTable';

/** Payload of the 'register.authenticateTable' task: a batch and where in the table it goes. */
export interface AuthenticateTableTaskPayload extends AuthenticateTaskPayload {
  readonly columns: TableColumns;
  /** The batch's first claim in the table. */
  readonly from: number;
  /**
   * Who takes the batch (see "Taking back"): `owners[slot]` is 0 while nobody has, and the
   * worker sets it to TAKEN_BY_WORKER before it starts — unless the calling thread set it to
   * TAKEN_BY_CALLER first, and then the worker leaves the batch alone. Absent: the worker takes it.
   */
  readonly owners?: Int32Array;
  readonly slot?: number;
}

/** What a worker answers for a batch the calling thread took back. */
export interface BatchTakenBack {
  readonly takenBack: true;
}

const TAKEN_BY_WORKER = 1;
const TAKEN_BY_CALLER = 2;

/** Worker side: the batch authenticated into the shared columns; its verdicts without a record back. */
export async function authenticateTableTask(payload: AuthenticateTableTaskPayload, context: RegisterTaskContext): Promise<TableSide | MissingJob | BatchTakenBack> {
  return finishing(payload, async () => {
    const batch = await batchOf(payload, context);
    if (batch === null) return { missingJob: true };
    const columns = payload.columns;
    if (!isTableColumns(columns, columns?.status?.length) || !(columns.status.buffer instanceof SharedArrayBuffer)) {
      throw new KhopError('INVALID_ARGUMENT', 'register.authenticateTable: payload must hold the table columns on shared memory');
    }
    const owners = payload.owners;
    if (owners !== undefined) {
      const slot = payload.slot;
      if (!(owners instanceof Int32Array) || !(owners.buffer instanceof SharedArrayBuffer) || !Number.isInteger(slot) || slot! < 0 || slot! >= owners.length) {
        throw new KhopError('INVALID_ARGUMENT', 'register.authenticateTable: owners must be an Int32Array on shared memory and slot an index of it');
      }
      // Taken only now, once the register job is attached: a thread still starting or attaching
      // leaves its batch to the calling thread.
      if (Atomics.compareExchange(owners, slot!, 0, TAKEN_BY_WORKER) !== 0) return { takenBack: true };
    }
    return batch.register.authenticateIntoTable(batch.values, payload.count, payload.candidates, columns, payload.from);
  });
}

/**
 * Claims the calling thread authenticates between two event-loop turns when it shares the
 * work with a pool (alone, it takes `batchSize` claims at a time: a larger hash batch, fewer
 * turns).
 */
export const LOCAL_SLICE = 512;

/** Smallest worker batch (a batch's fixed cost — packing, a message each way — is ~50 µs). */
export const MIN_WORKER_BATCH = 256;

/** What authenticateAll needs from the register. */
export interface AuthenticateAllPlan {
  readonly claims: readonly Record<string, unknown>[];
  readonly table: VerdictTable;
  readonly fields: readonly FieldPlan[];
  readonly candidates: number;
  /** Largest worker batch, and the calling thread's batch when it works alone. */
  readonly batchSize: number;
  /** The pool (threads − 1 workers), or undefined for the calling thread alone. */
  readonly pool: PoolLike | undefined;
  readonly job: () => RegisterJob;
  /** The register's store reader now (a worker batch's rows are in the store of its job). */
  readonly store: () => StoreReader;
  /** The calling thread's path: claims[from .. to) authenticated into the table. */
  readonly local: (from: number, to: number) => void;
}

/** Authenticate every claim of the plan into its table. */
export async function authenticateAllInto(p: AuthenticateAllPlan): Promise<void> {
  const n = p.claims.length;
  let next = 0;
  if (p.pool === undefined) {
    while (next < n) {
      const from = next;
      next = Math.min(n, from + p.batchSize);
      p.local(from, next);
      if (next < n) await turn();
    }
    return;
  }
  const pool = p.pool;
  const workers = pool.threads;
  const threads = workers + 1;
  let running = 0;
  /** The first failure (a worker batch, or a batch that did not fit the table). */
  const failure: { error: unknown; set: boolean } = { error: undefined, set: false };
  const fail = (e: unknown): void => {
    if (!failure.set) Object.assign(failure, { error: e, set: true });
  };
  /** Resolved when a worker batch settles (re-armed each time the calling thread waits). */
  let wake: (() => void) | null = null;
  const settled = (): void => {
    running--;
    const w = wake;
    wake = null;
    w?.();
  };
  const jobs = new RegisterJobSender(2 * workers);
  // Taking back (see the file header): one owner slot per batch in flight, reused once its answer
  // is in. At most 2 × workers batches are in flight and at most as many taken back and still
  // unanswered, so 4 × workers slots always leave one free.
  const owners = new Int32Array(new SharedArrayBuffer(4 * (4 * workers)));
  const freeSlots = Array.from({ length: owners.length }, (_, i) => owners.length - 1 - i);
  /** Sent batches not answered yet, oldest first. */
  const inFlight: Array<{ from: number; to: number; slot: number; takenBack: boolean }> = [];
  const answered = (b: (typeof inFlight)[number]): void => {
    inFlight.splice(inFlight.indexOf(b), 1);
    Atomics.store(owners, b.slot, 0);
    freeSlots.push(b.slot);
  };
  const send = (): void => {
    const size = Math.min(p.batchSize, Math.max(MIN_WORKER_BATCH, Math.ceil((n - next) / (2 * threads))));
    const from = next;
    const to = Math.min(n, from + size);
    next = to;
    const job = p.job();
    const b = { from, to, slot: freeSlots.pop()!, takenBack: false };
    inFlight.push(b);
    const payload: AuthenticateTableTaskPayload = {
      job: jobs.form(job),
      claims: packClaimBatch(p.claims.slice(from, to), p.fields),
      count: to - from,
      candidates: p.candidates,
      columns: p.table.columns,
      from,
      owners,
      slot: b.slot,
    };
    const store = p.store();
    running++;
    runRegisterTask<TableSide | BatchTakenBack>(pool, AUTHENTICATE_TABLE_TASK, payload, job).then(
      (side) => {
        answered(b);
        // Taken back: the calling thread answered it (and stopped counting it as running).
        if (b.takenBack) return;
        try {
          if ('takenBack' in side) throw new KhopError('INTERNAL', 'authenticateAll: a worker left a batch nobody took back');
          if (!failure.set) p.table.settle(from, to, store, side);
        } catch (e) {
          fail(e);
        }
        settled();
      },
      (e: unknown) => {
        answered(b);
        if (b.takenBack) return; // its answer no longer matters (e.g. the pool closed after the call)
        fail(phaseError('authenticate', e));
        settled();
      },
    );
  };
  /** A sent batch no worker has started, taken back by the calling thread (null: none). */
  const takeBack = (): (typeof inFlight)[number] | null => {
    for (const b of inFlight) {
      if (!b.takenBack && Atomics.compareExchange(owners, b.slot, 0, TAKEN_BY_CALLER) === 0) {
        b.takenBack = true;
        running--;
        return b;
      }
    }
    return null;
  };
  while (!failure.set) {
    while (running < 2 * workers && next < n) send();
    if (next < n) {
      const from = next;
      next = Math.min(n, from + LOCAL_SLICE);
      p.local(from, next);
      await turn();
    } else if (running > 0) {
      // Nothing left to hand out: rather than wait for a worker still starting (or attaching
      // the register), the calling thread answers a batch no worker has begun.
      const b = takeBack();
      if (b !== null) {
        for (let from = b.from; from < b.to && !failure.set; from += LOCAL_SLICE) {
          p.local(from, Math.min(b.to, from + LOCAL_SLICE));
          await turn();
        }
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    } else break;
  }
  if (failure.set) throw failure.error;
  if (!p.table.complete) throw new KhopError('INTERNAL', 'authenticateAll: a batch of verdicts is missing');
}
