// Pool worker bootstrap for running khop from its TypeScript sources (vitest, tsx); the built
// package starts dist/worker.js instead (see worker-location.ts).
//
// Why a JavaScript file: on Node 20 a module hook passed to a worker with `--import tsx` does
// not apply to the worker's own imports, and tsx's CommonJS hook (which does) loads the whole
// graph as CommonJS, where each imported binding is a getter call — 2–3× slower in the
// comparison loops. Registering tsx's ESM hook from inside the thread works, and keeps the
// worker's modules real ES modules, as in the main thread.
import { register } from 'tsx/esm/api';

register();
const worker = import('./worker.ts');

/** Forward each task to the TypeScript worker entry once it is loaded. */
export default async function khopWorkerFromSources(message) {
  return (await worker).default(message);
}
