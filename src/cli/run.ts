/**
 * runCli: the whole `khop` command line as a function — argv in, exit code out, text written
 * through the given writers. main.ts calls it for the process; tests and scripts call it
 * in-process.
 *
 *   khop [--help | --version]
 *   khop help [command]
 *   khop <command> [options] [files]        command: demo, dedupe, link, register build,
 *                                           authenticate, analyze-blocking, bench
 *
 * Trade-off: a failure becomes one `khop: error: …` line and an exit code (exit.ts) here, in one
 * place; commands simply throw. --quiet swaps the progress reporter for a silent one and drops
 * informational lines; warnings and errors always print.
 */
import { checkOutputPaths } from './output-paths.js';
import { isAbsolute, resolve } from 'node:path';
import { KhopError } from '../errors.js';
import { createProgressReporter } from '../io/progress.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand, CliIo, CommandContext } from './command.js';
import { errorText, exitCodeFor, EXIT_OK, EXIT_USAGE, isBrokenPipe } from './exit.js';
import { packageVersion } from './version.js';
import { printable } from './terminal-text.js';
import { demoCommand } from './demo.js';
import { dedupeCommand } from './dedupe.js';
import { linkCommand } from './link.js';
import { registerBuildCommand } from './register-build.js';
import { authenticateCommand } from './authenticate.js';
import { analyzeBlockingCommand } from './analyze-blocking.js';
import { benchCommand } from './bench.js';

/** Every command, in the order `khop --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  demoCommand,
  dedupeCommand,
  linkCommand,
  registerBuildCommand,
  authenticateCommand,
  analyzeBlockingCommand,
  benchCommand,
];

/** `khop --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `khop ${packageVersion()} — match person records at national scale: deduplicate, link and
authenticate against a population register.

Usage: khop <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help (khop <command> --help for a command's options)
  -v, --version   print the version

Exit codes: 0 done, 1 done with rejected rows, 2 usage or input error, 3 unexpected failure
or a full disk, 141 the reader of the output closed it early (\`khop … -o - | head\`; as SIGPIPE),
129 / 130 / 131 / 143 interrupted by SIGHUP / SIGINT / SIGQUIT / SIGTERM (partial outputs removed).

Examples:
  khop demo
  khop dedupe dan_cu.csv -o clusters.csv --report report.html
  khop register build dan_cu.csv -o dan_cu.khop && khop authenticate --register dan_cu.khop claims.csv -o verdicts.csv
`;
}

/** Find the command `argv` starts with (one or two words). */
function findCommand(argv: readonly string[]): { command: CliCommand; rest: string[] } | null {
  for (const c of COMMANDS) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) };
  }
  return null;
}

/**
 * Run the command line.
 * @param argv the arguments after `khop` (process.argv.slice(2))
 * @returns the exit code (see exit.ts)
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const debug = Array.isArray(argv) && argv.includes('--debug');
  try {
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new KhopError('INVALID_ARGUMENT', 'argv must be an array of strings');
    const first = argv[0];
    if (first === undefined || first === '--help' || first === '-h') {
      (first === undefined ? io.stderr : io.stdout).write(mainHelp());
      return first === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT_OK;
    }
    if (first === 'help') {
      const target = argv.length > 1 ? findCommand(argv.slice(1)) : null;
      if (argv.length > 1 && target === null) throw unknownCommand(argv.slice(1));
      io.stdout.write(target === null ? mainHelp() : target.command.help);
      return EXIT_OK;
    }
    // `khop register --help`: the group's one command's help (`khop register` alone stays an
    // unknown command that names it).
    if (first === 'register' && (argv[1] === '--help' || argv[1] === '-h')) {
      const target = findCommand(['register', 'build']);
      if (target !== null) {
        io.stdout.write(target.command.help);
        return EXIT_OK;
      }
    }
    const found = findCommand(argv);
    if (found === null) throw unknownCommand(argv);
    const { command, rest } = found;
    const parsed = parseCommandArgs(rest, command.options, command.positionals, command.name);
    if (parsed.values.help === true) {
      io.stdout.write(command.help);
      return EXIT_OK;
    }
    const quiet = parsed.values.quiet === true;
    const cwd = io.cwd ?? process.cwd();
    const ctx: CommandContext = {
      io,
      resolvePath: (p) => (isAbsolute(p) ? p : resolve(cwd, p)),
      // A line may carry a column name from the input's header: its control characters are
      // escaped, so that they cannot act on the terminal (terminal-text.ts).
      info: quiet ? () => undefined : (line) => void io.stderr.write(`${printable(line)}\n`),
      warn: (line) => void io.stderr.write(`${printable(line)}\n`),
      progress: createProgressReporter({ stream: io.stderr, quiet }),
      quiet,
      debug: parsed.values.debug === true,
    };
    // Outputs that would fail late, or write over an input, are refused before any work.
    await checkOutputPaths(parsed.values, parsed.positionals, ctx.resolvePath, command.defaultRejected?.(parsed.values, parsed.positionals, ctx));
    return await command.run(parsed.values, parsed.positionals, ctx);
  } catch (e) {
    if (!isBrokenPipe(e) || debug) io.stderr.write(errorText(e, debug));
    return exitCodeFor(e);
  }
}

function unknownCommand(argv: readonly string[]): KhopError {
  const word = argv[0] ?? '';
  const what = word.startsWith('-') ? `unknown option ${word}` : `unknown command "${word}"`;
  const hint = word === 'register' ? ' (did you mean "register build"?)' : '';
  return new KhopError('INVALID_ARGUMENT', `${what}${hint}; run khop --help for the list of commands`);
}
