import { defineConfig } from 'tsup';

// No source maps: with their embedded sources they were 10.6 of the package's 15.5 MB, and
// without them they point at src/ files the package does not ship. Debug from the sources
// (tsx, vitest) instead.
//
// Two builds: the library (ESM + CJS + declarations, one public entry) and the
// executables (CLI and pool worker, ESM only; the worker is resolved at run time as
// ./worker.js next to the library chunk: src/pool/worker-location.ts).
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    // Clean dist/ except the CLI and worker bundles: the builds run at the same time, and a
    // plain `clean: true` here could delete them after the builds below have written them.
    // (Source maps of earlier builds go: nothing writes them now.)
    clean: ['!cli.js', '!worker.js'],
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
    // The pool worker (src/pool/worker.ts): one ESM file that both dist/index.js and
    // dist/index.cjs start from their own file URL (src/pool/worker-location.ts).
    entry: { worker: 'src/pool/worker.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    splitting: false,
  },
]);
