/**
 * bench/e2e/run.ts on a population too small to hold a duplicate: a quality figure with
 * nothing to measure (precision 0 / 0, null in the stage's JSON) is shown as n/a, and the
 * table is printed — not a TypeError losing it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('e2e harness, tiny run', () => {
  it('prints n/a for a quality figure with nothing to measure', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const r = spawnSync(tsx, ['bench/e2e/run.ts', '--records', '2', '--claims', '2', '--stages', 'khop-dedupe'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toContain('TypeError');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| khop: dedupe \|.*precision n\/a/);
  }, 90_000);
});
