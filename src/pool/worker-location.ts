/**
 * Where the worker entry is, and how to start it.
 *
 *   built package            dist/index.js  (ESM)  import.meta.url           ┐ → dist/worker.js
 *                            dist/index.cjs (CJS)  pathToFileURL(__filename) ┘
 *   sources (vitest, tsx)    src/pool/worker-location.ts → src/pool/worker-source.mjs, which
 *                            registers tsx's ESM hook inside the thread and imports worker.ts
 *
 * Decision at run time: `./worker.js` next to this module wins (the build put it there);
 * otherwise `./worker-source.mjs` (the sources are being run). Both the ESM and the CJS
 * library start the same ESM worker file.
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
  /** True for the built dist/worker.js, false for the TypeScript sources. */
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
  const js = new URL('./worker.js', base);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: undefined, built: true };
  // Sources: no inherited loader flags (tsx's CommonJS hook would load the worker as CommonJS).
  const source = new URL('./worker-source.mjs', base);
  if (existsSync(fileURLToPath(source))) return { filename: source.href, execArgv: [], built: false };
  throw new KhopError('WORKER_FAILED', 'the pool worker (worker.js) is missing next to the khop library; was dist/ built completely?');
}
