/**
 * The shared half of every reader: iterate-once guard, batch → item flattening, counting,
 * progress events, abort checks and closing. A format reader supplies `produce()` (batches of
 * items, row numbers already assigned) and a few facts.
 *
 * Trade-off: counting happens here, on the items actually handed out, so the summary cannot
 * disagree with what the caller saw (`rows === accepted + rejected` by construction).
 */
import { KhopError } from '../errors.js';
import type { ProgressEvent, ProgressUnit } from './progress.js';
import type { RecordFormat, RecordItem, RecordSource, ReadStatus, ReadSummary, TextEncodingName } from './record-types.js';

/** Options every reader takes. */
export interface ReadOptionsBase {
  /**
   * Attach the raw text of a rejected row to it (`raw`), for the rejected-rows file.
   * Default true. Raw text is the user's own data: it never appears in a reason or an error.
   */
  keepRaw?: boolean;
  /** Called after each batch and once at the end (`final: true`), phase "read". */
  onProgress?: (event: ProgressEvent) => void;
  /** Abort the read: the iteration rejects with KhopError('ABORTED') at the next batch. */
  signal?: AbortSignal;
}

export const DEFAULT_KEEP_RAW = true;

/** Collect problems with the base options (messages name the option). */
export function checkBaseOptions(options: ReadOptionsBase, problems: string[]): void {
  if (options.keepRaw !== undefined && typeof options.keepRaw !== 'boolean') problems.push('keepRaw: expected a boolean');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') problems.push('onProgress: expected a function');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) problems.push('signal: expected an AbortSignal');
}

/** Throw one KhopError('INVALID_OPTION') listing every problem, if any. */
export function throwIfProblems(what: string, problems: string[]): void {
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid ${what} options: ${problems.join('; ')}`, { details: { problems } });
  }
}

/** What a concrete reader reports about its progress. */
export interface ProgressFacts {
  done: number;
  total: number | null;
  unit: ProgressUnit;
}

export abstract class BatchRecordSource implements RecordSource {
  abstract readonly format: RecordFormat;
  readonly encoding: TextEncodingName | null;
  readonly delimiter: string | null;
  /** Set by the reader when the input held no content at all (no header, no row). */
  protected emptyInput = false;
  /** Column names; set by the reader before the source is handed out. */
  protected names: readonly string[] = Object.freeze([]);
  private acceptedCount = 0;
  private rejectedCount = 0;
  private status: ReadStatus = 'reading';
  private started = false;
  /** Blank lines and bytes when someone else read the input (setSummary). */
  private external: { blankLines: number; bytesRead: number } | null = null;
  private readonly onProgress: ((event: ProgressEvent) => void) | undefined;
  private readonly signal: AbortSignal | undefined;

  protected constructor(encoding: TextEncodingName | null, delimiter: string | null, options: ReadOptionsBase) {
    this.encoding = encoding;
    this.delimiter = delimiter;
    this.onProgress = options.onProgress;
    this.signal = options.signal;
  }

  /** Batches of items; row numbers assigned; empty batches allowed. */
  protected abstract produce(): AsyncGenerator<RecordItem[]>;
  /** Release the input. Idempotent. */
  protected abstract release(): Promise<void>;
  protected abstract progressFacts(): ProgressFacts;
  protected abstract blankLineCount(): number;
  protected abstract bytesReadSoFar(): number;

  get columns(): readonly string[] {
    return this.names;
  }

  get summary(): ReadSummary {
    const ext = this.external;
    return {
      format: this.format,
      rows: this.acceptedCount + this.rejectedCount,
      accepted: this.acceptedCount,
      rejected: this.rejectedCount,
      blankLines: ext?.blankLines ?? this.blankLineCount(),
      bytesRead: ext?.bytesRead ?? this.bytesReadSoFar(),
      status: this.status,
    };
  }

  /** True once iterated, or taken by a reader of its own (src/register/csv-ingest.ts). */
  protected get isStarted(): boolean {
    return this.started;
  }

  /** Mark the source iterated: its input is being read by someone else. */
  protected markStarted(): void {
    this.started = true;
  }

  /** Progress events or an abort signal were asked for (a reader of its own would not give them). */
  protected get hasObservers(): boolean {
    return this.onProgress !== undefined || this.signal !== undefined;
  }

  /**
   * For a reader of its own that reports as this source would (takeFile's `observed`): a 'read'
   * progress event of `done` bytes of `total`, and the abort signal's check.
   * @throws KhopError ABORTED when the source's signal has been aborted.
   */
  protected observe(done: number, total: number | null, final: boolean): void {
    if (this.signal?.aborted === true) throw new KhopError('ABORTED', 'read aborted by its AbortSignal', { cause: this.signal.reason });
    if (this.onProgress === undefined) return;
    const event: ProgressEvent = { phase: 'read', done, unit: 'bytes' };
    if (total !== null) event.total = total;
    if (final) event.final = true;
    this.onProgress(event);
  }

  /** The summary of what someone else read from this source's input (see markStarted). */
  protected setSummary(accepted: number, rejected: number, blankLines: number, bytesRead: number): void {
    this.acceptedCount = accepted;
    this.rejectedCount = rejected;
    this.external = { blankLines, bytesRead };
    this.status = accepted + rejected === 0 ? 'no-rows' : 'ok';
  }

  batches(): AsyncIterable<readonly RecordItem[]> {
    if (this.started) throw new KhopError('INVALID_ARGUMENT', 'a RecordSource can be iterated only once');
    this.started = true;
    return this.run();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordItem> {
    for await (const batch of this.batches()) {
      for (let i = 0; i < batch.length; i++) yield batch[i]!;
    }
  }

  async close(): Promise<void> {
    await this.release();
  }

  private async *run(): AsyncGenerator<readonly RecordItem[]> {
    try {
      for await (const batch of this.produce()) {
        if (this.signal?.aborted === true) throw new KhopError('ABORTED', 'read aborted by its AbortSignal', { cause: this.signal.reason });
        let rejected = 0;
        for (let i = 0; i < batch.length; i++) if (batch[i]!.kind === 'rejected') rejected++;
        this.rejectedCount += rejected;
        this.acceptedCount += batch.length - rejected;
        this.report(false);
        if (batch.length > 0) yield batch;
      }
      const rows = this.acceptedCount + this.rejectedCount;
      this.status = this.emptyInput && rows === 0 ? 'empty' : rows === 0 ? 'no-rows' : 'ok';
      this.report(true);
    } finally {
      await this.release();
    }
  }

  private report(final: boolean): void {
    if (this.onProgress === undefined) return;
    const f = this.progressFacts();
    const event: ProgressEvent = { phase: 'read', done: f.done, unit: f.unit };
    if (f.total !== null) event.total = f.total;
    if (final) event.final = true;
    this.onProgress(event);
  }
}
