import { afterAll, describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/synth/population.js';
import { confusionTable, stepsTable } from '../../src/cli/demo.js';
import { verdictConfusion } from '../../src/eval/verdict-confusion.js';
import { cli, leakedValues, tempDir } from './cli-helpers.js';

const t = tempDir();
afterAll(() => t.remove());

describe('khop demo', () => {
  it('dedupes and authenticates synthetic records and reports quality figures only', async () => {
    const r = await cli(['demo', '--records', '600', '--claims', '300', '--seed', '5', '-q'], t.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('1. dedupe: 600 records of ');
    expect(out).toMatch(/generate population\s+\S+ m?s/);
    const m = /pairwise precision (\d\.\d{4}) · recall (\d\.\d{4}) · F1 (\d\.\d{4})/.exec(out);
    expect(m).not.toBeNull();
    expect(Number(m![3])).toBeGreaterThan(0.8);
    expect(out).toContain('2. authentication: register of 600 people, 300 claims');
    const acc = /verdict accuracy (\d\.\d{4}) \((\d+) of 300\)/.exec(out);
    expect(acc).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThan(0.9);
    expect(out).toMatch(/expected \\ actual\s+VERIFIED/);
    // no record value of the population is printed
    const rows = [...generatePopulation({ size: 600, seed: 5 })];
    expect(leakedValues(out, rows.flatMap((x) => [x.fullName.trim(), x.id, x.dob]).filter((v) => v.length >= 6))).toEqual([]);
  });

  it('bench prints throughput of every step and the single-claim latency', async () => {
    const r = await cli(['bench', '--records', '400', '--claims', '200', '-q'], t.dir);
    expect(r.code).toBe(0);
    for (const step of ['generate population', 'dedupe', 'build register', 'authenticate (batched)']) {
      expect(r.stdout).toMatch(new RegExp(`${step.replace(/[()]/g, '\\$&')}\\s+\\S+ m?s\\s+[\\d,]+ \\w+/s`));
    }
    expect(r.stdout).toMatch(/single-claim latency over 200 claims: p50 [\d.]+ µs, p99 [\d.]+ µs/);
    expect(r.stdout).toContain('npm run bench:e2e');
  });
});

describe('demo tables', () => {
  it('renders steps with throughput and a confusion matrix with recall (known answer)', () => {
    expect(stepsTable([{ step: 'x', ms: 2000, items: 1000, unit: 'rows' }])).toBe('step   time  throughput\n----  -----  ----------\nx     2.0 s  500 rows/s\n');
    const c = verdictConfusion(['VERIFIED', 'VERIFIED', 'NOT_FOUND'], ['VERIFIED', 'MISMATCH', 'NOT_FOUND']);
    expect(confusionTable(c)).toBe(
      [
        'expected \\ actual  VERIFIED  MISMATCH  NOT_FOUND  recall',
        '-----------------  --------  --------  ---------  ------',
        'VERIFIED                  1         1          0  0.5000',
        'MISMATCH                  0         0          0       —',
        'NOT_FOUND                 0         0          1  1.0000',
        '',
      ].join('\n'),
    );
  });
});
