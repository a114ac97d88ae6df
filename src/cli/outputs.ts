/**
 * Output files of the command line: a table writer over CSV or NDJSON (to a file or to stdout)
 * and the rejected-rows file that gathers the rows the reader AND the pipeline refused.
 *
 *   rejected-rows file (CSV):  [input,file,]row_number,line,stage,code,reason,raw,raw_truncated
 *     input, file  a link's: left / right, and that file's path as given on the command line
 *     stage  read      the reader refused the row (CSV structure, encoding, JSON) — raw text kept
 *            prepare   the pipeline refused it (wrong value type, no usable field) — no raw text
 *
 * Trade-off: CSV cells go through CsvWriter (RFC 4180 quoting, formula escaping: a value that a
 * spreadsheet would run as a formula gets a leading `'`); NDJSON rows through NdjsonWriter.
 * Both stream with back-pressure, so a file of millions of rows never sits in memory as text.
 * A run's files are replaced together once it has succeeded (StagedOutputs), not one by one.
 * The rejected file is the only place raw input text is written (the user's own data, where
 * they asked); it is CSV whatever --format says, so the same tools read every run's — unless
 * --rejected names it .ndjson / .jsonl (NDJSON) or .tsv / .tab (tab-delimited): every table
 * file is written as its name says (output-format.ts).
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { STDIN_ARGUMENT, STDIN_LABEL } from './input.js';
import { Writable } from 'node:stream';
import { KhopError } from '../errors.js';
import { CsvCellRun, CsvWriter, type TableLineFormat } from '../io/csv-writer.js';
import { cellsObject, NdjsonWriter } from '../io/ndjson-writer.js';
import { TextSink, isDescriptorPath, type TextDestination } from '../io/text-sink.js';
import { tableFormatFor, type TableFormat } from './output-format.js';
import type { CliWriter } from './command.js';

/** Rows of cells in column order. */
export interface TableWriter {
  /** A row; a run (from `run`) stands for its cells. */
  writeRow(cells: readonly unknown[]): void | Promise<void>;
  /** Cells that many rows repeat, formatted once (CSV: CsvWriter.run). */
  run(cells: readonly unknown[]): CsvCellRun;
  /** How its lines are formatted (plain data: a worker can format them), and lines formatted so (elsewhere) written as they are. */
  readonly lines: { readonly format: TableLineFormat; write(texts: readonly string[], rows: number): void | Promise<void> };
  /** Finish: a file is written to a temporary name and renamed over its path here. */
  close(): Promise<void>;
  /** Finish, leaving a file's path as it was until commit() (StagedOutputs). */
  finish(): Promise<void>;
  /** After finish(): the file replaces its path's previous content. */
  commit(): void;
  /** Give up (the run failed): a file's path keeps what it held before. */
  abort(): Promise<void>;
  readonly rowCount: number;
}

/** A Writable over a CliWriter (process.stdout is used as is, keeping its back-pressure). */
export function writableOf(w: CliWriter): Writable {
  const s = w as unknown as Partial<Writable>;
  if (typeof s.once === 'function' && typeof s.write === 'function' && typeof s.on === 'function') return w as unknown as Writable;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      w.write(chunk.toString('utf8'));
      callback();
    },
  });
}

/**
 * Open a table writer.
 * @param dest a path, or the writer of standard output
 * @param table the format (tableFormatFor: from the path's name, else --format)
 */
export function openTableWriter(dest: string | CliWriter, columns: readonly string[], table: TableFormat): TableWriter {
  const target: TextDestination = typeof dest === 'string' ? dest : writableOf(dest);
  const end = typeof dest === 'string';
  if (table.format === 'csv') {
    const csv = new CsvWriter(target, { columns, delimiter: table.delimiter, end });
    return {
      writeRow: (cells) => csv.writeRow(cells),
      run: (cells) => csv.run(cells),
      lines: { format: { kind: 'csv', columns: csv.columns, delimiter: csv.lines.delimiter, escapeFormulas: csv.lines.escapeFormulas }, write: (texts, rows) => csv.writeLines(texts, rows) },
      close: () => csv.close(),
      finish: () => csv.finish(),
      commit: () => csv.commit(),
      abort: () => csv.abort(),
      get rowCount() {
        return csv.rowCount;
      },
    };
  }
  const nd = new NdjsonWriter(target, { end });
  return {
    writeRow: (cells) => nd.writeRow(cellsObject(columns, cells)),
    run: (cells) => new CsvCellRun(Object.freeze(cells.slice()), '', nd),
    lines: { format: { kind: 'ndjson', columns: Object.freeze(columns.slice()) }, write: (texts, rows) => nd.writeLines(texts, rows) },
    close: () => nd.close(),
    finish: () => nd.finish(),
    commit: () => nd.commit(),
    abort: () => nd.abort(),
    get rowCount() {
      return nd.rowCount;
    },
  };
}

