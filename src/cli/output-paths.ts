/**
 * The output files of a command, checked before any work: a long run must not end in "no such
 * directory", nor write over one of its own inputs (`khop register build in.csv -o in.csv`
 * replaced the CSV with the snapshot), nor write two outputs to one file.
 *
 *   outputs  the values of OUTPUT_OPTIONS (-o/--out, --pairs, --report, --rejected, --save-model)
 *   inputs   the positional arguments that are files, and INPUT_OPTIONS (--register, --schema,
 *            --model, --rules)
 * Refused (usage error, exit 2): an output that is the same file as an input (same device and
 * inode: symlinks and other spellings of the path included) or as another output; an output
 * that is a directory; an output whose directory does not exist or that the process may not
 * write — the default rejected-rows file included, although it is written only when rows are
 * rejected (a run in a read-only working directory with `-o -` names one with --rejected).
 * Special files (/dev/stdout, a pipe) stay allowed as outputs. An output named as a compressed
 * file (.gz, .zst, .bz2, .xz, .zip …) is refused: khop writes none (output-format.ts).
 */
import { access, readlink, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { KhopError } from '../errors.js';
import type { OptionValues } from './command.js';
import { compressionExtension, tableFormatFor } from './output-format.js';

const OUTPUT_OPTIONS = ['out', 'pairs', 'report', 'rejected', 'save-model'] as const;
const INPUT_OPTIONS = ['register', 'schema', 'model', 'rules'] as const;

interface Found {
  readonly label: string;
  readonly path: string;
  readonly id: string | null;
}

/** Where a path that does not exist will be created: the end of its chain of dangling links, or the path itself. */
async function linkTarget(path: string): Promise<string> {
  let at = path;
  for (let hop = 0; hop < 40; hop++) {
    try {
      const next = await readlink(at);
      at = isAbsolute(next) ? next : resolve(dirname(at), next);
    } catch {
      return at; // not a link (or nothing there): created here
    }
  }
  return at;
}

/** The longest file name (one path component) Linux and most file systems take, in bytes. */
const MAX_NAME_BYTES = 255;

/** Whether the last component of `path` is too long a name to create (ENAMETOOLONG after the work). */
function nameTooLong(path: string): boolean {
  return Buffer.byteLength(basename(path), 'utf8') > MAX_NAME_BYTES;
}

/** True when the process may write `path` (a file, or a directory to create a file in). */
async function writable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** dev:ino of an existing path (symlinks followed), or null when there is none. */
async function fileId(path: string): Promise<{ id: string; directory: boolean } | null> {
  try {
    const s = await stat(path);
    return { id: `${s.dev}:${s.ino}`, directory: s.isDirectory() };
  } catch {
    return null;
  }
}

/** Why an output path cannot be written, in a form each caller words for its option. */
type OutputProblem = { kind: 'long' } | { kind: 'directory' } | { kind: 'no-directory'; dir: string } | { kind: 'not-writable'; what: string };

/**
 * What stops the process writing `path` (null: nothing), and the dev:ino of the file there (null
 * for a new file): a name too long to create, a directory, a new file — or a dangling link,
 * whose target is where the file will be created — in a missing directory, or a file (or, for a
 * new one, its directory) the process may not write.
 */
async function outputProblem(path: string): Promise<{ problem: OutputProblem | null; id: string | null }> {
  if (nameTooLong(path)) return { problem: { kind: 'long' }, id: null };
  const f = await fileId(path);
  if (f?.directory === true) return { problem: { kind: 'directory' }, id: null };
  const created = f === null ? await linkTarget(path) : path;
  if (f === null && (await fileId(dirname(created)))?.directory !== true) return { problem: { kind: 'no-directory', dir: dirname(created) }, id: null };
  if (!(await writable(f === null ? dirname(created) : path))) return { problem: { kind: 'not-writable', what: f === null ? `the directory ${dirname(created)}` : 'the file' }, id: null };
  return { problem: null, id: f?.id ?? null };
}

/**
 * Check the output paths of a command (see the file header).
 * @throws KhopError INVALID_ARGUMENT naming the options (and paths: the user's own arguments).
 */
export async function checkOutputPaths(
  values: OptionValues,
  positionals: readonly string[],
  resolvePath: (p: string) => string,
  /** The rejected-rows file written without --rejected (CliCommand.defaultRejected), checked alike. */
  defaultRejected?: string,
): Promise<void> {
  const outputs: Found[] = [];
  for (const name of OUTPUT_OPTIONS) {
    const v = values[name];
    // `-` is standard output for -o / --out only (outputPath); elsewhere it would be a file named "-".
    if (v === '-' && name !== 'out') throw new KhopError('INVALID_ARGUMENT', `--${name} -: only -o / --out writes to standard output; give a file`);
    if (typeof v !== 'string' || v === '' || v === '-') continue;
    // khop writes no compressed file: `-o out.csv.gz` held plain CSV (output-format.ts).
    const compressed = compressionExtension(v);
    if (compressed !== null) throw new KhopError('INVALID_ARGUMENT', `--${name} ${v}: khop writes no compressed files (it would be uncompressed data named ${compressed}); give a name without ${compressed} and compress the file afterwards`);
    // A rejected-rows file is a table whatever the command: a name it cannot be written as (.parquet) is refused here.
    if (name === 'rejected') tableFormatFor('--rejected', v, undefined);
    const { problem, id } = await outputProblem(resolvePath(v));
    if (problem !== null) {
      const why =
        problem.kind === 'long' ? `: the file name is longer than ${MAX_NAME_BYTES} bytes`
        : problem.kind === 'directory' ? ` ${v}: is a directory, not a file`
        : problem.kind === 'no-directory' ? ` ${v}: the directory ${problem.dir} does not exist`
        : ` ${v}: ${problem.what} is not writable`;
      throw new KhopError('INVALID_ARGUMENT', `--${name}${why}`);
    }
    outputs.push({ label: `--${name}`, path: v, id });
  }
  if (defaultRejected !== undefined && typeof values['rejected'] !== 'string') {
    // Written only when rows are rejected (or one is already there) — but a run must not do all
    // its work and then fail on it: checked as an output is. (`<out>.rejected.csv` is 13 bytes
    // longer than the output's own name.)
    const { problem, id } = await outputProblem(defaultRejected);
    if (problem !== null) {
      const why =
        problem.kind === 'long' ? `would have a name longer than ${MAX_NAME_BYTES} bytes`
        : problem.kind === 'directory' ? 'is a directory'
        : problem.kind === 'no-directory' ? `would be written in ${problem.dir}, which does not exist`
        : `(written when rows are rejected) could not be written: ${problem.what} is not writable`;
      throw new KhopError('INVALID_ARGUMENT', `the rejected-rows file ${defaultRejected} ${why}; give --rejected FILE`);
    }
    outputs.push({ label: 'the default rejected-rows file', path: defaultRejected, id });
  }
  if (outputs.length === 0) return;
  const inputs: Found[] = [];
  for (const p of positionals) {
    const f = await fileId(resolvePath(p));
    if (f !== null && !f.directory) inputs.push({ label: 'input', path: p, id: f.id });
  }
  for (const name of INPUT_OPTIONS) {
    const v = values[name];
    if (typeof v !== 'string') continue;
    const f = await fileId(resolvePath(v));
    if (f !== null && !f.directory) inputs.push({ label: `--${name}`, path: v, id: f.id });
  }
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    const same = inputs.find((x) => o.id !== null && x.id === o.id);
    if (same !== undefined) throw new KhopError('INVALID_ARGUMENT', `${o.label} ${o.path} is the ${same.label === 'input' ? 'input file' : `${same.label} file`} ${same.path}: it would be written over; choose another output file`);
    const dup = outputs.slice(0, i).find((x) => (o.id !== null && x.id === o.id) || resolvePath(x.path) === resolvePath(o.path));
    if (dup !== undefined) throw new KhopError('INVALID_ARGUMENT', `${o.label} and ${dup.label} name the same file ${o.path}`);
  }
}
