/**
 * Where the worker entry is, and how to start it.
 *
 *   built package            dist/index.js  (ESM)  ┐ import.meta.url → dist/…  → dist/worker.js
 *                            dist/index.cjs (CJS)  ┘ (tsup `shims: true` turns import.meta.url
 *                                                    into the file URL of index.cjs)
 *   sources (vitest, tsx)    src/pool/worker-location.ts → src/pool/worker-source.mjs, which
 *                            registers tsx's ESM hook inside the thread and imports worker.ts
 *
 * Decision at run time: `./worker.js` next to this module wins (the build put it there);
 * otherwise `./worker-source.mjs` (the sources are being run). Both the ESM and the CJS
 * library start the same ESM worker file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** Find the worker entry next to `base` (default: this module). */
export function workerLocation(base: string = import.meta.url): WorkerLocation {
  const js = new URL('./worker.js', base);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: undefined, built: true };
  // Sources: no inherited loader flags (tsx's CommonJS hook would load the worker as CommonJS).
  const source = new URL('./worker-source.mjs', base);
  if (existsSync(fileURLToPath(source))) return { filename: source.href, execArgv: [], built: false };
  throw new KhopError('WORKER_FAILED', 'the pool worker (worker.js) is missing next to the khop library; was dist/ built completely?');
}
