/**
 * Benchmark reporting shared by every bench script: machine facts, peak RSS from the OS,
 * medians, and the writer of BENCHMARKS.md sections.
 *
 * BENCHMARKS.md is written by the scripts, not by hand: each script owns one section between
 * `<!-- begin:NAME -->` and `<!-- end:NAME -->` markers and replaces it with its latest
 * table, the command that reproduces it and the date.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_PATH = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/** Peak resident set size of this process in bytes (VmHWM), or NaN when /proc is absent. */
export function peakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function machineLine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Index of the value nearest the median (the lower one on a tie): the run to show as "the
 * median run" — with an even count the median averages two values and may match none.
 */
export function medianIndex(xs: readonly number[]): number {
  const m = median(xs);
  let best = -1;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(xs[i]! - m);
    if (best < 0 || d < Math.abs(xs[best]! - m) || (d === Math.abs(xs[best]! - m) && xs[i]! < xs[best]!)) best = i;
  }
  return best;
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(digits) + 'G';
  if (a >= 1e6) return (n / 1e6).toFixed(digits) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(digits) + 'k';
  if (a >= 100) return n.toFixed(0);
  return n.toFixed(digits);
}

/** A duration in milliseconds as seconds with the digits that matter: "0.15 s", "12.3 s", "604 s". */
export function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = ms / 1000;
  const a = Math.abs(s);
  return `${s.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2)} s`;
}

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 2 ** 30) return (n / 2 ** 30).toFixed(2) + ' GiB';
  if (n >= 2 ** 20) return (n / 2 ** 20).toFixed(1) + ' MiB';
  if (n >= 2 ** 10) return (n / 2 ** 10).toFixed(1) + ' KiB';
  return n.toFixed(0) + ' B';
}

/**
 * `npx tsx` with the Node flags this run had that change its figures — `--expose-gc` when
 * global.gc is there (the script then collects between phases: RSS deltas after GC, no
 * garbage carried into the next build) — for the command line of a BENCHMARKS.md section.
 */
export function tsxCommand(): string {
  return typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'npx tsx --expose-gc' : 'npx tsx';
}

/** A markdown table from a header and rows of cells. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replace (or append) the section NAME of BENCHMARKS.md. `env` is what the section's command
 * needs in front of it, `NAME=value` each: by default the environment variables this process
 * read through envCount (KHOP_BENCH_N, KHOP_BENCH_TIME, …) — only those the script used, never
 * one it ignores. A parent that writes a child's table passes the child's.
 */
export function writeBenchmarkSection(name: string, title: string, command: string, body: string, env: readonly string[] = envUsed()): void {
  const begin = `<!-- begin:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const shown = env.length === 0 ? command : `${env.join(' ')} ${command}`;
  const section = `${begin}\n## ${title}\n\nCommand: \`${shown}\` · ${date} · ${machineLine()}\n\n${body.trim()}\n${end}`;
  let text = existsSync(BENCHMARKS_PATH)
    ? readFileSync(BENCHMARKS_PATH, 'utf8')
    : '# khop benchmarks\n\nWritten by the benchmark scripts (each owns one section); do not edit by hand.\nThe machine is shared and noisy: figures are medians, and comparisons are ratios measured in the same run.\n';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + section + text.slice(j + end.length);
  else text = text.trimEnd() + '\n\n' + section + '\n';
  writeFileSync(BENCHMARKS_PATH, text);
}

/** A bad command line: one line on stderr naming the problem, then exit 2 before any work. */
export function usageError(message: string): never {
  console.error(`${message}; see --help`);
  process.exit(2);
}

/** What a script reads from its command line: each option's name and whether it takes a value. */
export type OptionSpec = Readonly<Record<string, 'value' | 'flag'>>;

export type ParsedArgs = Record<string, string | true>;

/**
 * The command line checked against the script's options, without side effects: `help` when
 * --help (or -h) is anywhere, else the options and positionals, else the first problem
 * (unknown option, a value missing or given to a flag, a positional beyond `maxPositionals`).
 */
