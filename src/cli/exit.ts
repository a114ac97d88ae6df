/**
 * Exit codes of `khop` and the one-line error message a failure turns into.
 *
 *   0  success
 *   1  finished, but some input rows were rejected (they are in the rejected-rows file)
 *   2  usage or configuration error: unknown command or option, bad option value, bad schema,
 *      unknown column in --map, unreadable or malformed input file — nothing was produced
 *   3  unexpected failure (a bug, or an exhausted resource: a full disk, no memory, too many
 *      open files — EXHAUSTED_CODES, whatever error carried it): the run did not finish
 *   129 SIGHUP (the terminal or SSH session closed), 130 SIGINT (Ctrl-C), 131 SIGQUIT (Ctrl-\),
 *   143 SIGTERM (a service manager's stop): the run was interrupted — 128 + the signal's
 *      number, as a shell reports a process the signal killed; the outputs being written were
 *      removed, the previous ones kept (main.ts, INTERRUPT_SIGNALS)
 *   141 the reader of an output closed it early (`khop dedupe in.csv -o - | head`): nothing
 *      more is printed — 128 + SIGPIPE, the code every Unix tool ends with when its pipe
 *      closes, so `set -o pipefail` still sees the run did not finish
 *
 * Trade-off: an error is ONE line on stderr (`khop: error: …`), never a stack trace, unless
 * --debug asks for the stack and the cause chain. KhopError messages carry no record values
 * (only field, column and option names, row numbers and paths). Any other error's message is
 * NOT printed without --debug: a foreign message (a JSON parser quoting its input, a library
 * echoing a value) could carry personal data — only its class and system code are shown.
 */
import { isKhopError, type KhopErrorCode } from '../errors.js';
import { printable } from './terminal-text.js';

export const EXIT_OK = 0;
export const EXIT_REJECTED_ROWS = 1;
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 3;
export const EXIT_BROKEN_PIPE = 141;

/** The signals that interrupt a run, each with its exit code (128 + the signal's number). */
export const INTERRUPT_SIGNALS: ReadonlyArray<readonly [NodeJS.Signals, number]> = [
  ['SIGHUP', 129],
  ['SIGINT', 130],
  ['SIGQUIT', 131],
  ['SIGTERM', 143],
];

/** KhopError codes that mean "the run could not start or finish because of what it was given". */
const USAGE_CODES: ReadonlySet<KhopErrorCode> = new Set<KhopErrorCode>([
  'INVALID_OPTION',
  'INVALID_SCHEMA',
  'INVALID_ARGUMENT',
  'UNSUPPORTED_COUNTRY',
  'INVALID_INPUT',
  'INVALID_DATE',
  'INVALID_ID',
  'INVALID_ROW',
  'IO_ERROR',
  'SNAPSHOT_CORRUPT',
  'SNAPSHOT_VERSION',
  'SNAPSHOT_FOREIGN',
  'SNAPSHOT_TRUNCATED',
]);

/**
 * System codes of an exhausted resource — a full disk or quota, no memory, too many open files:
 * the run did not finish for want of something, not because of what it was given (exit 3, even
 * when the failure surfaced as an IO_ERROR writing an output).
 */
const EXHAUSTED_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'ENOMEM', 'EMFILE', 'ENFILE', 'EFBIG']);

/** The exit code a thrown error maps to. */
export function exitCodeFor(error: unknown): number {
  if (isBrokenPipe(error)) return EXIT_BROKEN_PIPE;
  const system = systemCode(error);
  if (system !== null && EXHAUSTED_CODES.has(system)) return EXIT_FAILURE;
  return isKhopError(error) && USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
}

/** A system error code (ENOENT, EACCES…) anywhere in the cause chain, or null. */
function systemCode(error: unknown): string | null {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Whether the run stopped because the reader of an output went away (EPIPE: `| head` read
 * what it wanted and closed the pipe). Not a failure to report: the reader asked for no more.
 */
export function isBrokenPipe(error: unknown): boolean {
  return systemCode(error) === 'EPIPE';
}

/**
 * Collapse a message to one line, its other control characters escaped: a message may quote a
 * column name from the input's header, which may hold ESC or a line break (terminal-text.ts).
 */
function oneLine(s: string): string {
  return printable(s.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/**
 * The text printed for a failure: one line without --debug; with --debug, the line followed by
 * the stack and the cause chain.
 */
export function errorText(error: unknown, debug: boolean): string {
  let line: string;
  if (isKhopError(error)) {
    const sys = systemCode(error);
    line = `khop: error: ${oneLine(error.message)}${sys !== null && !error.message.includes(sys) ? ` (${sys})` : ''}`;
  } else {
    const name = error instanceof Error ? error.name : typeof error;
    const sys = systemCode(error);
    line = debug
      ? `khop: error: ${oneLine(error instanceof Error ? error.message : String(error))}`
      : `khop: error: unexpected ${name}${sys === null ? '' : ` (${sys})`}; run again with --debug for details`;
  }
  if (!debug) return `${line}\n`;
  let out = `${line}\n`;
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const text = e.stack ?? `${e.name}: ${e.message}`;
    out += `${depth === 0 ? '' : 'caused by: '}${text.split('\n').map(printable).join('\n')}\n`;
    e = e.cause;
  }
  return out;
}
