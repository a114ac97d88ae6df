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

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n >= 2 ** 30) return (n / 2 ** 30).toFixed(2) + ' GiB';
  if (n >= 2 ** 20) return (n / 2 ** 20).toFixed(1) + ' MiB';
  if (n >= 2 ** 10) return (n / 2 ** 10).toFixed(1) + ' KiB';
  return n.toFixed(0) + ' B';
}

/** A markdown table from a header and rows of cells. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Replace (or append) the section NAME of BENCHMARKS.md. */
export function writeBenchmarkSection(name: string, title: string, command: string, body: string): void {
  const begin = `<!-- begin:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const section = `${begin}\n## ${title}\n\nCommand: \`${command}\` · ${date} · ${machineLine()}\n\n${body.trim()}\n${end}`;
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

/** Minimal `--flag value` / `--flag` argument parser for bench scripts. */
export function parseArgs(argv: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = Object.create(null);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out[a.slice(2)] = argv[++i]!;
    else out[a.slice(2)] = true;
  }
  return out;
}

/** Parse "1M", "10m", "100000", "2k" into a number. */
export function parseCount(s: string | true | undefined, fallback: number): number {
  if (s === undefined || s === true) return fallback;
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`not a count: ${s}`);
  const mult = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6;
  return Math.round(Number(m[1]) * mult);
}
