/**
 * Where the worker entry is, and how to start it.
 *
 *   built package            dist/index.js  (ESM)  import.meta.url           ┐ → dist/worker.cjs
 *                            dist/index.cjs (CJS)  pathToFileURL(__filename) ┘
 *   sources (vitest, tsx)    src/pool/worker-location.ts → src/pool/worker-source.cjs, which
 *                            registers tsx's ESM hook inside the thread and imports worker.ts
 *
 * Decision at run time: `./worker.cjs` next to this module wins (the build put it there);
 * otherwise `./worker-source.cjs` (the sources are being run). Both the ESM and the CJS
 * library start the same worker file. Both worker files are CommonJS: piscina require()s
 * the file, and on Node 20 a thread terminated while require() loads an ES module aborts the
 * process (tsup.config.ts).
 *
 * Why not import.meta.url in the CommonJS bundle: tsup's shim for it is
 * `new URL('file:' + __filename)`, which does not percent-encode the path, so an install
 * path holding `#`, `?` or `%XX` (/tmp/hash#dir/node_modules/khop) lost its tail or was
 * decoded into another directory, and a stray `%zz` threw a URIError. pathToFileURL encodes
 * every such character; Node's own import.meta.url (ESM, sources) already does.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KhopError } from '../errors.js';

/** How to start a pool worker. */
export interface WorkerLocation {
  /** file:// URL of the worker entry. */
  readonly filename: string;
  /** Node options of the worker thread (undefined: inherit the parent's). */
  readonly execArgv: string[] | undefined;
  /** True for the built dist/worker.cjs, false for the TypeScript sources. */
  readonly built: boolean;
}

/** The file URL of this module, percent-encoded whatever its path (see the file header). */
export function thisModuleUrl(): string {
  // `typeof` of an undeclared name is 'undefined', not a ReferenceError: in an ES module
  // without a `__filename` this falls through to import.meta.url.
  return typeof __filename === 'string' && __filename !== '' ? pathToFileURL(__filename).href : import.meta.url;
}

/** Find the worker entry next to `base` (a file URL; default: this module). */
export function workerLocation(base: string = thisModuleUrl()): WorkerLocation {
  const built = new URL('./worker.cjs', base);
  if (existsSync(fileURLToPath(built))) return { filename: built.href, execArgv: undefined, built: true };
  // Sources: no inherited loader flags (tsx's CommonJS hook would load the worker as CommonJS).
  const source = new URL('./worker-source.cjs', base);
  if (existsSync(fileURLToPath(source))) return { filename: source.href, execArgv: [], built: false };
  throw new KhopError('WORKER_FAILED', 'the pool worker (worker.cjs) is missing next to the khop library; was dist/ built completely?');
}
