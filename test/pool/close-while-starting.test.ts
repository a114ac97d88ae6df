/**
 * A pool closed while its threads are still loading the worker file must not take the process
 * down. piscina require()s the worker file; on Node 20 require() of an ES module that is
 * terminated mid-load aborted the whole process ("FATAL ERROR: v8::Module::IsGraphAsync …"),
 * so the worker files are CommonJS (tsup.config.ts, worker-source.cjs). Each case runs in a
 * child process — an abort there fails the case instead of the test runner. The child first
 * measures T, the time from making a pool of two threads to its first answer (the median of
 * three), then makes and closes pools at seeded delays in [0.4 T, 0.7 T]: while the threads
 * are loading the worker file, on any machine.
 *
 * How often it catches the old ES module worker: the abort needs a termination inside the
 * module's instantiation, a window of a few milliseconds; the built package's case aborted
 * in 5 of 8 runs of 100 pools with the ES module worker (0 of 10 with 60 pools at delays spread
 * over 0–150 ms, which is why the delays are aimed). So it guards the mechanism; the
 * deterministic check is that both worker files are CommonJS (below, and pool.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { workerLocation } from '../../src/pool/worker-location.js';

const dist = process.env['KHOP_DIST'] ?? fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(join(dist, 'index.js')) && existsSync(join(dist, 'worker.cjs'));
const sources = new URL('../../src/pool/pool.ts', import.meta.url).href;

/** A script that makes and closes `pools` pools (KhopPool from `from`) as the header says; prints "closed N". */
function script(from: string, pools: number): string {
  return `
import { KhopPool } from ${JSON.stringify(from)};
const ready = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const pool = KhopPool.create({ threads: 2 });
  await pool.run('pool.info', 0);
  ready.push(performance.now() - t);
  await pool.close();
}
const T = ready.sort((a, b) => a - b)[1];
let seed = 12345;
const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
let n = 0;
for (let i = 0; i < ${pools}; i++) {
  const pool = KhopPool.create({ threads: 2 });
  await new Promise((r) => setTimeout(r, T * (0.4 + 0.3 * next())));
  await pool.close();
  n++;
}
console.log('closed ' + n);
`;
}

function run(args: string[], code: string): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [...args, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('a pool closed while its threads start', () => {
  it('the worker files are CommonJS (piscina require()s them)', () => {
    const source = workerLocation();
    expect(source.filename.endsWith('.cjs')).toBe(true);
    expect(readFileSync(fileURLToPath(source.filename), 'utf8')).toMatch(/\bmodule\.exports = /);
    if (built) {
      const w = workerLocation(pathToFileURL(join(dist, 'index.js')).href);
      expect(w.filename).toBe(pathToFileURL(join(dist, 'worker.cjs')).href);
      expect(readFileSync(fileURLToPath(w.filename), 'utf8')).toMatch(/\bmodule\.exports = /);
    }
  });

  it.skipIf(!built)('the built package: 100 pools closed while their threads load, the process lives', () => {
    const r = run([], script(pathToFileURL(join(dist, 'index.js')).href, 100));
    expect(r.stderr).not.toMatch(/FATAL|Error/);
    expect(r.stdout.trim()).toBe('closed 100');
    expect(r.status).toBe(0);
  });

  it('the sources (tsx): 10 pools closed while their threads load, the process lives', () => {
    const r = run(['--import', 'tsx'], script(sources, 10));
    expect(r.stderr).not.toMatch(/FATAL|Error/);
    expect(r.stdout.trim()).toBe('closed 10');
    expect(r.status).toBe(0);
  });
});
