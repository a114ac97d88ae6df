/**
 * `npm run bench` records in front of a section's command only the environment variables the
 * suite reads (bench/lib/micro-suites.ts lists them; checked here against each file), and a
 * script's own section only those it read through envCount (bench/lib/report.ts envUsed).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SUITES } from '../../bench/lib/micro-suites.js';
import { envCount, envUsed } from '../../bench/lib/report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The KHOP_* variables a file reads: envCount names and aliases, and process.env.X. */
function readsEnv(file: string): string[] {
  const text = readFileSync(root + file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/envCount\(\s*'(KHOP_\w+)'[^)]*\)/g)) {
    names.add(m[1]!);
    for (const a of m[0].matchAll(/'(KHOP_\w+)'/g)) names.add(a[1]!);
  }
  for (const m of text.matchAll(/process\.env\.(KHOP_\w+)/g)) names.add(m[1]!);
  return [...names].sort();
}

afterEach(() => {
  delete process.env.KHOP_TEST_USED;
  delete process.env.KHOP_TEST_IGNORED;
});

describe('micro-suites env lists', () => {
  it.each(SUITES.map((s) => [s.name, s]))('%s lists exactly the variables its file reads', (_, s) => {
    expect([...s.env].sort()).toEqual(readsEnv(s.file));
  });
});

describe('envUsed', () => {
  it('names what envCount read, not every KHOP_ variable set', () => {
    process.env.KHOP_TEST_USED = '5k';
    process.env.KHOP_TEST_IGNORED = '7';
    expect(envCount('KHOP_TEST_USED', 1)).toBe(5000);
    expect(envUsed()).toContain('KHOP_TEST_USED=5k');
    expect(envUsed().some((e) => e.startsWith('KHOP_TEST_IGNORED'))).toBe(false);
  });
});
