/**
 * The shape of a `khop` sub-command and of the context it runs in.
 *
 *   runCli(argv, io) ─► find command ─► parse its options (args.ts) ─► command.run(parsed, ctx)
 *                                                                        │
 *        ctx.io.stdout ◄── data (tables, CSV to stdout)                  │
 *        ctx.io.stderr ◄── progress, mapping, summary, one-line errors ◄─┘
 *
 * Trade-off: every command writes through the injected `CliIo` writers and reads paths relative
 * to `io.cwd`, never through `process.*` directly, so the whole command line runs in-process in
 * tests (fast, no child process) exactly as it runs from a terminal.
 */
import type { ParseArgsConfig } from 'node:util';
import type { ProgressReporter } from '../io/progress.js';

/** A text destination: process.stdout / process.stderr, or a collecting fake in tests. */
export interface CliWriter {
  write(text: string): unknown;
  /** True for a terminal (enables the live progress line). */
  readonly isTTY?: boolean;
}

/** Where the command line writes and which directory relative paths start from. */
export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
  /** Base of relative paths. Default `process.cwd()`. */
  readonly cwd?: string;
  /** What an input argument `-` reads (process.stdin, through standardInput: input.ts); without it `-` is a usage error. */
  readonly stdin?: AsyncIterable<Uint8Array>;
  /**
   * The descriptor behind `stdin` (0 in main.ts): when it is a pipe, an input path naming that
   * same pipe (/dev/stdin beside -) is refused as a second reader of it. Without it: not checked.
   */
  readonly stdinFd?: number;
}

/** Options as `util.parseArgs` returns them. */
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** The context a command runs in. */
export interface CommandContext {
  readonly io: CliIo;
  /** Resolve a user path against `io.cwd`. */
  resolvePath(path: string): string;
  /** Informational line on stderr (silenced by --quiet). */
  info(line: string): void;
  /** A warning line on stderr: printed with --quiet too (a result that needs a second look). */
  warn(line: string): void;
  /** Progress callback on stderr (a no-op reporter with --quiet). */
  readonly progress: ProgressReporter;
  readonly quiet: boolean;
  readonly debug: boolean;
}

/** One sub-command. */
export interface CliCommand {
  /** Name as typed (`register build` is one command with a two-word name). */
  readonly name: string;
  /** One line for `khop --help`. */
  readonly summary: string;
  /** The full `--help` text (usage, options, an example). */
  readonly help: string;
  /** Options in `util.parseArgs` form (the common ones, --help / --quiet / --debug, are added). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Accepted positional arguments: at least `min`, at most `max`, described by `names`. */
  readonly positionals: { readonly min: number; readonly max: number; readonly names: string };
  /** Run; resolves with the exit code (0 or 1) or throws (mapped to an exit code by exit.ts). */
  run(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number>;
  /**
   * The rejected-rows file the command writes when rows are rejected and --rejected is not given
   * (checked with the outputs before any work: it must not be an input or another output).
   */
  defaultRejected?(values: OptionValues, positionals: readonly string[], ctx: CommandContext): string;
}
