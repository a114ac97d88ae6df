/**
 * `npm run bench`: every micro-benchmark (tinybench) in its own process, one after the other,
 * with --write each printed table written to its own BENCHMARKS.md section with the command
 * that reproduces it. The end-to-end, scale and quality suites have their own scripts
 * (bench:e2e, bench:scale, bench/quality/run.ts). Each suite runs as a tracked child
 * (bench/lib/child.ts): an interrupt is passed on to it and waited for.
 *
 *   npm run bench [-- --only hash,text] [-- --write]
 */
import { fileURLToPath } from 'node:url';
import { runScript } from './lib/child.js';
import { SUITES } from './lib/micro-suites.js';
import { parseArgs, parseNameList, writeBenchmarkSection } from './lib/report.js';


const short = (name: string): string => name.replace('micro-', '');
const USAGE = `Every micro-benchmark (tinybench), each in its own process, one after the other.

  npm run bench -- [--only LIST] [--write]

  --only LIST   run only these (comma-separated): ${SUITES.map((s) => short(s.name)).join(', ')}
  --write       write each table to its BENCHMARKS.md section (micro-<name>)
  --no-write    accepted for compatibility: nothing is written without --write
  --help        this text
  Sizes: each script's own environment variables (KHOP_BENCH_N, KHOP_BENCH_TIME…) pass through;
  a section's command records those its script reads (hash, block, io and synth read none).`;

const args = parseArgs(process.argv.slice(2), { only: 'value', write: 'flag', 'no-write': 'flag' }, USAGE);
const onlyNames = parseNameList(args.only, 'only', SUITES.map((s) => short(s.name)));
const only = onlyNames === undefined ? null : new Set(onlyNames);
const root = fileURLToPath(new URL('..', import.meta.url));
/** The variables of `names` that are set, as `NAME=value`: the sizes the suite ran with. */
function suiteEnv(names: readonly string[]): string[] {
  return names.filter((k) => process.env[k] !== undefined && process.env[k] !== '').map((k) => `${k}=${process.env[k]}`);
}
let failed = 0;
for (const s of SUITES) {
  if (only && !only.has(short(s.name))) continue;
  console.error(`… ${s.file}`);
  // Asynchronously and tracked (bench/lib/child.ts): a Ctrl-C or SIGTERM reaches the suite
  // running and waits for it, where a blocked spawnSync could run no handler.
  const r = await runScript(s.file, s.args ?? [], { cwd: root });
  process.stdout.write(r.stdout);
  if (r.signal !== null) {
    // Interrupted (this process is exiting with the signal's code: exit-cleanup.ts).
    console.error(`${s.file} stopped by ${r.signal}`);
    failed++;
    break;
  }
  if (r.status !== 0) {
    failed++;
    console.error(`${s.file} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    continue;
  }
  if (args.write === true) writeBenchmarkSection(s.name, s.title, `npm run bench -- --only ${short(s.name)} --write`, '```\n' + r.stdout.trim() + '\n```', suiteEnv(s.env));
}
process.exitCode = failed > 0 ? 1 : 0;
