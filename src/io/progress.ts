/**
 * Progress reporting: the `ProgressEvent` every long-running khop call emits through its
 * `onProgress` option, and a reporter that renders those events on a terminal or a log.
 *
 *   TTY      one line rewritten in place ("\r" + erase-line), at most `maxUpdatesPerSecond`
 *            (default 10) redraws per second; a phase's final event ends its line:
 *              read  12,345,678 / 98,765,432 bytes  (12.5%)  11.8 MiB/s  ETA 7.0 s
 *   not TTY  (a log file, CI) one line per phase, written when the phase ends (an event with
 *            `final: true`, a different phase arriving, or `reporter.end()`):
 *              read: 98,765,432 bytes in 8.4 s (11.2 MiB/s)
 *   quiet    nothing.
 *
 * Trade-off: the reporter keeps only the numbers of the current phase; it never prints anything
 * but the event's phase name and numbers, so no record value can reach the terminal through it.
 * Time comes from an injectable clock (`now`), so tests run without waiting.
 */
import { KhopError } from '../errors.js';
import { checkOptionKeys } from '../util/option-keys.js';

/**
 * Units a progress count can be in: every unit any `onProgress` option of the API reports
 * (dedupe/link also count blocking rules), so a {@link ProgressReporter} fits each of them.
 */
export type ProgressUnit = 'rows' | 'pairs' | 'rules' | 'claims' | 'keys' | 'bytes';

/** One progress observation. `done` counts from 0 at the start of the phase. */
export interface ProgressEvent {
  /** Short phase name ("read", "index", "score"…); a new name starts a new phase. */
  phase: string;
  /** Units done so far in this phase. */
  done: number;
  /** Units the phase will do in all, when known (enables percentage and ETA). */
  total?: number;
  unit: ProgressUnit;
  /** True on the phase's last event. */
  final?: boolean;
}

/** A text stream the reporter writes to (process.stderr, or a fake in tests). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporterOptions {
  /** Where to write. Default `process.stderr`. */
  stream?: ProgressStream;
  /** Print nothing at all. Default false. */
  quiet?: boolean;
  /** Render as a live terminal line. Default `stream.isTTY === true`. */
  tty?: boolean;
  /** Redraw limit for the live line, per second (> 0). Default {@link DEFAULT_MAX_UPDATES_PER_SECOND}. */
  maxUpdatesPerSecond?: number;
  /** Clock in milliseconds. Default `performance.now`. For tests. */
  now?: () => number;
}

export const DEFAULT_MAX_UPDATES_PER_SECOND = 10;

/** The keys of ProgressReporterOptions: another key is a misspelt option, refused (option-keys.ts). */
const PROGRESS_REPORTER_OPTION_KEYS: ReadonlySet<string> = new Set(['stream', 'quiet', 'tty', 'maxUpdatesPerSecond', 'now']);

/** A progress callback plus `end()`, which closes the open phase (prints its line). */
export interface ProgressReporter {
  (event: ProgressEvent): void;
  /** Finish the current phase as if its final event had arrived. Idempotent. */
  end(): void;
}

/**
 * Create a progress callback for `onProgress` options.
 * @example
 *   const progress = createProgressReporter();
 *   for await (const item of await openRecords(path, { onProgress: progress })) { … }
 *   progress.end();
 */