export function checkArgs(
  argv: readonly string[],
  options: OptionSpec,
  maxPositionals = 0,
): { kind: 'help' } | { kind: 'error'; message: string } | { kind: 'ok'; args: ParsedArgs; positionals: string[] } {
  if (argv.some((a) => a === '--help' || a === '-h')) return { kind: 'help' };
  const args: ParsedArgs = Object.create(null);
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      if (positionals.length >= maxPositionals) return { kind: 'error', message: `unexpected argument '${a}'` };
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? a.slice(2, eq > 0 ? eq : undefined) : a;
    const kind = Object.hasOwn(options, name) ? options[name] : undefined;
    if (kind === undefined) return { kind: 'error', message: `unknown option '${eq > 0 ? a.slice(0, eq) : a}'` };
    if (kind === 'flag') {
      if (eq > 0) return { kind: 'error', message: `--${name} takes no value` };
      args[name] = true;
    } else if (eq > 0) {
      args[name] = a.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      args[name] = argv[++i]!;
    } else {
      return { kind: 'error', message: `--${name} needs a value` };
    }
  }
  return { kind: 'ok', args, positionals };
}

/**
 * The bench scripts' argument parser: `--name value`, `--name=value` and `--flag`, checked
 * against the script's options. --help prints `usage` and exits 0; anything else it does not
 * know exits 2 with one line — both before any work.
 */
export function parseArgs(argv: readonly string[], options: OptionSpec, usage: string): ParsedArgs {
  return parseArgsWithPositionals(argv, options, usage, 0).args;
}

/** parseArgs for a script that also takes up to `maxPositionals` positional arguments. */
export function parseArgsWithPositionals(argv: readonly string[], options: OptionSpec, usage: string, maxPositionals: number): { args: ParsedArgs; positionals: string[] } {
  const r = checkArgs(argv, options, maxPositionals);
  if (r.kind === 'help') {
    console.log(usage.trim());
    process.exit(0);
  }
  if (r.kind === 'error') usageError(r.message);
  return { args: r.args, positionals: r.positionals };
}

/** The count "1M", "10m", "100000", "2k", "1.5k" as a number, or null when it is not a whole count. */
export function countValue(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) return null;
  const mult = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6;
  const n = Number(m[1]) * mult;
  const r = Math.round(n);
  return Math.abs(n - r) < 1e-6 && Number.isSafeInteger(r) ? r : null;
}

/**
 * Parse the value of option `name` ("1M", "10m", "100000", "2k") into a whole number ≥ `min`;
 * `fallback` when the option is absent. Anything else exits 2 with one line — saying `why` the
 * minimum when given ("dedupe needs two records").
 */
export function parseCount(s: string | true | undefined, fallback: number, name = 'count', min = 1, why?: string): number {
  if (s === undefined) return fallback;
  const n = s === true ? null : countValue(s);
  if (n === null) usageError(`--${name} ${s === true ? '' : s}: not a count (a whole number such as 20000, 20k or 1M)`.replace(' :', ':'));
  if (n < min) usageError(`--${name} ${s}: must be at least ${min}${why === undefined ? '' : ` (${why})`}`);
  return n;
}

/** The environment variables envCount read in this process and their values (module state: one process, one command). */
const envRead = new Map<string, string>();

/** The environment variables this process read through envCount, as `NAME=value`, sorted. */
export function envUsed(): string[] {
  return [...envRead].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
}

/**
 * A count from the environment variable `name` (or the first of `aliases` that is set), checked
 * like parseCount; `fallback` when none is set. The variable read is remembered (envUsed) for
 * the command line of the BENCHMARKS.md section.
 */
export function envCount(name: string, fallback: number, aliases: readonly string[] = [], min = 1): number {
  const key = [name, ...aliases].find((k) => process.env[k] !== undefined && process.env[k] !== '');
  if (key === undefined) return fallback;
  const s = process.env[key]!;
  const n = countValue(s);
  if (n === null) usageError(`${key}=${s}: not a count (a whole number such as 20000, 20k or 1M)`);
  if (n < min) usageError(`${key}=${s}: must be at least ${min}`);
  envRead.set(key, s);
  return n;
}

/** The names in a comma-separated list, each one of `known`; anything else exits 2. */
export function parseNameList(s: string | true | undefined, name: string, known: readonly string[]): string[] | undefined {
  if (s === undefined) return undefined;
  const names = s === true ? [] : s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (names.length === 0) usageError(`--${name} needs a comma-separated list of: ${known.join(', ')}`);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) usageError(`--${name}: unknown name(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return names;
}
