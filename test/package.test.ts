// Imports the *built* package the way a consumer would: ESM through `import`, CJS through
// `require`, both resolved through package.json#exports by the package's own name.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);

describe('built package', () => {
  it('has been built (npm test builds before vitest runs)', () => {
    expect(existsSync(new URL('dist/index.js', root))).toBe(true);
    expect(existsSync(new URL('dist/index.cjs', root))).toBe(true);
    expect(existsSync(new URL('dist/index.d.ts', root))).toBe(true);
  });

  it('loads as ESM by package name in a fresh node process', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e',
      "import * as k from 'khop'; const e = new k.KhopError('INVALID_OPTION','x'); console.log(JSON.stringify({keys:Object.keys(k).sort(), code:e.code, inst: e instanceof Error}))"],
      { cwd: new URL('.', root), encoding: 'utf8' });
    const r = JSON.parse(out);
    expect(r.code).toBe('INVALID_OPTION');
    expect(r.inst).toBe(true);
    expect(r.keys).toContain('KhopError');
  });

  it('loads as CJS by package name with the same exports as ESM', async () => {
    const require = createRequire(new URL('package.json', root));
    const cjs = require('khop') as Record<string, unknown>;
    const esm = (await import(new URL('dist/index.js', root).href)) as Record<string, unknown>;
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
  });

  it('declares as a value (class, const, function) only what the built module exports at run time', async () => {
    // A class in the declarations but not in the module typechecks `x instanceof C` and then
    // throws (CandidatePairStream did). The declaration bundle ends with one export list.
    const esm = (await import(new URL('dist/index.js', root).href)) as Record<string, unknown>;
    for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
      const dts = readFileSync(new URL(file, root), 'utf8');
      const list = [...dts.matchAll(/^export \{([^}]*)\};?$/gm)];
      expect(list.length).toBe(1);
      const values = list[0]![1]!.split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '));
      expect(values.length).toBeGreaterThan(100);
      expect(values.filter((n) => !(n in esm))).toEqual([]);
    }
  });

  it('recognises a KhopError thrown by the other build (ESM and CJS loaded in one process)', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { createRequire } from 'node:module';
      const esm = await import('khop');
      const cjs = createRequire(process.cwd() + '/package.json')('khop');
      const thrown = (f) => { try { f(); } catch (e) { return e; } };
      const fromCjs = thrown(() => cjs.defineSchema(null));
      const fromEsm = thrown(() => esm.defineSchema(null));
      console.log(JSON.stringify({ twoClasses: esm.KhopError !== cjs.KhopError, codes: [fromCjs.code, fromEsm.code],
        checks: [fromCjs instanceof esm.KhopError, esm.isKhopError(fromCjs, 'INVALID_SCHEMA'), fromEsm instanceof cjs.KhopError, cjs.isKhopError(fromEsm, 'INVALID_SCHEMA')] }));`],
    { cwd: new URL('.', root), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ twoClasses: true, codes: ['INVALID_SCHEMA', 'INVALID_SCHEMA'], checks: [true, true, true, true] });
  });

  describe('npm pack', () => {
    // What a consumer installs: `npm pack --dry-run` lists the files of package.json#files
    // (plus package.json, README, LICENSE) from the built dist/, without writing a tarball.
    const packed = (): { path: string; size: number }[] => {
      const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: new URL('.', root), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return (JSON.parse(out) as { files: { path: string; size: number }[] }[])[0]!.files;
    };

    it('ships the MIT licence and the notices of the bundled name lists', () => {
      const paths = packed().map((f) => f.path);
      expect(paths).toContain('LICENSE');
      expect(paths).toContain('NOTICE');
      const license = readFileSync(new URL('LICENSE', root), 'utf8');
      expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 khop contributors\n/);
      expect(JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).license).toBe('MIT');
      // src/data/vn-family-names.ts and vn-name-parts.ts come from duyet/vietnamese-namedb (MIT).
      expect(readFileSync(new URL('NOTICE', root), 'utf8')).toContain('Copyright (c) 2016 Van-Duyet Le');
    });

    it('ships the built code, its declarations and the documents README links to: no source maps, no unused wasm', () => {
      // The XXH64 kernel is embedded in the bundles as base64 (src/hash/kernel-wasm.generated.ts),
      // so wasm/xxh64.wasm is not needed; source maps would add ~10 MB of embedded sources.
      expect(packed().map((f) => f.path).sort()).toEqual([
        'BENCHMARKS.md', 'LICENSE', 'NOTICE', 'README.md',
        'dist/cli.js', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'dist/worker.cjs',
        'docs/bad-input.md', 'docs/internals.md', 'docs/privacy.md',
        'package.json',
      ]);
      // Every relative link of the README names a shipped file.
      const shipped = new Set(packed().map((f) => f.path));
      const links = [...readFileSync(new URL('README.md', root), 'utf8').matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
      expect(links.length).toBeGreaterThan(0);
      expect(links.filter((l) => !shipped.has(l))).toEqual([]);
      for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/worker.cjs', 'dist/cli.js']) {
        const code = readFileSync(new URL(f, root), 'utf8');
        expect(code).not.toMatch(/sourceMappingURL/);
        expect(code).not.toMatch(/\.wasm['"]/);
      }
    });
  });
});
