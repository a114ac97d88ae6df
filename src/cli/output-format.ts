/**
 * The format of a table the command line writes (-o, --pairs, --rejected), from its file name
 * first — as the readers choose an input's (io/record-reader.ts formatFromFileName) — so that
 * khop reads back what it wrote, and a file named `.ndjson` holds NDJSON:
 *
 *   extension (any case)        written as
 *   .ndjson .jsonl .ldjson      NDJSON
 *   .csv .txt                   CSV (comma)
 *   .tsv .tab                   CSV with a tab delimiter (the readers read these names so: a
 *                               comma CSV named .tsv read back as one column)
 *   anything else, or stdout    --format (default csv); the rejected-rows file: CSV
 *   .parquet .parq .pq          refused: khop writes no Parquet
 *   .json                       refused without --format: khop writes NDJSON (one object a
 *                               line), not one JSON document — a JSON reader would fail on it
 *   .gz .zst .bz2 .xz .zip …    refused for EVERY output (checkOutputPaths): khop writes no
 *                               compressed file
 *
 * Decision: an explicit --format that a known extension contradicts (`--format csv -o x.ndjson`)
 * is a usage error (exit 2, before any work) rather than a note: a note on stderr is lost in a
 * pipeline's log, and the file would be misread by whatever reads it by its name (khop included);
 * fixing the command costs one word. The rejected-rows file follows its own name only, never
 * --format (it has its own columns; the default `<out>.rejected.csv` stays CSV).
 * Decision: gzip output is not written although the readers read gzip: the report, the model
 * and a register snapshot could not be compressed alike (a snapshot is read by positions), and
 * one refusal for every output beats a rule with exceptions.
 */
import { basename } from 'node:path';
import { KhopError } from '../errors.js';
import { formatFromFileName } from '../io/record-reader.js';
import type { OutputFormat } from './args.js';

/** How a table file is written: its format, and for CSV its delimiter. */
export interface TableFormat {
  readonly format: OutputFormat;
  /** ',' or '\t' (a .tsv / .tab name); ',' for NDJSON, where it is unused. */
  readonly delimiter: ',' | '\t';
}

/** Compression formats' extensions (lower case): khop writes none of them. */
const COMPRESSION_EXTENSIONS: ReadonlySet<string> = new Set(['gz', 'gzip', 'tgz', 'z', 'zst', 'zstd', 'bz2', 'bzip2', 'xz', 'lzma', 'lz4', 'lz', 'br', 'zip', '7z']);

/** The extension of the file name in `path`, lower-cased and without its dot, or null. */
function extensionOf(path: string): string | null {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? null : name.slice(dot + 1).toLowerCase();
}

/** The compression extension `path` ends in, with its dot and as written (`.GZ` stays `.GZ`), or null. */
export function compressionExtension(path: string): string | null {
  const ext = extensionOf(path);
  if (ext === null || !COMPRESSION_EXTENSIONS.has(ext)) return null;
  const name = basename(path);
  return name.slice(name.length - ext.length - 1);
}

/**
 * The format of the table written to `path` (undefined or `-`: standard output) — see the file
 * header. `label` names the option in errors (`--out`, `--pairs`, `--rejected`).
 * @param given --format when given (undefined: not given; never passed for --rejected)
 * @param fallback the format when neither the name nor --format says one
 * @throws KhopError INVALID_ARGUMENT for a Parquet name, or a --format the name contradicts
 */
export function tableFormatFor(label: string, path: string | undefined, given: OutputFormat | undefined, fallback: OutputFormat = 'csv'): TableFormat {
  const named = path === undefined || path === '-' || compressionExtension(path) !== null ? null : formatFromFileName(path);
  if (named === null) {
    if (given === undefined && path !== undefined && extensionOf(path) === 'json') {
      throw new KhopError('INVALID_ARGUMENT', `${label} ${basename(path)}: khop writes NDJSON (one JSON object a line, which a JSON reader refuses as one document) or CSV; name the file .ndjson or .jsonl, or give --format ndjson to keep the name`);
    }
    return { format: given ?? fallback, delimiter: ',' };
  }
  const name = basename(path!);
  if (named.format === 'parquet') throw new KhopError('INVALID_ARGUMENT', `${label} ${name}: khop writes CSV or NDJSON, not Parquet; name the file .csv or .ndjson`);
  if (given !== undefined && given !== named.format) {
    throw new KhopError('INVALID_ARGUMENT', `${label} ${name}: the name says ${named.format === 'ndjson' ? 'NDJSON' : 'CSV'}, --format says ${given}; drop --format (the name decides) or rename the file`);
  }
  return { format: named.format, delimiter: named.delimiter ?? ',' };
}

/**
 * What kind of table file `path`'s name says it is (`CSV`, `NDJSON`, `JSON`, `Parquet`), or
 * null — for the outputs that are not tables (a register snapshot), where such a name is a slip.
 */
export function tableLikeExtension(path: string): string | null {
  const ext = extensionOf(path);
  if (ext === 'json') return 'JSON';
  const named = compressionExtension(path) !== null ? null : formatFromFileName(path);
  if (named === null) return null;
  return named.format === 'csv' ? 'CSV' : named.format === 'ndjson' ? 'NDJSON' : 'Parquet';
}

/** The --format lines of a command's help; `tables` names the options it applies to. */
export function formatHelp(tables: string): string {
  return `      --format FMT      csv (default) or ndjson, for ${tables} written to standard output or
                        to a name that does not say: .ndjson / .jsonl are NDJSON, .csv CSV,
                        .tsv tab-separated (--rejected: by its name only, else CSV); a name
                        and --format that disagree are refused, and so is a compressed name
                        (.gz, .zst, .bz2, .xz, .zip): khop writes no compressed file; a .json
                        name needs --format ndjson (NDJSON is not one JSON document)`;
}
