/**
 * The built package, used as a user would: `node` runs a small script that imports
 * dist/index.js (ESM) or requires dist/index.cjs (CJS) and deduplicates a few rows on a pool of
 * two worker threads (dist/worker.cjs). Skipped, with a message, when dist/ is not built
 * (`npm test` builds first). KHOP_DIST may point at another build directory.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dist = process.env['KHOP_DIST'] ?? fileURLToPath(new URL('../../dist/', import.meta.url));
const built = ['index.js', 'index.cjs', 'worker.cjs'].every((f) => existsSync(join(dist, f)));
if (!built) console.warn(`[built-package.test] skipped: ${dist} has no index.js, index.cjs and worker.cjs (run the build first)`);

/** The script body after the package is loaded as `khop`: prints one JSON line. */
const body = `
const family = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ'];
const given = ['An', 'Bình', 'Chi', 'Dũng', 'Hoa', 'Lan', 'Minh', 'Nam'];
const rows = [];
const truth = [];
for (let p = 0; p < 40; p++) {
  const name = family[p % 6] + ' Văn ' + given[(p * 5) % 8] + (p >= 24 ? ' ' + given[p % 8] : '');
  const year = 1950 + ((p * 7) % 50);
  const dob = String(1 + (p % 28)).padStart(2, '0') + '/' + String(1 + (p % 12)).padStart(2, '0') + '/' + year;
  const id = '0010' + String(year % 100).padStart(2, '0') + String(100000 + p * 7919).slice(-6);
  rows.push({ rid: 'r' + rows.length, id, name, dob, sex: 'Nam' });
  truth.push(p);
  if (p % 3 === 0) truth.push(p);
  if (p % 3 === 0) rows.push({ rid: 'r' + rows.length, id, name: name.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D'), dob, sex: 'Nam' });
}
const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName', locale: 'vi' }, dob: { kind: 'date' }, sex: { kind: 'sex' } };
const run = async () => {
  const r = await khop.dedupe(rows, { schema, idField: 'rid', threads: 2, uSampleSize: 500 });
  const compare = r.stats.phases.find((p) => p.phase === 'compare');
  console.log(JSON.stringify({ threads: compare.threads, truth, clusters: r.clusters, pairs: r.pairs.count, weights: Array.from(r.pairs.weight) }));
};
run().catch((e) => { console.error(e && e.code, e && e.message); process.exit(1); });
`;

function runNode(args: string[], cwd = dist): { out: { threads: number; truth: number[]; clusters: string[]; pairs: number; weights: number[] }; stderr: string } {
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, cwd });
  if (res.status !== 0) throw new Error(`node exited ${res.status}: ${res.stderr}`);
  return { out: JSON.parse(res.stdout.trim().split('\n').pop()!), stderr: res.stderr };
}

describe.skipIf(!built)('the built package', () => {
  it('ESM (dist/index.js) and CJS (dist/index.cjs) deduplicate on two worker threads, with the same result', () => {
    const esm = runNode(['--input-type=module', '-e', `import * as khop from ${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)};\n${body}`]);
    const cjs = runNode(['-e', `const khop = require(${JSON.stringify(join(dist, 'index.cjs'))});\n${body}`]);
    for (const r of [esm, cjs]) {
      expect(r.out.threads).toBe(2);
      // Exactly the 40 people: rows of the same person share a cluster, no one else does.
      const { truth, clusters } = r.out;
      expect(new Set(clusters).size).toBe(40);
      for (let i = 1; i < truth.length; i++) expect(clusters[i] === clusters[i - 1]).toBe(truth[i] === truth[i - 1]);
      expect(r.stderr).not.toMatch(/Error/);
    }
    expect(cjs.out).toEqual(esm.out);
  });

  it('finds dist/worker.cjs from a directory whose name holds #, ?, %20 and %zz (CJS and ESM)', () => {
    // A file URL built without percent-encoding (tsup's CommonJS import.meta.url shim) cuts
    // such a path at '#' or '?', decodes '%20' into another directory, and throws on '%zz'.
    const root = mkdtempSync(join(tmpdir(), 'khop-path-'));
    try {
      const dir = join(root, 'a#b%20c?d%zz');
      mkdirSync(dir);
      for (const f of ['index.js', 'index.cjs', 'worker.cjs']) copyFileSync(join(dist, f), join(dir, f));
      // The dependencies (piscina, msgpackr…), found from the copy as from an install.
      symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(root, 'node_modules'), 'dir');
      const cjs = runNode(['-e', `const khop = require(${JSON.stringify(join(dir, 'index.cjs'))});\n${body}`], dir);
      const esm = runNode(['--input-type=module', '-e', `import * as khop from ${JSON.stringify(pathToFileURL(join(dir, 'index.js')).href)};\n${body}`], dir);
      expect(cjs.out.threads).toBe(2);
      expect(esm.out.threads).toBe(2);
      expect(cjs.out).toEqual(esm.out);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
