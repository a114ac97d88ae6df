/** The micro-benchmarks `npm run bench` (bench/run-all.ts) runs, each in its own process. */

/**
 * The micro-benchmarks; `env` lists the environment variables each one reads (its sizes): only
 * those, when set, are written in front of the section's command — a variable a suite ignores
 * (hash, block, io and synth take their sizes as options, not from the environment) is not.
 * test/bench/run-all-env.test.ts checks the lists against the files.
 */
export const SUITES: ReadonlyArray<{ name: string; file: string; title: string; args?: string[]; env: readonly string[] }> = [
  { name: 'micro-text', file: 'bench/text/text.bench.ts', title: 'Text: normalise + fold + phonetic key vs a naive NFD+regex baseline', env: ['KHOP_BENCH_N', 'KHOP_N', 'KHOP_BENCH_TIME', 'KHOP_TIME'] },
  { name: 'micro-keys', file: 'bench/keys/phonetic-keys.bench.ts', title: 'Phonetic keys', env: ['KHOP_BENCH_N', 'KHOP_BENCH_TIME'] },
  { name: 'micro-hash', file: 'bench/hash/hash.bench.ts', title: 'Hashing: batch WASM XXH64 vs xxhash-wasm per call vs pure JS', env: [] },
  { name: 'micro-compare', file: 'bench/compare/compare.bench.ts', title: 'Comparators: span kernels vs naive allocating versions', env: ['KHOP_BENCH_N', 'KHOP_BENCH_ROWS', 'KHOP_BENCH_TIME', 'KHOP_BENCH_CLOCK'] },
  { name: 'micro-score', file: 'bench/score/score.bench.ts', title: 'Fellegi–Sunter scoring and EM vs naive object-per-pair', env: ['KHOP_BENCH_N', 'KHOP_BENCH_TIME'] },
  { name: 'micro-block', file: 'bench/block/block-index.bench.ts', title: 'BlockIndex build and lookup vs a JS Map', env: [] },
  { name: 'micro-io', file: 'bench/io/csv.bench.ts', title: 'CSV reading and writing vs naive split/join', env: [] },
  { name: 'micro-synth', file: 'bench/synth/generate.bench.ts', title: 'Synthetic population generation', env: [] },
];