/** A writer whose file can be finished, then committed over its path or given up. */
export interface StagedWriter {
  close(): Promise<void>;
  finish(): Promise<void>;
  commit(): void;
  abort(): Promise<void>;
}

/**
 * The output files of one run, replaced together: each is written whole under its temporary
 * name (TextSink.finish) as the run goes, and all are renamed over their paths by commit() once
 * the run has succeeded; abort() (the run failed) removes them. So a run that fails or is
 * interrupted after writing its clusters but before its pairs, report or rejected rows leaves
 * every previous output as it was — not new clusters beside the previous run's pairs. The
 * temporary files stay tracked until then (an interrupt removes them: text-sink.ts). Standard
 * output is streamed as it is written: it cannot be taken back.
 */
export class StagedOutputs {
  private readonly staged: StagedWriter[] = [];

  /** Write through `writer` with `body` and finish it (staged) — or, when either throws, abort it. */
  async write(writer: StagedWriter, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      await writer.finish();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    this.staged.push(writer);
  }

  /** Rename every staged file over its path, in the order written; on a failure the rest are removed. */
  async commit(): Promise<void> {
    const list = this.staged.splice(0);
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!.commit();
      } catch (e) {
        for (const w of list.slice(i + 1)) await w.abort();
        throw e;
      }
    }
  }

  /** Remove every staged file: the paths keep what they held. */
  async abort(): Promise<void> {
    for (const w of this.staged.splice(0)) await w.abort();
  }
}

/**
 * Write through `writer` with `body`, then close it — or, when `body` throws, abort it (the file
 * keeps what it held). With `staged`, the file is finished and left to its commit() instead.
 */
