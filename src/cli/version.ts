/**
 * The package version for `khop --version`, read from khop's own package.json.
 *
 * Trade-off: looked up at run time by walking up from this module's location until a
 * package.json named "khop" is found, so the same code works from the source tree
 * (src/cli/version.ts → ../../package.json), from the bundle (dist/cli.js → ../package.json)
 * and from an installed package, with no build-time substitution to keep in step.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** khop's version, or 'unknown' when its package.json cannot be found. */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'khop' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}
