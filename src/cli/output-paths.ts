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
 * Special files (/dev/stdout, a pipe) stay allowed as outputs.
 */
import { access, readlink, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { KhopError } from '../errors.js';
import type { OptionValues } from './command.js';

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
    const path = resolvePath(v);
    if (nameTooLong(path)) throw new KhopError('INVALID_ARGUMENT', `--${name}: the file name is longer than ${MAX_NAME_BYTES} bytes`);
    const f = await fileId(path);
    if (f?.directory === true) throw new KhopError('INVALID_ARGUMENT', `--${name} ${v}: is a directory, not a file`);
    // A new file — or a dangling link, whose target is where the file will be created.
    const created = f === null ? await linkTarget(path) : path;
    if (f === null) {
      const dir = await fileId(dirname(created));
      if (dir === null || !dir.directory) throw new KhopError('INVALID_ARGUMENT', `--${name} ${v}: the directory ${dirname(created)} does not exist`);
    }
    // Writable: the file itself, or (a new file) its directory — refused now, not after the work.
    if (!(await writable(f === null ? dirname(created) : path))) throw new KhopError('INVALID_ARGUMENT', `--${name} ${v}: ${f === null ? `the directory ${dirname(created)}` : 'the file'} is not writable`);
    outputs.push({ label: `--${name}`, path: v, id: f?.id ?? null });
  }
  if (defaultRejected !== undefined && typeof values['rejected'] !== 'string') {
    // `<out>.rejected.csv` is 13 bytes longer than the output's own name.
    if (nameTooLong(defaultRejected)) throw new KhopError('INVALID_ARGUMENT', `the rejected-rows file ${defaultRejected} would have a name longer than ${MAX_NAME_BYTES} bytes; give --rejected FILE`);
    const f = await fileId(defaultRejected);
    if (f?.directory === true) throw new KhopError('INVALID_ARGUMENT', `the rejected-rows file ${defaultRejected} is a directory; give --rejected FILE`);
    // Written only when rows are rejected (or one is already there) — but a run must not do all
    // its work and then fail on it: a file or directory the process may not write is refused now.
    const created = f === null ? await linkTarget(defaultRejected) : defaultRejected;
    if (f === null && (await fileId(dirname(created)))?.directory !== true) throw new KhopError('INVALID_ARGUMENT', `the rejected-rows file ${defaultRejected} would be written in ${dirname(created)}, which does not exist; give --rejected FILE`);
    if (!(await writable(f === null ? dirname(created) : defaultRejected))) {
      throw new KhopError('INVALID_ARGUMENT', `the rejected-rows file ${defaultRejected} (written when rows are rejected) could not be written: ${f === null ? `the directory ${dirname(created)}` : 'the file'} is not writable; give --rejected FILE`);
    }
    outputs.push({ label: 'the default rejected-rows file', path: defaultRejected, id: f?.id ?? null });
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