export function createProgressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  if (options === null || typeof options !== 'object' || options instanceof Map) {
    throw new KhopError('INVALID_OPTION', 'createProgressReporter: options must be an object of options', { details: { problems: ['options is not an object of options'] } });
  }
  checkOptionKeys('createProgressReporter', options, PROGRESS_REPORTER_OPTION_KEYS);
  const problems: string[] = [];
  const stream: ProgressStream = options.stream ?? process.stderr;
  if (typeof stream !== 'object' || stream === null || typeof stream.write !== 'function') {
    problems.push('stream: expected an object with a write(text) method');
  }
  const quiet = options.quiet ?? false;
  if (typeof quiet !== 'boolean') problems.push('quiet: expected a boolean');
  const maxUps = options.maxUpdatesPerSecond ?? DEFAULT_MAX_UPDATES_PER_SECOND;
  if (typeof maxUps !== 'number' || !(maxUps > 0)) problems.push('maxUpdatesPerSecond: expected a number > 0');
  const now = options.now ?? (() => performance.now());
  if (typeof now !== 'function') problems.push('now: expected a function');
  if (options.tty !== undefined && typeof options.tty !== 'boolean') problems.push('tty: expected a boolean');
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid progress reporter options: ${problems.join('; ')}`, { details: { problems } });
  }
  const tty = options.tty ?? stream.isTTY === true;
  const minInterval = 1000 / maxUps;

  // State of the open phase (null phase = none open).
  let phase: string | null = null;
  let unit: ProgressUnit = 'rows';
  let startedAt = 0;
  let lastDrawAt = -Infinity;
  let done = 0;
  let total: number | undefined;

  const closePhase = (at: number): void => {
    if (phase === null) return;
    if (tty) {
      stream.write(`\r\x1b[2K${liveLine(phase, done, total, unit, at - startedAt)}\n`);
    } else {
      stream.write(`${summaryLine(phase, done, unit, at - startedAt)}\n`);
    }
    phase = null;
  };

  const reporter = ((event: ProgressEvent): void => {
    if (quiet) return;
    if (typeof event !== 'object' || event === null || typeof event.phase !== 'string' || !Number.isFinite(event.done)) {
      throw new KhopError('INVALID_ARGUMENT', 'progress event must be { phase: string, done: number, unit, total?, final? }');
    }
    const t = now();
    if (event.phase !== phase) {
      closePhase(t);
      phase = event.phase;
      startedAt = t;
      lastDrawAt = -Infinity;
    }
    unit = event.unit;
    done = event.done;
    total = event.total;
    if (event.final === true) {
      closePhase(t);
      return;
    }
    if (tty && t - lastDrawAt >= minInterval) {
      lastDrawAt = t;
      stream.write(`\r\x1b[2K${liveLine(phase, done, total, unit, t - startedAt)}`);
    }
  }) as ProgressReporter;
  reporter.end = (): void => {
    if (quiet) return;
    closePhase(now());
  };
  return reporter;
}

/** "read  1,234 / 5,678 rows  (21.7%)  1,000 rows/s  ETA 4.4 s" */
function liveLine(phase: string, done: number, total: number | undefined, unit: ProgressUnit, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  let s = `${phase}  ${formatCount(done, unit)}`;
  if (total !== undefined && total > 0) {
    s += ` / ${formatCount(total, unit)} ${unit}  (${((100 * done) / total).toFixed(1)}%)`;
  } else {
    s += ` ${unit}`;
  }
  if (rate > 0) {
    s += `  ${formatRate(rate, unit)}`;
    if (total !== undefined && total > done) s += `  ETA ${formatDuration(((total - done) / rate) * 1000)}`;
  }
  return s;
}

/** "read: 5,678 rows in 1.2 s (4,731 rows/s)" */
function summaryLine(phase: string, done: number, unit: ProgressUnit, elapsedMs: number): string {
  let s = `${phase}: ${formatCount(done, unit)} ${unit} in ${formatDuration(elapsedMs)}`;
  if (elapsedMs > 0 && done > 0) s += ` (${formatRate((done * 1000) / elapsedMs, unit)})`;
  return s;
}

function formatCount(n: number, _unit: ProgressUnit): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatRate(perSecond: number, unit: ProgressUnit): string {
  if (unit === 'bytes') return `${(perSecond / 1048576).toFixed(1)} MiB/s`;
  return `${Math.round(perSecond).toLocaleString('en-US')} ${unit}/s`;
}

/** 950 → "950 ms", 12_300 → "12.3 s", 754_000 → "12m34s", 7_384_000 → "2h03m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return `${m}m${String(sec).padStart(2, '0')}s`;
}
