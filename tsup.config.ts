import { defineConfig } from 'tsup';

// Two builds: the library (ESM + CJS + declarations, one public entry) and the
// executables (CLI and pool worker, ESM only; the worker is resolved at run time as
// new URL('./worker.js', import.meta.url) next to the library chunk).
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    shims: true,
  },
]);