export async function writeTable(writer: StagedWriter, body: () => Promise<void>, staged?: StagedOutputs): Promise<void> {
  if (staged !== undefined) return staged.write(writer, body);
  try {
    await body();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.close();
}

/** One rejected row, from either stage. */
export interface RejectedEntry {
  /** 'left' / 'right' for the two inputs of a link; undefined for a single input. */
  readonly input?: string;
  /** The file of a link's input (its path as given on the command line; `stdin`). */
  readonly file?: string;
  readonly rowNumber: number;
  /** First physical line; 0 when unknown. */
  readonly line: number;
  readonly stage: 'read' | 'prepare';
  readonly code: string;
  /** Names the problem (columns, fields), never a value. */
  readonly reason: string;
  readonly raw?: string;
  readonly rawTruncated?: boolean;
}

/** The columns of the rejected-rows file. */
export function rejectedColumns(withInput: boolean): string[] {
  const cols = ['row_number', 'line', 'stage', 'code', 'reason', 'raw', 'raw_truncated'];
  return withInput ? ['input', 'file', ...cols] : cols;
}

/**
 * Write the rejected-rows file (entries already in the order to write), in the format its name
 * says (CSV unless .ndjson / .jsonl; tab-delimited for .tsv / .tab). In NDJSON an unknown line
 * or raw text is null and raw_truncated a boolean. @returns rows written.
 */
export async function writeRejectedFile(path: string, entries: readonly RejectedEntry[], withInput: boolean, staged?: StagedOutputs): Promise<number> {
  const table = tableFormatFor('--rejected', path, undefined);
  try {
    const w = openTableWriter(path, rejectedColumns(withInput), table);
    const csv = table.format === 'csv';
    await writeTable(w, async () => {
      for (const e of entries) {
        const cells: unknown[] = csv
          ? [e.rowNumber, e.line === 0 ? '' : e.line, e.stage, e.code, e.reason, e.raw ?? '', e.rawTruncated === true ? 'true' : '']
          : [e.rowNumber, e.line === 0 ? null : e.line, e.stage, e.code, e.reason, e.raw ?? null, e.rawTruncated === true];
        if (withInput) cells.unshift(e.input ?? (csv ? '' : null), e.file ?? (csv ? '' : null));
        const p = w.writeRow(cells);
        if (p !== undefined) await p;
      }
    }, staged);
    return w.rowCount;
  } catch (e) {
    // The file the user did not name (the default <out>.rejected.csv) must be named here.
    throw new KhopError('IO_ERROR', `cannot write the rejected-rows file ${path} (give --rejected FILE)`, { cause: e });
  }
}

/**
 * The rejected rows of a run: to --rejected when given (always, even none), else to the default
 * path when there are any — or when a regular file is already there, an earlier run's: it is
 * replaced by this run's (none), so the file beside the output never describes another run.
 * @returns the path written, or undefined when nothing was.
 */
export async function writeRejectedRows(option: string | undefined, entries: readonly RejectedEntry[], withInput: boolean, defaultPath: () => string, staged?: StagedOutputs): Promise<string | undefined> {
  let path = option;
  if (path === undefined) {
    const d = defaultPath();
    if (entries.length > 0 || (await stat(d).catch(() => null))?.isFile() === true) path = d; // a link to a file too
  }
  if (path !== undefined) await writeRejectedFile(path, entries, withInput, staged);
  return path;
}

/** The summary line naming the rejected-rows file written (none when nothing was). */
export function rejectedLine(path: string | undefined, rows: number): string[] {
  if (path === undefined) return [];
  return [rows > 0 ? `  rejected rows written to ${path}` : `  no rejected rows (${path} written with none)`];
}

/** Write a report file (IO_ERROR KhopError naming the path on failure); staged: see writeTable. */
export async function writeReportFile(path: string, html: string, staged?: StagedOutputs): Promise<void> {
  try {
    await writeTextFile(path, html, staged);
  } catch (e) {
    throw new KhopError('IO_ERROR', `cannot write the report ${path}`, { cause: e });
  }
}

/** Write a whole text file as the table writers do: to a temporary name, renamed over `path` when complete (staged: see writeTable). */
export async function writeTextFile(path: string, text: string, staged?: StagedOutputs): Promise<void> {
  const sink = new TextSink(path);
  await writeTable(sink, async () => {
    const p = sink.write(text);
    if (p !== undefined) await p;
  }, staged);
}

/**
 * Where rejected rows go without --rejected: next to the main output (`<out>.rejected.csv`), or
 * — output on stdout — in the working directory, named after the input (`<input>.rejected.csv`).
 * An input that is a descriptor or a device has no name of its own (a shell's process
 * substitution passes /dev/fd/63): standard input's (/dev/stdin, /dev/fd/0) is `stdin`, any
 * other `input` — not `63.rejected.csv`.
 */
export function defaultRejectedPath(out: string | undefined, input: string, resolvePath: (p: string) => string): string {
  // An output that is a descriptor or a device (-o /dev/stdout, a link to /proc/self/fd/1, /dev/null):
  // the working directory, as for stdout.
  const device = out !== undefined && isDeviceName(out);
  if (out !== undefined && !device) return `${out}.rejected.csv`;
  const name = input === STDIN_ARGUMENT || STDIN_PATH.test(input) ? STDIN_LABEL : isDeviceName(input) ? DEVICE_INPUT_LABEL : basename(input);
  return resolvePath(`${name}.rejected.csv`);
}

/** A descriptor or a device: /dev/…, /proc/… (as resolved), or what isDescriptorPath knows. */
function isDeviceName(path: string): boolean {
  return isDescriptorPath(path) || /^\/(?:dev|proc)(?:\/|$)/.test(resolve(path));
}

/** Standard input named as a path. */
const STDIN_PATH = /^\/(?:dev\/stdin|dev\/fd\/0|proc\/self\/fd\/0)$/;
/** The name of a default output after an input that is another descriptor or device. */
const DEVICE_INPUT_LABEL = 'input';
