/**
 * An input file as the command line reads it: openRecords (CSV / NDJSON / Parquet), the rows
 * streamed into a pipeline, and the accounting that maps the pipeline's positions back to the
 * file's row numbers.
 *
 *   file ─openRecords─► items ─┬─ row      → fed to the pipeline as position p;
 *                              │             rowNumbers[p] = its 1-based data-row number,
 *                              │             lines[p] = its first physical line, ids[p] = --id-field value
 *                              └─ rejected → kept (with its raw text) for the rejected-rows file
 *
 * Trade-off: positions are mapped through growable Uint32Arrays (8 bytes per row), not kept
 * row objects, so a file of tens of millions of rows costs the pipeline's store and no more;
 * the --id-field values are kept as strings (only when asked for). The rows the reader rejects
 * are few by nature and kept whole, because their raw text belongs in the user's rejected file.
 */
import { fstatSync, statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { KhopError } from '../errors.js';
import { openRecords, type OpenRecordsOptions } from '../io/record-reader.js';
import { takeCsvFile } from '../io/csv-reader.js';
import { takeNdjsonFile } from '../io/ndjson-reader.js';
import { idText, TAKE_PIECE_FILE, type PieceFileRows, type TakenPieceFile } from '../io/file-pieces.js';
import { inputPathKind } from '../io/byte-source.js';
import type { RecordSource, RecordValues, RejectedItem } from '../io/record-types.js';
import type { ProgressReporter } from '../io/progress.js';
import type { RejectedEntry } from './outputs.js';
import { duplicateIdReason } from '../pipeline/prepare.js';
import { ownString } from '../util/own-string.js';
import type { CommandContext } from './command.js';

/** The input argument that reads standard input. */
export const STDIN_ARGUMENT = '-';

/** The name standard input goes by in messages and in a default output's name (`stdin.rejected.csv`). */
export const STDIN_LABEL = 'stdin';

/** A row a pipeline stage refused: its 0-based position among the rows fed to it. */
export interface PipelineRejection {
  readonly index: number;
  readonly code: string;
  readonly reason: string;
  /** DUPLICATE_ID: the position of the earlier row with the same record id. */
  readonly firstIndex?: number;
}

/** A Uint32Array that doubles when full. */
export class GrowableUint32 {
  private data = new Uint32Array(1024);
  private n = 0;
  get length(): number {
    return this.n;
  }
  push(v: number): void {
    if (this.n === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = v;
  }
  get(i: number): number {
    return this.data[i]!;
  }
}

/**
 * Standard input as the command line reads it (main.ts passes `standardInput(0, process.stdin)`):
 * its descriptor is checked when it is first read. A directory redirected as standard input
 * (`khop dedupe - < exports/`) reads as zero bytes in Node — an "empty file" with "no
 * columns" — so it is refused IO_ERROR naming it (EISDIR); anything else is read as it is.
 * Lazy: a run that reads no `-` never looks at it.
 */
export async function* standardInput(fd: number, stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let directory = false;
  try {
    directory = fstatSync(fd).isDirectory();
  } catch {
    // no descriptor to look at (closed): the stream's own read reports it
  }
  if (directory) throw new KhopError('IO_ERROR', 'input -: standard input is a directory, not a file (EISDIR): redirect a file (< file.csv)');
  yield* stream;
}

/** Standard input streams already handed to an input (one reader each). */
const stdinTaken = new WeakSet<object>();

/**
 * The pipes and devices a run has opened as inputs, by dev:ino, with the argument that named
 * each: a pipe is read once, so a second input naming the same one (`khop link p p`, /dev/fd/63
 * twice) is refused before it is opened — the two readers would split its bytes between them.
 */
const streamsTaken = new WeakMap<CommandContext, Map<string, string>>();

/**
 * A path that names a stream — a pipe (mkfifo, a shell's `<(…)`: /dev/fd/63), a character device
 * (/dev/stdin on a terminal) — with its dev:ino; null for anything else, or a path that cannot
 * be looked at (its reader then says why).
 */
async function streamIdentity(path: string): Promise<string | null> {
  return stat(path).then(streamKey, () => null);
}

function streamKey(st: Stats): string | null {
  return inputPathKind(st) === 'stream' ? `${st.dev}:${st.ino}` : null;
}

/**
 * Note that `argument` reads the stream `key` in this run.
 * @throws KhopError INVALID_ARGUMENT when an earlier input of the run reads it.
 */
function takeStream(ctx: CommandContext, key: string, argument: string): void {
  let taken = streamsTaken.get(ctx);
  if (taken === undefined) streamsTaken.set(ctx, (taken = new Map()));
  const earlier = taken.get(key);
  if (earlier !== undefined) {
    throw new KhopError('INVALID_ARGUMENT', `input ${argument}: the same pipe as the input ${earlier}; a pipe is read once: give each input its own (a file, or one process substitution each)`);
  }
  taken.set(key, argument);
}

/** An opened input file and the accounting of what was read from it. */
export class InputFile {
  /** Pipeline position → 1-based data-row number in the file. */
  readonly rowNumbers = new GrowableUint32();
  /** Pipeline position → first physical line (0 when the format has none, e.g. Parquet). */
  readonly lines = new GrowableUint32();
  /** Pipeline position → the --id-field value as text ('' when empty or not a scalar); null without --id-field. */
  ids: string[] | null = null;
  /** Rows the reader rejected, in file order. */
  readonly rejected: RejectedItem[] = [];

  private constructor(
    /** Resolved path. */
    readonly path: string,
    /** Short name for messages and report titles (the file's base name; a side's input: the argument as given). */
    readonly label: string,
    readonly source: RecordSource,
    /**
     * The reader options it was opened with; null for standard input and for a path naming a pipe
     * or a device (read once, never reopened).
     */
    private readonly reopen: Pick<OpenRecordsOptions, 'encoding' | 'delimiter' | 'renameBadColumns'> | null,
    /** 'left' / 'right' for a link's inputs: the reader's errors then name the side and the file. */
    readonly side?: string,
  ) {}

  /**
   * Open a file (format from the extension, else the content). A path naming a pipe or a
   * character device (`<(zcat x.csv.gz)`, a mkfifo, /dev/stdin) is read once, as standard input
   * is: never sampled, measured or reopened; Parquet from one is refused.
   * @param progress receives the reader's 'read' events (bytes); leave it out when the consumer
   *   reports its own progress while the file is read (two interleaved phases would each close
   *   the other's line).
   * @param read --encoding / --delimiter / --rename-bad-columns (inputReadOptions)
   * @throws KhopError IO_ERROR / INVALID_INPUT.
   */
  static async open(path: string, progress?: ProgressReporter, read: Pick<OpenRecordsOptions, 'encoding' | 'delimiter' | 'renameBadColumns'> = {}): Promise<InputFile> {
    return InputFile.openPath(path, (await streamIdentity(path)) !== null, progress, read);
  }

  private static async openPath(path: string, stream: boolean, progress: ProgressReporter | undefined, read: Pick<OpenRecordsOptions, 'encoding' | 'delimiter' | 'renameBadColumns'>): Promise<InputFile> {
    const source = await openRecords(path, progress === undefined ? { ...read } : { ...read, onProgress: progress });
    // A descriptor's base name says nothing (`63` for /dev/fd/63): such a stream goes by its path.
    const label = stream && /^\/(?:dev|proc)\//.test(path) ? path : basename(path);
    return new InputFile(path, label, source, stream ? null : read);
  }

  /**
   * Open a command's input argument: a file (InputFile.open), or standard input for `-` — CSV
   * or NDJSON, the format and delimiter from the content (Parquet needs a file: it is read by
   * random access). A run reads standard input once: `-` for two inputs is a usage error; so is
   * one pipe or device named by two inputs.
   * @throws KhopError INVALID_ARGUMENT / IO_ERROR / INVALID_INPUT.
   */
  static async openArgument(argument: string, ctx: CommandContext, progress?: ProgressReporter, read: Pick<OpenRecordsOptions, 'encoding' | 'delimiter' | 'renameBadColumns'> = {}, side?: string): Promise<InputFile> {
    if (side !== undefined) {
      // One of two inputs (link): every message of the reader names the file — its path as given
      // on the command line (two exports are often both `data.csv` in two folders) — and its side.
      const label = argument === STDIN_ARGUMENT ? STDIN_LABEL : argument;
      const named = progress === undefined ? undefined : sideProgress(progress, label);
      try {
        const file = await InputFile.openArgument(argument, ctx, named, read);
        return new InputFile(file.path, label, file.source, file.reopen, side);
      } catch (e) {
        // Standard input's own refusals say "input -:" already.
        throw naming(e, side, label, argument === STDIN_ARGUMENT ? `input ${STDIN_ARGUMENT}:` : ctx.resolvePath(argument));
      }
    }
    if (argument !== STDIN_ARGUMENT) {
      const path = ctx.resolvePath(argument);
      const stream = await streamIdentity(path);
      if (stream !== null) takeStream(ctx, stream, argument);
      return InputFile.openPath(path, stream !== null, progress, read);
    }
    const stdin = ctx.io.stdin;
    if (stdin === undefined) throw new KhopError('INVALID_ARGUMENT', 'input -: standard input is not available here; give a file');
    if (stdinTaken.has(stdin)) throw new KhopError('INVALID_ARGUMENT', 'input -: standard input is read once; give only one input as -');
    stdinTaken.add(stdin);
    // Standard input's pipe, when its descriptor is known: /dev/stdin as the other input would read it too.
    if (ctx.io.stdinFd !== undefined) {
      let key: string | null = null;
      try {
        key = streamKey(fstatSync(ctx.io.stdinFd));
      } catch {
        // no descriptor to look at: standard input's own read reports it
      }
      if (key !== null) takeStream(ctx, key, STDIN_ARGUMENT);
    }
    let source: RecordSource;
    try {
      source = await openRecords(stdin, progress === undefined ? { ...read } : { ...read, onProgress: progress });
    } catch (e) {
      if (e instanceof KhopError && e.code === 'INVALID_ARGUMENT' && /Parquet/.test(e.message)) {
        throw new KhopError('INVALID_ARGUMENT', 'input -: Parquet cannot be read from standard input (it is read by random access); give the file', { cause: e });
      }
      throw e;
    }
    return new InputFile(STDIN_LABEL, STDIN_LABEL, source, null);
  }

  /**
   * loadSchema's sampling options for this input: a sampler of its columns, or — standard
   * input or a pipe, which cannot be read twice — `unsampled` (loadSchema then says what it could not check).
   */
  schemaSampling(rows: number): { sampleColumn: (column: string) => Promise<unknown[]> } | { unsampled: true } {
    return this.reopen === null ? { unsampled: true } : { sampleColumn: (column) => this.sampleColumn(column, rows) };
  }

  /**
   * The first values of `column`, from up to `rows` rows, read by a second reader of the file —
   * the input itself is not consumed (loadSchema's sampleColumn). Standard input or a pipe cannot
   * be read twice: none ([]). A reader error gives none too: the input's own read reports it.
   */
  async sampleColumn(column: string, rows: number): Promise<unknown[]> {
    if (this.reopen === null) return [];
    const out: unknown[] = [];
    let sample: RecordSource | null = null;
    try {
      sample = await openRecords(this.path, { ...this.reopen, keepRaw: false });
      for await (const batch of sample.batches()) {
        for (const item of batch) {
          if (item.kind !== 'row') continue;
          out.push(item.values[column]);
          if (out.length >= rows) return out;
        }
      }
    } catch {
      return [];
    } finally {
      await sample?.close().catch(() => undefined);
    }
    return out;
  }

  /** Column names (CSV header, Parquet schema, the keys of the first NDJSON objects: readNdjson). */
  get headers(): readonly string[] {
    return this.source.columns;
  }

  /** True when the header lists every column (CSV, Parquet); NDJSON records may have others. */
  get completeHeader(): boolean {
    return this.source.format !== 'ndjson';
  }

  /**
   * The accepted rows, streamed once, recording each one's row number (and id value). A CSV or
   * NDJSON file can instead be handed over whole to a reader that reads it in pieces
   * (TAKE_PIECE_FILE: src/pipeline/prepare.ts, src/register/claims-file.ts) — which tells this
   * input each row's number, line and id, and the rows the reader rejected, as iterating would
   * record them.
   * @param idField column whose values to keep for the output files
   */
  rows(idField?: string): AsyncIterable<RecordValues> & PieceFileRows {
    return {
      [Symbol.asyncIterator]: () => this.namedRead(idField),
      [TAKE_PIECE_FILE]: (minBytes: number): TakenPieceFile | null => {
        const file = takeCsvFile(this.source, minBytes, true) ?? takeNdjsonFile(this.source, minBytes, true);
        if (file === null) return null;
        const ids: string[] | null = idField === undefined ? null : (this.ids = []);
        const { rowNumbers, lines, rejected } = this;
        return {
          file,
          observer: {
            idColumn: idField ?? null,
            row(rowNumber, line, id) {
              rowNumbers.push(rowNumber);
              lines.push(line);
              ids?.push(id === undefined ? '' : ownString(id));
            },
            rejected(item) {
              rejected.push(item);
            },
          },
        };
      },
    };
  }

  private async *namedRead(idField: string | undefined): AsyncGenerator<RecordValues, void, undefined> {
    if (this.side === undefined) {
      yield* this.read(idField);
      return;
    }
    try {
      yield* this.read(idField);
    } catch (e) {
      throw naming(e, this.side, this.label, this.path);
    }
  }

  private async *read(idField: string | undefined): AsyncGenerator<RecordValues, void, undefined> {
    if (idField !== undefined) this.ids = [];
    const ids = this.ids;
    for await (const batch of this.source.batches()) {
      for (const item of batch) {
        if (item.kind === 'rejected') {
          this.rejected.push(item);
          continue;
        }
        this.rowNumbers.push(item.rowNumber);
        this.lines.push(item.line ?? 0);
        if (ids !== null) {
          // As a piece reader tells it (idText); kept for the run: a copy, not a slice of the reader's text (ownString).
          const id = idText(item.values[idField!]);
          ids.push(id === undefined ? '' : ownString(id));
        }
        yield item.values;
      }
    }
  }

  /** The input is a regular file (it can be read again, e.g. sampled or measured), not standard input or a pipe. */
  get sampleable(): boolean {
    return this.reopen !== null;
  }

  /** Data rows read so far: accepted + rejected by the reader. */
  get rowsRead(): number {
    return this.source.summary.rows;
  }

  /**
   * Every rejected row of this file in row-number order: the reader's (with raw text) merged
   * with the pipeline's (positions mapped back to row numbers).
   * @param input 'left' / 'right' for a link's inputs
   */
  rejectedEntries(pipeline: readonly PipelineRejection[], input?: string, idField?: string): RejectedEntry[] {
    const out: RejectedEntry[] = [];
    const read = this.rejected;
    let i = 0;
    let j = 0;
    while (i < read.length || j < pipeline.length) {
      const r = read[i];
      const p = pipeline[j];
      const pRow = p === undefined ? Infinity : this.rowNumbers.get(p.index);
      if (r !== undefined && r.rowNumber < pRow) {
        const e: { -readonly [K in keyof RejectedEntry]: RejectedEntry[K] } = { rowNumber: r.rowNumber, line: r.line ?? 0, stage: 'read', code: r.code, reason: r.reason };
        if (input !== undefined) {
          e.input = input;
          e.file = this.label;
        }
        if (r.raw !== undefined) e.raw = r.raw;
        if (r.rawTruncated === true) e.rawTruncated = true;
        out.push(e);
        i++;
      } else {
        // A repeated record id names the earlier row by ITS row number in the file (the
        // pipeline counts only the rows the reader passed on).
        const reason = p!.firstIndex !== undefined && idField !== undefined ? duplicateIdReason(idField, `row ${this.rowNumbers.get(p!.firstIndex)}`) : p!.reason;
        const e: { -readonly [K in keyof RejectedEntry]: RejectedEntry[K] } = { rowNumber: pRow, line: this.lines.get(p!.index), stage: 'prepare', code: p!.code, reason };
        if (input !== undefined) {
          e.input = input;
          e.file = this.label;
        }
        out.push(e);
        j++;
      }
    }
    return out;
  }

  /** Release the file early (after an error). */
  close(): Promise<void> {
    return this.source.close();
  }
}

/**
 * A reader's error in one of two inputs, naming its side and file (`right file b/data.csv: CSV
 * header (line 1) cannot be read: …`) — not when the message names the file already (a path the
 * error was given). Other errors than KhopError pass as they are (exit 3: unexpected).
 */
function naming(e: unknown, side: string, label: string, path: string): unknown {
  if (!(e instanceof KhopError) || e.message.includes(path) || e.message.startsWith(`${label} `) || e.message.startsWith(`input ${label}:`) || e.message.startsWith(`${side} file `)) return e;
  return new KhopError(e.code, `${side} file ${label}: ${e.message}`, { cause: e, ...(e.details === undefined ? {} : { details: e.details }) });
}

/** `progress` with the reader's phase named after the file (`read a.csv`): two inputs read one after the other are told apart. */
function sideProgress(progress: ProgressReporter, label: string): ProgressReporter {
  const named = (event: Parameters<ProgressReporter>[0]) => progress(event.phase === 'read' ? { ...event, phase: `read ${label}` } : event);
  return Object.assign(named, { end: () => progress.end() });
}

/**
 * Inputs from this size on run on every core when a command's --threads is not given
 * (authenticate, register build): ~100k rows or more, where a pool's start-up (~0.3 s: worker
 * threads loading khop) is small against the work. Standard input's or a pipe's size is not known: 1.
 */
export const AUTO_THREADS_MIN_MIB = 8;

/** A command's --threads when not given: every core for an input file of AUTO_THREADS_MIN_MIB or more, else 1. */
export function defaultThreadsFor(input: InputFile): number {
  if (!input.sampleable) return 1; // standard input, a pipe
  let bytes = 0;
  try {
    bytes = statSync(input.path).size;
  } catch {
    return 1;
  }
  return bytes >= AUTO_THREADS_MIN_MIB * 1024 * 1024 ? Math.max(1, Math.min(availableParallelism(), 256)) : 1;
}
