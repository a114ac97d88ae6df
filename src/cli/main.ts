/**
 * The `khop` executable: the entry tsup bundles into dist/cli.js (with a `#!/usr/bin/env node`
 * banner). It runs the command line on this process's arguments and streams, and sets the
 * process exit code.
 *
 * Trade-off: `run` lives in run.ts so that the library (and tests) can import it without
 * starting a command; this file runs the command line only when it is the process's main
 * module (compared after resolving symlinks, since npm links `node_modules/.bin/khop` to it).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './run.js';
import { standardInput } from './input.js';
import { removeOpenTemporaryFiles } from '../io/text-sink.js';
import { EXIT_BROKEN_PIPE, INTERRUPT_SIGNALS, errorText, exitCodeFor, isBrokenPipe } from './exit.js';
import { KhopError } from '../errors.js';

export { runCli as run } from './run.js';
export type { CliIo, CliWriter } from './command.js';

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  // Interrupted (Ctrl-C, a service manager's stop, the terminal or SSH session closed, Ctrl-\):
  // the outputs being written are temporary files beside their paths (text-sink.ts) — remove
  // them, so an interrupted run leaves the previous outputs and no hidden partial copy of the
  // records; then end as the signal would: 128 + its number (SIGHUP 1, SIGINT 2, SIGQUIT 3,
  // SIGTERM 15: exit.ts), the code a shell reports for a process the signal killed. (A handled
  // SIGQUIT leaves no core dump, which would hold the records.)
  for (const [signal, code] of INTERRUPT_SIGNALS) {
    process.once(signal, () => {
      removeOpenTemporaryFiles();
      process.exit(code);
    });
  }
  // The reader of stdout or stderr went away (`khop demo | head`): a write fails with EPIPE
  // after it was made, as an 'error' event nobody else may be listening for — end as a Unix
  // tool killed by SIGPIPE would, without a stack trace (exit.ts, EXIT_BROKEN_PIPE).
  // Any other failure of theirs (`khop dedupe in.csv > /dev/full`: ENOSPC) ends the run with
  // one line on stderr — when stderr is not the stream that failed — and that failure's exit
  // code (3 for an exhausted resource), not an uncaught exception and exit 1 ("done with
  // rejected rows").
  let failing = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: unknown) => {
      removeOpenTemporaryFiles();
      if (isBrokenPipe(e)) process.exit(EXIT_BROKEN_PIPE);
      const error = new KhopError('IO_ERROR', `writing standard ${stream === process.stdout ? 'output' : 'error'} failed`, { cause: e });
      if (!failing && stream !== process.stderr) {
        failing = true;
        try {
          process.stderr.write(errorText(error, false));
        } catch {
          // stderr is gone too: the exit code alone says it
        }
      }
      process.exitCode = exitCodeFor(error);
      process.exit();
    });
  }
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: standardInput(0, process.stdin), stdinFd: 0 });
  process.exitCode = code;
}
