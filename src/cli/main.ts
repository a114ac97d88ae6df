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
import { removeOpenTemporaryFiles } from '../io/text-sink.js';
import { EXIT_BROKEN_PIPE, isBrokenPipe } from './exit.js';

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
  // Interrupted (Ctrl-C, a service manager's stop): the outputs being written are temporary
  // files beside their paths (text-sink.ts) — remove them, so an interrupted run leaves the
  // previous outputs and no hidden partial copy of the records; then end as the signal would.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      removeOpenTemporaryFiles();
      process.exit(code);
    });
  }
  // The reader of stdout or stderr went away (`khop demo | head`): a write fails with EPIPE
  // after it was made, as an 'error' event nobody else may be listening for — end as a Unix
  // tool killed by SIGPIPE would, without a stack trace (exit.ts, EXIT_BROKEN_PIPE).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: unknown) => {
      if (!isBrokenPipe(e)) throw e;
      removeOpenTemporaryFiles();
      process.exit(EXIT_BROKEN_PIPE);
    });
  }
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
  process.exitCode = code;
}
