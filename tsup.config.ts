import { defineConfig } from 'tsup';

// No source maps: with their embedded sources they were 10.6 of the package's 15.5 MB, and
// without them they point at src/ files the package does not ship. Debug from the sources
// (tsx, vitest) instead.
//
// Two builds: the library (ESM + CJS + declarations, one public entry) and the
// executables (the CLI, ESM; the pool worker, CommonJS — resolved at run time as ./worker.cjs
// next to the library chunk: src/pool/worker-location.ts).
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    // Clean dist/ except the CLI and worker bundles: the builds run at the same time, and a
    // plain `clean: true` here could delete them after the builds below have written them.
    // (Source maps of earlier builds go: nothing writes them now.)
    clean: ['!cli.js', '!worker.cjs'],
    target: 'node20',
    splitting: false,
    shims: true,
  },
  {
    // The `khop` executable (package.json#bin): one self-contained ESM file with a shebang.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    splitting: false,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The pool worker (src/pool/worker.ts): one file that both dist/index.js and dist/index.cjs
    // start from their own file URL (src/pool/worker-location.ts). CommonJS, not ESM: piscina
    // loads a worker file with require(), which on Node 20 loads an ES module synchronously
    // (require(esm)), and a pool closed while a thread was still in that load aborted the whole
    // process ("FATAL ERROR: v8::Module::IsGraphAsync … must be used on an instantiated
    // module" — Node's, measured: 5 of 9 runs of 300 pools closed 0–150 ms after creation; a
    // CommonJS worker 0 of 6). A CommonJS load ends cleanly when its thread is terminated.
    entry: { worker: 'src/pool/worker.ts' },
    format: ['cjs'],
    // import.meta.url (worker-location.ts, unused in CommonJS: __filename is taken first) shimmed,
    // as in the library's CommonJS bundle, rather than left empty.
    shims: true,
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    splitting: false,
  },
]);
