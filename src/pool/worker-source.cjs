// Pool worker bootstrap for running khop from its TypeScript sources (vitest, tsx); the built
// package starts dist/worker.cjs instead (see worker-location.ts).
//
// Why a JavaScript file: on Node 20 a module hook passed to a worker with `--import tsx` does
// not apply to the worker's own imports, and tsx's CommonJS hook (which does) loads the whole
// graph as CommonJS, where each imported binding is a getter call — 2–3× slower in the
// comparison loops. Registering tsx's ESM hook from inside the thread works, and keeps the
// worker's modules real ES modules, as in the main thread.
//
// Why CommonJS itself: piscina require()s the worker file, and on Node 20 require() of an ES
// module (require(esm)) aborts the whole process when the thread is terminated during that
// load — a pool closed right after it was made (see tsup.config.ts). This file loads as plain
// CommonJS; tsx's ESM API (its CommonJS build's register() fails to find its own ESM half)
// and then the TypeScript entry are imported asynchronously.
'use strict';

const worker = import('tsx/esm/api').then(({ register }) => {
  register();
  return import('./worker.ts');
});

/** Forward each task to the TypeScript worker entry once it is loaded. */
module.exports = async function khopWorkerFromSources(message) {
  return (await worker).default(message);
};
